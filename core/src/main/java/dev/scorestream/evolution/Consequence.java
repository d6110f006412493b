package dev.scorestream.evolution;

/**
 * What a schema change does to one model feature, from harmless to worst. The order matters: a
 * feature touched by several changes reports the worst.
 */
public enum Consequence {
  /** The feature gets the values it got before (a rename, an exact promotion). */
  UNAFFECTED,
  /**
   * The feature still varies but its values mean something else: a lossy promotion, another logical
   * type, an enum symbol read as the reader's default.
   */
  VALUES_REENCODED,
  /**
   * The feature is the same in every event: the reader's default of a removed field, or a one-hot
   * column whose symbol the writer no longer has.
   */
  ALWAYS_DEFAULT,
  /** Events that would feed it fail to decode and become dead letters (some or all of them). */
  DEAD_LETTERED;

  public boolean worseThan(Consequence other) {
    return compareTo(other) > 0;
  }
}

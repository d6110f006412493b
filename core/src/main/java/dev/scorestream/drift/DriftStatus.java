package dev.scorestream.drift;

/** The verdict on one feature (or the prediction distribution) for one window. */
public enum DriftStatus {
  /** Fewer values than the minimum count: no verdict. */
  INSUFFICIENT_DATA,
  OK,
  WARN,
  ALERT;

  /** The worse of two verdicts (INSUFFICIENT_DATA is the mildest). */
  public DriftStatus worst(DriftStatus other) {
    return compareTo(other) >= 0 ? this : other;
  }
}

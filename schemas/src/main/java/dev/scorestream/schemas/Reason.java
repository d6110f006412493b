package dev.scorestream.schemas;

/**
 * Why a record became a dead letter. The codes are a stable contract: dashboards, alerts and {@code
 * scorer replay --reason} use them.
 */
public enum Reason {
  /**
   * Not the Confluent wire format: null, too short, wrong magic byte (e.g. JSON sent by mistake).
   */
  NOT_WIRE_FORMAT(Disposition.POISON),
  /** The schema id is not registered; replayable once the schema is registered under that id. */
  UNKNOWN_SCHEMA_ID(Disposition.RETRYABLE),
  /** The Avro body does not decode with its writer schema (truncated, corrupt, trailing bytes). */
  UNDECODABLE(Disposition.POISON),
  /** The writer schema (or this record's data) cannot be read with the pipeline's reader schema. */
  INCOMPATIBLE_SCHEMA(Disposition.RETRYABLE),
  /** Decoded, but one or more field rules are violated; see the {@code rules} header. */
  RULE_VIOLATION(Disposition.POISON),
  /** Valid, but the model could not use any feature of it. */
  NO_FEATURES(Disposition.POISON),
  /** The model failed on a valid record; replayable after a model fix. */
  SCORING_ERROR(Disposition.RETRYABLE),
  /**
   * Scored, but its prediction would exceed what the predictions topic or the producer accepts (a
   * huge key or event id, say); replayable after raising {@code max.message.bytes}.
   */
  OUTPUT_TOO_LARGE(Disposition.RETRYABLE),
  /**
   * A reference table the enrichment spec marks required had no row for the event's key; replayable
   * once the row is published.
   */
  REFERENCE_MISSING(Disposition.RETRYABLE);

  private final Disposition disposition;

  Reason(Disposition disposition) {
    this.disposition = disposition;
  }

  public Disposition disposition() {
    return disposition;
  }

  /** Whether replaying the unchanged bytes can ever succeed (after an operator fixes something). */
  public enum Disposition {
    /** The bytes themselves are wrong: replaying them unchanged fails again. */
    POISON,
    /**
     * The bytes are fine; something around them (registry, reader schema, model) must change first.
     */
    RETRYABLE;

    public String code() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}

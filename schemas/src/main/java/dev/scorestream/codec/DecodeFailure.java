package dev.scorestream.codec;

/**
 * Why bytes could not become a record on the reader schema. Each is a definite property of the
 * bytes.
 */
public enum DecodeFailure {
  /** Null, shorter than the 5-byte header, or a first byte other than the magic byte 0. */
  NOT_WIRE_FORMAT,
  /** The registry answered that the schema id in the header does not exist. */
  UNKNOWN_SCHEMA_ID,
  /**
   * The writer schema is known but the Avro body does not decode with it (truncated, corrupt,
   * trailing bytes).
   */
  UNDECODABLE,
  /** The writer schema cannot be resolved onto the reader schema, or this record's data cannot. */
  INCOMPATIBLE_SCHEMA
}

package dev.scorestream.codec;

import org.apache.avro.generic.GenericRecord;

/** What became of one wire-format payload: a record on the reader schema, or a definite failure. */
public sealed interface DecodeResult {

  /** The schema id from the header, or -1 when the payload has no valid header. */
  int schemaId();

  /** A record decoded onto the reader schema. */
  record Decoded(GenericRecord record, int schemaId) implements DecodeResult {}

  /** A definite failure; {@code cause} is the underlying exception, if there was one. */
  record Failed(DecodeFailure failure, String message, int schemaId, Throwable cause)
      implements DecodeResult {}
}

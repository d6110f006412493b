package dev.scorestream.evolution;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/**
 * What the pipeline's decoder ({@code WireFormatDecoder}) does with events of one writer schema:
 * decode them all, decode some and dead-letter the others as {@code INCOMPATIBLE_SCHEMA} (an enum
 * symbol or a null the reader cannot hold), or dead-letter every one.
 */
public enum Decodability {
  ALL_EVENTS,
  SOME_EVENTS,
  NO_EVENTS;

  /** Follows the decoder's rules, with Avro's resolution deciding which values fail. */
  public static Decodability of(Schema writer, Schema reader) {
    if (!namesMatch(writer, reader)) {
      return NO_EVENTS;
    }
    Rejection rejection = Rejections.of(writer, reader);
    if (rejection.scope() == Rejection.Scope.EVERY_VALUE) {
      return NO_EVENTS;
    }
    return rejection.rejectsAny() ? SOME_EVENTS : ALL_EVENTS;
  }

  /**
   * The decoder reads a record of another name only when Avro calls the pair compatible (a reader
   * alias naming the writer's record); otherwise the short names must be equal.
   */
  static boolean namesMatch(Schema writer, Schema reader) {
    if (writer.getType() != Schema.Type.RECORD || reader.getType() != Schema.Type.RECORD) {
      return true;
    }
    return writer.getName().equals(reader.getName())
        || (reader.getAliases().contains(writer.getFullName())
            && SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getType()
                == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
  }
}

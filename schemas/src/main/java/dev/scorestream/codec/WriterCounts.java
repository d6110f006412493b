package dev.scorestream.codec;

import java.util.concurrent.atomic.LongAdder;
import org.apache.avro.Schema;

/**
 * Counts records decoded per writer schema, for the share of events that carry a reader default:
 * whether a reader field is filled from its default depends on the writer schema alone, so counting
 * records per writer is all the per-record work it takes.
 */
@FunctionalInterface
public interface WriterCounts {

  /** Counts nothing. */
  WriterCounts NONE = (schemaId, writer, reader) -> null;

  /**
   * The counter for records of writer schema {@code schemaId} decoded onto {@code reader}; called
   * once per decoder and writer schema. Null counts nothing.
   */
  LongAdder counter(int schemaId, Schema writer, Schema reader);
}

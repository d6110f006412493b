package dev.scorestream.metrics;

import dev.scorestream.codec.WriterCounts;
import dev.scorestream.evolution.DefaultedFields;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.apache.avro.Schema;

/**
 * Events decoded per writer schema, and the reader fields each writer schema leaves to their
 * default: whether a field is defaulted depends on the writer schema alone ({@link
 * DefaultedFields}), so the per-field count of defaulted events is a sum over writer schemas,
 * computed when scraped. The only per-event work is the decoder's one increment.
 */
final class SchemaUsage implements WriterCounts {

  /** One writer schema: its events, and the reader fields they carry as the default. */
  private record Writer(LongAdder events, Set<String> defaulted) {}

  private final Map<Integer, Writer> writers = new ConcurrentHashMap<>();

  @Override
  public LongAdder counter(int schemaId, Schema writer, Schema reader) {
    return writers
        .computeIfAbsent(
            schemaId,
            id -> new Writer(new LongAdder(), Set.copyOf(DefaultedFields.of(writer, reader))))
        .events();
  }

  /** Events decoded, whatever their writer schema. */
  long decoded() {
    long total = 0;
    for (Writer writer : writers.values()) {
      total += writer.events().sum();
    }
    return total;
  }

  /** Events decoded with {@code field} filled in from the reader's default. */
  long defaulted(String field) {
    long total = 0;
    for (Writer writer : writers.values()) {
      if (writer.defaulted().contains(field)) {
        total += writer.events().sum();
      }
    }
    return total;
  }
}

package dev.scorestream.topology;

import dev.scorestream.enrichment.Enricher;
import dev.scorestream.enrichment.EnrichmentSpec;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * The enrichment spec's reference tables as Kafka Streams global tables: every instance holds a
 * full copy of each, read from its (compacted) topic as rows change, so a lookup never leaves the
 * instance and an updated row serves the events processed after it arrived, with no restart. Rows
 * stay the raw wire-format bytes; {@link Enricher} decodes what it looks up.
 */
public final class ReferenceTables {

  private ReferenceTables() {}

  /** Adds one global table per reference, materialized in the store {@code reference-<table>}. */
  static void add(StreamsBuilder builder, EnrichmentSpec spec) {
    for (EnrichmentSpec.Reference reference : spec.references()) {
      builder.globalTable(
          reference.topic(),
          Consumed.with(Serdes.Bytes(), Serdes.ByteArray()),
          Materialized.<Bytes, byte[], KeyValueStore<Bytes, byte[]>>as(reference.store())
              .withKeySerde(Serdes.Bytes())
              .withValueSerde(Serdes.ByteArray()));
    }
  }

  /** Lookups in a stream task: the global stores its processor context hands out. */
  static Enricher.Lookup lookup(Function<String, StateStore> stores) {
    Map<String, KeyValueStore<Bytes, ?>> byTable = new HashMap<>();
    return (reference, key) -> {
      @SuppressWarnings("unchecked")
      KeyValueStore<Bytes, ?> store =
          byTable.computeIfAbsent(
              reference.table(),
              table -> (KeyValueStore<Bytes, ?>) stores.apply(reference.store()));
      return unwrap(store.get(Bytes.wrap(key)));
    };
  }

  /**
   * Lookups for requests (REST, gRPC): the instance's copies through interactive queries. A table
   * still loading, or a pipeline not running, is reported as unavailable rather than read as empty.
   */
  public static Enricher.Lookup lookup(KafkaStreams streams) {
    return (reference, key) -> {
      ReadOnlyKeyValueStore<Bytes, byte[]> store;
      try {
        store =
            streams.store(
                StoreQueryParameters.fromNameAndType(
                    reference.store(), QueryableStoreTypes.<Bytes, byte[]>keyValueStore()));
        return store.get(Bytes.wrap(key));
      } catch (InvalidStateStoreException e) {
        throw new Enricher.UnavailableException(
            "reference table "
                + reference.table()
                + " is not readable on this instance yet (Kafka Streams is "
                + streams.state()
                + "): "
                + e.getMessage());
      }
    };
  }

  private static byte[] unwrap(Object value) {
    if (value instanceof ValueAndTimestamp<?> timestamped) {
      return (byte[]) timestamped.value();
    }
    return (byte[]) value;
  }
}

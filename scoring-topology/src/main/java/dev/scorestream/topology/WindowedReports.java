package dev.scorestream.topology;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * A windowed report without repartitioning every event (drift and live performance): each task
 * aggregates partials per window in {@code partialsStore}, sends them (small) through a
 * one-partition repartition topic, and the merger ({@code windowsStore}) reports each window once
 * it closes.
 *
 * <pre>
 *   input (K, V) -> <name>-aggregate -> [<app>-<name>-partials-repartition, 1 partition]
 *                -> <name>-merge -> (window start, report bytes)
 * </pre>
 */
final class WindowedReports<V, P> {

  /**
   * @param flushInterval how often each task sends its partials to the merger
   * @param checkpointInterval how often a task changelogs its partials (zero: at every commit)
   * @param idleTimeout after this long without partials the merger follows the wall clock (zero:
   *     event time only)
   */
  record Timing(Duration flushInterval, Duration checkpointInterval, Duration idleTimeout) {}

  private final WindowedPartials<V, P> spec;
  private final String partialsStore;
  private final String windowsStore;
  private final Timing timing;

  WindowedReports(
      WindowedPartials<V, P> spec, String partialsStore, String windowsStore, Timing timing) {
    this.spec = spec;
    this.partialsStore = partialsStore;
    this.windowsStore = windowsStore;
    this.timing = timing;
  }

  /** Adds the aggregator, the repartition and the merger; returns the stream of reports. */
  <K> KStream<Bytes, byte[]> add(
      StreamsBuilder builder, KStream<K, V> input, Supplier<PartialMerger.Reporter<P>> reporters) {
    builder.addStateStore(
        CommitHookStore.wrap(
            Stores.keyValueStoreBuilder(
                    Stores.inMemoryKeyValueStore(partialsStore),
                    Serdes.String(),
                    Serdes.ByteArray())
                .withCachingEnabled()));
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore(windowsStore), Serdes.String(), Serdes.ByteArray()));
    return input
        .process(
            () ->
                new PartialAggregator<K, V, P>(
                    spec, partialsStore, timing.flushInterval(), timing.checkpointInterval()),
            Named.as(spec.name() + "-aggregate"),
            partialsStore)
        .repartition(
            Repartitioned.with(Serdes.String(), Serdes.ByteArray())
                .withName(spec.name() + "-partials")
                .withNumberOfPartitions(1))
        .process(
            () ->
                new PartialMerger<V, P>(spec, windowsStore, reporters.get(), timing.idleTimeout()),
            Named.as(spec.name() + "-merge"),
            windowsStore);
  }

  /** Report key: the window start as an ISO-8601 instant. */
  static Bytes windowKey(long windowStart) {
    return Bytes.wrap(
        Instant.ofEpochMilli(windowStart).toString().getBytes(StandardCharsets.UTF_8));
  }
}

package dev.scorestream.topology;

import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-task half of {@link WindowedPartials}: folds each record into an in-memory partial (no
 * serialization per record), copies changed partials into a changelogged store on a 1 ms wall-clock
 * punctuation (Kafka Streams punctuates right before it commits, so the store holds what the committed
 * offsets imply), and every {@code flushInterval} forwards all partials, keyed by window and group, and
 * clears them. Partials restored from the changelog after a failover are picked up in {@link #init}.
 */
final class PartialAggregator<K, V, P> implements Processor<K, V, String, byte[]> {

  private static final Logger LOG = LoggerFactory.getLogger(PartialAggregator.class);

  private final WindowedPartials<V, P> spec;
  private final String storeName;
  private final Duration flushInterval;
  private final Map<String, WindowedPartials.Envelope<P>> partials = new LinkedHashMap<>();
  private final Set<String> dirty = new HashSet<>();
  private ProcessorContext<String, byte[]> context;
  private KeyValueStore<String, byte[]> store;
  // The window and group of the previous record, whose key is reused: almost every record has the same.
  private long lastStart = Long.MIN_VALUE;
  private String lastGroup;
  private String lastKey;

  PartialAggregator(WindowedPartials<V, P> spec, String storeName, Duration flushInterval) {
    this.spec = spec;
    this.storeName = storeName;
    this.flushInterval = flushInterval;
  }

  @Override
  public void init(ProcessorContext<String, byte[]> context) {
    this.context = context;
    this.store = context.getStateStore(storeName);
    try (KeyValueIterator<String, byte[]> restored = store.all()) {
      while (restored.hasNext()) {
        KeyValue<String, byte[]> entry = restored.next();
        partials.put(entry.key, spec.decode(entry.value));
      }
    }
    context.schedule(Duration.ofMillis(1), PunctuationType.WALL_CLOCK_TIME, now -> checkpoint());
    context.schedule(flushInterval, PunctuationType.WALL_CLOCK_TIME, now -> flush());
  }

  @Override
  public void process(Record<K, V> record) {
    V value = record.value();
    long time = spec.time(value, record.timestamp());
    long start = spec.windowStart(time);
    String group = spec.group(value);
    if (start != lastStart || !group.equals(lastGroup)) {
      lastStart = start;
      lastGroup = group;
      lastKey = WindowedPartials.key(start, group);
    }
    String key = lastKey;
    WindowedPartials.Envelope<P> envelope = partials.get(key);
    if (envelope == null || envelope.maxTime() < time) {
      P partial = envelope == null ? spec.create(value) : envelope.partial();
      envelope = new WindowedPartials.Envelope<>(start, group, time, partial);
      partials.put(key, envelope);
    }
    spec.add(envelope.partial(), value);
    dirty.add(key);
  }

  private void checkpoint() {
    if (dirty.isEmpty()) {
      return;
    }
    for (String key : dirty) {
      store.put(key, spec.encode(partials.get(key)));
    }
    dirty.clear();
  }

  private void flush() {
    for (Map.Entry<String, WindowedPartials.Envelope<P>> entry : partials.entrySet()) {
      WindowedPartials.Envelope<P> envelope = entry.getValue();
      context.forward(new Record<>(entry.getKey(), spec.encode(envelope), envelope.maxTime()));
      store.delete(entry.getKey());
    }
    partials.clear();
    dirty.clear();
  }

  @Override
  public void close() {
    // Suspended for a rebalance or shutdown: Kafka Streams commits after closing processors, so persist.
    try {
      checkpoint();
    } catch (RuntimeException e) {
      LOG.warn("{}: could not persist partial aggregates on close; they are recomputed from the last commit: {}",
          spec.name(), e.toString());
    }
  }
}

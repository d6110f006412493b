package dev.scorestream.topology;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The merging half of {@link WindowedPartials}, fed by every task's partials through a
 * single-partition repartition topic. Its clock is the largest event time any partial carried. A
 * window closes when that clock reaches window end + grace: its merged partials are reported (one
 * report per group) and dropped. A partial for a window that already closed is late: its records
 * are counted and the count travels with the next report, never merged into a closed window. State
 * (open windows, clock, late count) lives in a changelogged store.
 *
 * <p>Event time alone would leave the last windows of a stream that goes quiet open forever. With
 * an idle timeout, once no partial has arrived for that long (wall clock), the clock moves on as if
 * event time kept pace with the wall clock since the last partial: a window then closes about
 * {@code grace} after its end even without new events, as it would have with steady traffic. The
 * moved clock is persisted like any other, so partials for those windows that arrive later are
 * late, never a second report.
 */
final class PartialMerger<V, P> implements Processor<String, byte[], Bytes, byte[]> {

  /** Builds the output record of one closed window and group. */
  interface Reporter<P> {
    KeyValue<Bytes, byte[]> report(
        long windowStart, long windowEnd, String group, P merged, long lateRecords);

    /** Told about late records as soon as they are found (metrics). */
    default void late(long records) {}
  }

  private static final String CLOCK = "~clock";
  private static final String LATE = "~late";

  private final WindowedPartials<V, P> spec;
  private final String storeName;
  private final Reporter<P> reporter;
  private final long idleTimeoutMs;
  private ProcessorContext<Bytes, byte[]> context;
  private KeyValueStore<String, byte[]> store;
  private long clock;
  private long late;
  // Wall-clock time of the last partial (or of start-up), and the clock as that partial left it.
  private long lastArrival;
  private long clockAtArrival;

  /**
   * @param idleTimeout zero: windows close on event time only; else see the class comment
   */
  PartialMerger(
      WindowedPartials<V, P> spec, String storeName, Reporter<P> reporter, Duration idleTimeout) {
    this.spec = spec;
    this.storeName = storeName;
    this.reporter = reporter;
    this.idleTimeoutMs = idleTimeout.toMillis();
  }

  @Override
  public void init(ProcessorContext<Bytes, byte[]> context) {
    this.context = context;
    this.store = context.getStateStore(storeName);
    clock = readLong(CLOCK, Long.MIN_VALUE);
    late = readLong(LATE, 0);
    lastArrival = context.currentSystemTimeMs();
    clockAtArrival = clock;
    if (idleTimeoutMs > 0) {
      context.schedule(
          Duration.ofMillis(Math.min(idleTimeoutMs, 1_000)),
          PunctuationType.WALL_CLOCK_TIME,
          this::advanceIfIdle);
    }
  }

  private void advanceIfIdle(long now) {
    long idle = now - lastArrival;
    if (clockAtArrival == Long.MIN_VALUE || idle < idleTimeoutMs) {
      return;
    }
    long advanced = clockAtArrival + idle;
    // Moved (and written to the changelog) only when that closes a window: an idle merger writes
    // nothing.
    if (advanced > clock && firstWindowClosesBy(advanced)) {
      clock = advanced;
      writeLong(CLOCK, clock);
      closeWindows();
    }
  }

  private boolean firstWindowClosesBy(long time) {
    try (KeyValueIterator<String, byte[]> open = store.range("0", "9")) {
      return open.hasNext() && windowStart(open.next().key) + spec.size() + spec.grace() <= time;
    }
  }

  private static long windowStart(String key) {
    return Long.parseLong(key.substring(0, key.indexOf('/')));
  }

  @Override
  public void process(Record<String, byte[]> record) {
    WindowedPartials.Envelope<P> partial = spec.decode(record.value());
    long windowEnd = partial.windowStart() + spec.size();
    if (clock != Long.MIN_VALUE && windowEnd + spec.grace() <= clock) {
      long records = spec.count(partial.partial());
      late += records;
      writeLong(LATE, late);
      reporter.late(records);
    } else {
      byte[] existing = store.get(record.key());
      if (existing == null) {
        store.put(record.key(), record.value());
      } else {
        WindowedPartials.Envelope<P> merged = spec.decode(existing);
        spec.merge(merged.partial(), partial.partial());
        store.put(
            record.key(),
            spec.encode(
                new WindowedPartials.Envelope<>(
                    merged.windowStart(),
                    merged.group(),
                    Math.max(merged.maxTime(), partial.maxTime()),
                    merged.partial())));
      }
    }
    if (partial.maxTime() > clock) {
      clock = partial.maxTime();
      writeLong(CLOCK, clock);
    }
    lastArrival = context.currentSystemTimeMs();
    clockAtArrival = clock;
    closeWindows();
  }

  private void closeWindows() {
    List<KeyValue<String, byte[]>> closed = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> open = store.range("0", "9")) {
      while (open.hasNext()) {
        KeyValue<String, byte[]> entry = open.next();
        if (windowStart(entry.key) + spec.size() + spec.grace() > clock) {
          break;
        }
        closed.add(entry);
      }
    }
    for (KeyValue<String, byte[]> entry : closed) {
      WindowedPartials.Envelope<P> window = spec.decode(entry.value);
      long end = window.windowStart() + spec.size();
      KeyValue<Bytes, byte[]> report =
          reporter.report(window.windowStart(), end, window.group(), window.partial(), late);
      context.forward(new Record<>(report.key, report.value, end - 1));
      store.delete(entry.key);
      if (late != 0) {
        late = 0;
        writeLong(LATE, 0);
      }
    }
  }

  private long readLong(String key, long fallback) {
    byte[] bytes = store.get(key);
    return bytes == null ? fallback : ByteBuffer.wrap(bytes).getLong();
  }

  private void writeLong(String key, long value) {
    store.put(key, ByteBuffer.allocate(Long.BYTES).putLong(value).array());
  }
}

package dev.scorestream.topology;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * How one kind of windowed statistic is pre-aggregated per task and merged across tasks (drift,
 * live performance). Each stream task folds its records into a mutable partial per (tumbling
 * window, group), sends the partials on every flush, and one merger combines them per window and
 * emits a report when the window closes. Partials travel and are stored as JSON.
 *
 * @param <V> the records folded in
 * @param <P> the partial aggregate
 */
public abstract class WindowedPartials<V, P> {

  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final String name;
  private final long size;
  private final long grace;
  private final JavaType envelopeType;

  /**
   * @param name prefix of the state stores and the repartition topic
   * @param partialClass the partial's class, for JSON
   */
  protected WindowedPartials(String name, Duration size, Duration grace, Class<P> partialClass) {
    if (size.toMillis() <= 0 || grace.isNegative()) {
      throw new IllegalArgumentException(
          name + ": window size must be positive and grace not negative");
    }
    this.name = name;
    this.size = size.toMillis();
    this.grace = grace.toMillis();
    this.envelopeType = JSON.getTypeFactory().constructParametricType(Envelope.class, partialClass);
  }

  public String name() {
    return name;
  }

  public long size() {
    return size;
  }

  public long grace() {
    return grace;
  }

  /** Event time of a record (epoch millis); {@code recordTimestamp} is the Kafka timestamp. */
  protected abstract long time(V value, long recordTimestamp);

  /** What partials are grouped by within a window (the model version). */
  protected abstract String group(V value);

  /** A new, empty partial for the group of {@code first}, the first record it will hold. */
  protected abstract P create(V first);

  protected abstract void add(P partial, V value);

  protected abstract void merge(P into, P from);

  /** Records folded into a partial, to count the late ones. */
  protected abstract long count(P partial);

  long windowStart(long time) {
    return time - Math.floorMod(time, size);
  }

  /**
   * A partial with its window: what a task stores and forwards.
   *
   * @param maxTime the largest event time folded in; drives the merger's notion of time
   */
  public record Envelope<P>(long windowStart, String group, long maxTime, P partial) {}

  static String key(long windowStart, String group) {
    return String.format("%020d/%s", Math.max(0, windowStart), group);
  }

  byte[] encode(Envelope<P> envelope) {
    try {
      return JSON.writeValueAsBytes(envelope);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(name + ": cannot serialize a partial aggregate", e);
    }
  }

  Envelope<P> decode(byte[] bytes) {
    try {
      return JSON.readValue(bytes, envelopeType);
    } catch (IOException e) {
      throw new UncheckedIOException(name + ": cannot read a partial aggregate", e);
    }
  }
}

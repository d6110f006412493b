package dev.scorestream.topology;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * A key-value store that runs its owner's hook right before Kafka Streams flushes the store's cache
 * for a commit, so a processor that aggregates in memory writes its state once per commit, exactly
 * matching the committed offsets, instead of on a 1 ms punctuation.
 *
 * <p>Kafka Streams has no public pre-commit callback. This relies on one internal contract, pinned
 * by {@code PartialAggregatorCommitTest}: {@code StreamTask.prepareCommit} calls {@code
 * flushCache()} on every registered store that is a {@code CachedStateStore} (this class is,
 * through {@link WrappedStateStore}) before it flushes the producer and commits the transaction;
 * {@code TopologyTestDriver} does the same. Wrap a store with caching enabled, so the hook's writes
 * go through the cache and reach the changelog in the flush that follows.
 */
final class CommitHookStore extends WrappedStateStore<KeyValueStore<String, byte[]>, String, byte[]>
    implements KeyValueStore<String, byte[]> {

  private Runnable beforeCommit = () -> {};

  private CommitHookStore(KeyValueStore<String, byte[]> inner) {
    super(inner);
  }

  /** Wraps every store {@code builder} builds. */
  static StoreBuilder<KeyValueStore<String, byte[]>> wrap(
      StoreBuilder<KeyValueStore<String, byte[]>> builder) {
    return new Builder(builder);
  }

  /**
   * The hook store behind {@code store} as a processor sees it (Kafka Streams wraps stores it hands
   * out).
   */
  static CommitHookStore of(StateStore store) {
    StateStore current = store;
    while (!(current instanceof CommitHookStore)) {
      if (!(current instanceof WrappedStateStore<?, ?, ?> wrapped)) {
        throw new IllegalStateException(
            "store " + store.name() + " was not built by CommitHookStore.wrap");
      }
      current = wrapped.wrapped();
    }
    return (CommitHookStore) current;
  }

  /**
   * Runs {@code hook} on the stream thread before each commit (and other cache flushes) of this
   * store.
   */
  void beforeCommit(Runnable hook) {
    this.beforeCommit = hook;
  }

  @Override
  public void flushCache() {
    beforeCommit.run();
    super.flushCache();
  }

  @Override
  public void put(String key, byte[] value) {
    wrapped().put(key, value);
  }

  @Override
  public byte[] putIfAbsent(String key, byte[] value) {
    return wrapped().putIfAbsent(key, value);
  }

  @Override
  public void putAll(List<KeyValue<String, byte[]>> entries) {
    wrapped().putAll(entries);
  }

  @Override
  public byte[] delete(String key) {
    return wrapped().delete(key);
  }

  @Override
  public byte[] get(String key) {
    return wrapped().get(key);
  }

  @Override
  public KeyValueIterator<String, byte[]> range(String from, String to) {
    return wrapped().range(from, to);
  }

  @Override
  public KeyValueIterator<String, byte[]> reverseRange(String from, String to) {
    return wrapped().reverseRange(from, to);
  }

  @Override
  public KeyValueIterator<String, byte[]> all() {
    return wrapped().all();
  }

  @Override
  public KeyValueIterator<String, byte[]> reverseAll() {
    return wrapped().reverseAll();
  }

  @Override
  public <S extends Serializer<P>, P> KeyValueIterator<String, byte[]> prefixScan(
      P prefix, S serializer) {
    return wrapped().prefixScan(prefix, serializer);
  }

  @Override
  public long approximateNumEntries() {
    return wrapped().approximateNumEntries();
  }

  private record Builder(StoreBuilder<KeyValueStore<String, byte[]>> inner)
      implements StoreBuilder<KeyValueStore<String, byte[]>> {

    @Override
    public StoreBuilder<KeyValueStore<String, byte[]>> withCachingEnabled() {
      return new Builder(inner.withCachingEnabled());
    }

    @Override
    public StoreBuilder<KeyValueStore<String, byte[]>> withCachingDisabled() {
      return new Builder(inner.withCachingDisabled());
    }

    @Override
    public StoreBuilder<KeyValueStore<String, byte[]>> withLoggingEnabled(
        Map<String, String> config) {
      return new Builder(inner.withLoggingEnabled(config));
    }

    @Override
    public StoreBuilder<KeyValueStore<String, byte[]>> withLoggingDisabled() {
      return new Builder(inner.withLoggingDisabled());
    }

    @Override
    public KeyValueStore<String, byte[]> build() {
      return new CommitHookStore(inner.build());
    }

    @Override
    public Map<String, String> logConfig() {
      return inner.logConfig();
    }

    @Override
    public boolean loggingEnabled() {
      return inner.loggingEnabled();
    }

    @Override
    public String name() {
      return inner.name();
    }
  }
}

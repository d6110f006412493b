package dev.scorestream.topology;

import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsMetrics;
import org.apache.kafka.streams.processor.CommitCallback;
import org.apache.kafka.streams.processor.StateRestoreCallback;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.processor.internals.RecordBatchingStateRestoreCallback;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * The feedback join's store of prediction snapshots and "labelled" markers, by event id: Kafka
 * Streams' RocksDB key-value store, changelogged once per commit instead of once per event.
 *
 * <p>A processor {@link #append}s entries; they wait in memory (where {@link #get} sees them) until
 * Kafka Streams flushes the store for a commit. Then they go to the changelog as one {@link
 * SnapshotChunks chunk} record (or a few, each under the size cap) through Kafka Streams' own
 * change-logging layer, so in the transaction of the predictions and training examples they go
 * with, and into RocksDB in one batch. A restore unpacks the chunks into the same entries, through
 * the RocksDB store's own restore, so its offset keeping (KIP-1035) stays Kafka Streams' own.
 *
 * <p>The pre-commit flush is Kafka Streams' internal contract that {@link CommitHookStore} relies
 * on too ({@code StreamTask.prepareCommit} calls {@code flushCache()} on every store, in
 * registration order, before it flushes the producer and commits): this store must be registered
 * after any store whose flush forwards records that reach it ({@code score-batch}). {@code
 * SnapshotStoreTest} pins both.
 *
 * <p>Retention is RocksDB's: the app's {@code BoundedRocksDb} gives this store FIFO compaction with
 * a time to live of the feedback retention (by ingestion time), and the changelog keeps chunks a
 * day longer; a restore skips chunks older than the retention.
 */
final class SnapshotStore extends WrappedStateStore<KeyValueStore<Bytes, byte[]>, Bytes, byte[]>
    implements KeyValueStore<Bytes, byte[]> {

  /** Upper bound of a chunk's size by default: small enough for any broker's record limit. */
  static final int DEFAULT_CHUNK_BYTES = 256 * 1024;

  private final Duration retention;
  private final LongSupplier maxRecordBytes;
  private final LongSupplier wallClock;

  private final PendingEntries pending = new PendingEntries();
  private StateStore root;
  private int partition;
  private long sequence;
  private List<KeyValue<Bytes, byte[]>> writing;

  private SnapshotStore(
      KeyValueStore<Bytes, byte[]> rocksDb,
      Duration retention,
      LongSupplier maxRecordBytes,
      LongSupplier wallClock) {
    super(rocksDb);
    this.retention = retention;
    this.maxRecordBytes = maxRecordBytes;
    this.wallClock = wallClock;
  }

  /**
   * The store for a topology: changelogged with {@code cleanup.policy=delete} and a retention a day
   * longer than {@code retention} (chunk keys are never repeated, so compaction would keep them
   * all), no cache.
   *
   * @param maxRecordBytes the most bytes a changelog record may take, read at each commit; chunks
   *     stay under it and under {@link #DEFAULT_CHUNK_BYTES}
   * @param wallClock epoch milliseconds, for the chunks' age
   */
  static StoreBuilder<KeyValueStore<Bytes, byte[]>> builder(
      String name, Duration retention, LongSupplier maxRecordBytes, LongSupplier wallClock) {
    return Stores.keyValueStoreBuilder(
            new Supplier(name, retention, maxRecordBytes, wallClock),
            Serdes.Bytes(),
            Serdes.ByteArray())
        .withCachingDisabled()
        .withLoggingEnabled(
            Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG,
                TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG,
                Long.toString(retention.plus(Duration.ofDays(1)).toMillis())));
  }

  /** The snapshot store behind {@code store} as a processor sees it. */
  static SnapshotStore of(StateStore store) {
    StateStore current = store;
    while (!(current instanceof SnapshotStore)) {
      if (!(current instanceof WrappedStateStore<?, ?, ?> wrapped)) {
        throw new IllegalStateException(
            "store " + store.name() + " was not built by SnapshotStore.builder");
      }
      current = wrapped.wrapped();
    }
    return (SnapshotStore) current;
  }

  /** Stores {@code value} under {@code key}; durable with the next commit. */
  void append(Bytes key, byte[] value) {
    pending.add(key, value);
  }

  @Override
  public byte[] get(Bytes key) {
    byte[] appended = pending.get(key);
    return appended != null ? appended : wrapped().get(key);
  }

  @Override
  public void init(StateStoreContext context, StateStore root) {
    this.root = root;
    this.partition = context.taskId().partition();
    // Chunk keys only need to differ from each other within the changelog's retention.
    this.sequence = wallClock.getAsLong() * 1_000L;
    clearPending();
    super.init(
        new ChunkRestoringContext(
            context, records -> unpack(records, wallClock.getAsLong() - retention.toMillis())),
        root);
  }

  /**
   * Logs the entries appended since the last commit as chunks, through the change-logging layer
   * above this store (which calls {@link #put} with each), and writes them to RocksDB.
   */
  @Override
  public void flushCache() {
    if (!pending.isEmpty()) {
      long limit = maxRecordBytes.getAsLong() - SnapshotChunks.OVERHEAD_BYTES;
      int maxChunkBytes = (int) Math.max(1, Math.min(DEFAULT_CHUNK_BYTES, limit));
      List<KeyValue<Bytes, byte[]>> entries = pending.drain();
      List<byte[]> chunks = SnapshotChunks.encode(entries, wallClock.getAsLong(), maxChunkBytes);
      // RocksDB gets the same entries in the same order: a replaced entry is overwritten.
      writing = entries;
      @SuppressWarnings("unchecked")
      KeyValueStore<Bytes, byte[]> logged = (KeyValueStore<Bytes, byte[]>) root;
      for (byte[] chunk : chunks) {
        logged.put(Bytes.wrap(SnapshotChunks.key(partition, sequence++)), chunk);
      }
      writing = null;
    }
    super.flushCache();
  }

  /**
   * Called by the change-logging layer with each chunk {@link #flushCache} logs: the first writes
   * all of the chunks' entries to RocksDB in one batch.
   */
  @Override
  public void put(Bytes key, byte[] value) {
    if (!SnapshotChunks.isChunk(key.get())) {
      throw new UnsupportedOperationException(
          "the snapshot store takes entries through append(), chunked at commit");
    }
    List<KeyValue<Bytes, byte[]>> entries = writing;
    writing = null;
    if (entries != null) {
      wrapped().putAll(entries);
    }
  }

  @Override
  public long approximateNumUncommittedBytes() {
    return super.approximateNumUncommittedBytes() + pending.bytes();
  }

  @Override
  public long approximateNumEntries() {
    return wrapped().approximateNumEntries() + pending.size();
  }

  @Override
  public void close() {
    clearPending();
    super.close();
  }

  private void clearPending() {
    pending.drain();
  }

  /**
   * Changelog records as RocksDB should see them: a chunk becomes its entries, each with the
   * chunk's offset; chunks written before {@code oldest} (epoch ms) are left out.
   */
  static List<ConsumerRecord<byte[], byte[]>> unpack(
      Collection<ConsumerRecord<byte[], byte[]>> records, long oldest) {
    List<ConsumerRecord<byte[], byte[]>> unpacked = new ArrayList<>(records.size());
    for (ConsumerRecord<byte[], byte[]> record : records) {
      if (!SnapshotChunks.isChunk(record.key()) || record.value() == null) {
        continue;
      }
      SnapshotChunks.Chunk chunk = SnapshotChunks.decode(record.value());
      if (chunk.writtenAt() < oldest) {
        continue;
      }
      for (KeyValue<byte[], byte[]> entry : chunk.entries()) {
        unpacked.add(
            new ConsumerRecord<>(
                record.topic(),
                record.partition(),
                record.offset(),
                record.timestamp(),
                record.timestampType(),
                entry.key.length,
                entry.value.length,
                entry.key,
                entry.value,
                record.headers(),
                record.leaderEpoch()));
      }
    }
    return unpacked;
  }

  @Override
  public byte[] putIfAbsent(Bytes key, byte[] value) {
    throw new UnsupportedOperationException("the snapshot store takes entries through append()");
  }

  @Override
  public void putAll(List<KeyValue<Bytes, byte[]>> entries) {
    throw new UnsupportedOperationException("the snapshot store takes entries through append()");
  }

  @Override
  public byte[] delete(Bytes key) {
    throw new UnsupportedOperationException("snapshots expire with the feedback retention");
  }

  @Override
  public KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to) {
    throw new UnsupportedOperationException("the snapshot store is read by key");
  }

  @Override
  public KeyValueIterator<Bytes, byte[]> reverseRange(Bytes from, Bytes to) {
    throw new UnsupportedOperationException("the snapshot store is read by key");
  }

  @Override
  public KeyValueIterator<Bytes, byte[]> all() {
    throw new UnsupportedOperationException("the snapshot store is read by key");
  }

  @Override
  public KeyValueIterator<Bytes, byte[]> reverseAll() {
    throw new UnsupportedOperationException("the snapshot store is read by key");
  }

  @Override
  public <S extends Serializer<P>, P> KeyValueIterator<Bytes, byte[]> prefixScan(
      P prefix, S serializer) {
    throw new UnsupportedOperationException("the snapshot store is read by key");
  }

  private record Supplier(
      String name, Duration retention, LongSupplier maxRecordBytes, LongSupplier wallClock)
      implements KeyValueBytesStoreSupplier {

    @Override
    public KeyValueStore<Bytes, byte[]> get() {
      return new SnapshotStore(
          Stores.persistentKeyValueStore(name).get(), retention, maxRecordBytes, wallClock);
    }

    @Override
    public String metricsScope() {
      return "rocksdb";
    }
  }

  /** Changes what the RocksDB store restores: chunks, unpacked. */
  private interface Unpacker {
    List<ConsumerRecord<byte[], byte[]>> unpack(Collection<ConsumerRecord<byte[], byte[]>> records);
  }

  /**
   * The task's context as the RocksDB store below sees it: the same, except that the restore
   * callback it registers gets chunks unpacked.
   */
  private record ChunkRestoringContext(StateStoreContext context, Unpacker unpacker)
      implements StateStoreContext {

    @Override
    public String applicationId() {
      return context.applicationId();
    }

    @Override
    public TaskId taskId() {
      return context.taskId();
    }

    @Override
    public Optional<RecordMetadata> recordMetadata() {
      return context.recordMetadata();
    }

    @Override
    public Serde<?> keySerde() {
      return context.keySerde();
    }

    @Override
    public Serde<?> valueSerde() {
      return context.valueSerde();
    }

    @Override
    public File stateDir() {
      return context.stateDir();
    }

    @Override
    public StreamsMetrics metrics() {
      return context.metrics();
    }

    @Override
    public void register(StateStore store, StateRestoreCallback callback) {
      context.register(store, unpacking(callback));
    }

    @Override
    public void register(StateStore store, StateRestoreCallback callback, CommitCallback onCommit) {
      context.register(store, unpacking(callback), onCommit);
    }

    private RecordBatchingStateRestoreCallback unpacking(StateRestoreCallback callback) {
      if (!(callback instanceof RecordBatchingStateRestoreCallback batching)) {
        throw new IllegalStateException(
            "the snapshot store expects RocksDB's batching restore, got " + callback.getClass());
      }
      return records -> batching.restoreBatch(unpacker.unpack(records));
    }

    @Override
    public Map<String, Object> appConfigs() {
      return context.appConfigs();
    }

    @Override
    public Map<String, Object> appConfigsWithPrefix(String prefix) {
      return context.appConfigsWithPrefix(prefix);
    }
  }
}

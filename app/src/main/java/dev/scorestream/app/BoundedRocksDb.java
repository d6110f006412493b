package dev.scorestream.app;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Bounds the off-heap memory of every RocksDB store in the process: one LRU block cache of {@code
 * rocksdb.memory.mb}, shared, with the write buffers charged to it up to half of it, and index and
 * filter blocks cached there too. Without it each store partition and each window segment opens its
 * own 50 MB cache and up to three 16 MB write buffers, so memory grows with partitions and
 * retention. Kafka Streams creates one instance per store; the cache is the process's, created by
 * the first and never closed by a store.
 */
public final class BoundedRocksDb implements RocksDBConfigSetter {

  /** Config key under which the app passes the budget in bytes. */
  public static final String MEMORY_BYTES = "scorestream.rocksdb.memory.bytes";

  /** Share of the cache kept for index and filter blocks (high priority). */
  private static final double INDEX_FILTER_SHARE = 0.1;

  /** The process's cache and the write-buffer manager charged to it, for one budget. */
  private record Shared(long budget, Cache cache, WriteBufferManager writeBuffers) {}

  private static Shared shared;

  @Override
  public void setConfig(String storeName, Options options, Map<String, Object> configs) {
    Object configured = configs.get(MEMORY_BYTES);
    if (configured == null) {
      throw new IllegalStateException(MEMORY_BYTES + " is not set for store " + storeName);
    }
    long bytes =
        configured instanceof Number number
            ? number.longValue()
            : Long.parseLong(String.valueOf(configured));
    Shared memory = shared(bytes);
    BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
    table.setBlockCache(memory.cache());
    table.setCacheIndexAndFilterBlocks(true);
    table.setCacheIndexAndFilterBlocksWithHighPriority(true);
    table.setPinTopLevelIndexAndFilter(true);
    options.setTableFormatConfig(table);
    options.setWriteBufferManager(memory.writeBuffers());
  }

  private static synchronized Shared shared(long bytes) {
    if (shared == null || shared.budget() != bytes) {
      // A second Kafka Streams instance in the process with another budget (tests) gets its own.
      Cache cache = new LRUCache(bytes, -1, false, INDEX_FILTER_SHARE);
      shared = new Shared(bytes, cache, new WriteBufferManager(bytes / 2, cache));
    }
    return shared;
  }

  @Override
  public void close(String storeName, Options options) {
    // The cache and the write-buffer manager are shared by every store: not closed per store.
  }
}

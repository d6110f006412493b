package dev.scorestream.app;

import dev.scorestream.topology.ScoringTopology;
import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Cache;
import org.rocksdb.CompactionOptionsFIFO;
import org.rocksdb.CompactionStyle;
import org.rocksdb.Filter;
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

  /** Config key under which the app passes the snapshot store's time to live, in seconds. */
  public static final String SNAPSHOT_TTL_SECONDS = "scorestream.rocksdb.snapshot.ttl.seconds";

  /**
   * Level-0 file counts at which RocksDB would slow and stop writes; FIFO keeps every file in level
   * 0, so these must not apply to the snapshot store.
   */
  private static final int FIFO_LEVEL0_FILES = 1 << 20;

  /** Bits per key of the snapshot store's bloom filters. */
  private static final double FIFO_BLOOM_BITS = 10;

  /** Share of the cache kept for index and filter blocks (high priority). */
  private static final double INDEX_FILTER_SHARE = 0.1;

  /** The process's cache and the write-buffer manager charged to it, for one budget. */
  private record Shared(long budget, Cache cache, WriteBufferManager writeBuffers) {}

  private static Shared shared;

  /** This store's FIFO options (one setter per store), closed with the store. */
  private CompactionOptionsFIFO fifo;

  private Filter filter;

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
    if (storeName.equals(ScoringTopology.FEEDBACK_STORE)) {
      Object ttl = configs.get(SNAPSHOT_TTL_SECONDS);
      if (ttl == null) {
        throw new IllegalStateException(
            SNAPSHOT_TTL_SECONDS + " is not set for store " + storeName);
      }
      writeOnce(options, table, Long.parseLong(String.valueOf(ttl)));
    }
    options.setTableFormatConfig(table);
    options.setWriteBufferManager(memory.writeBuffers());
  }

  /**
   * The feedback join's snapshots are written once, read by key (about one in ten), and expire
   * whole: FIFO compaction drops files older than the retention instead of rewriting levels, and a
   * whole-key bloom filter on every file (none is "last level" here) keeps a lookup to one block.
   * Files stay in level 0, where intra-level compaction merges the small ones.
   */
  private void writeOnce(Options options, BlockBasedTableConfig table, long ttlSeconds) {
    fifo =
        new CompactionOptionsFIFO()
            .setMaxTableFilesSize(Long.MAX_VALUE / 2)
            .setAllowCompaction(true);
    options.setCompactionStyle(CompactionStyle.FIFO);
    options.setCompactionOptionsFIFO(fifo);
    options.setTtl(ttlSeconds);
    options.setLevel0SlowdownWritesTrigger(FIFO_LEVEL0_FILES);
    options.setLevel0StopWritesTrigger(FIFO_LEVEL0_FILES);
    options.setOptimizeFiltersForHits(false);
    filter = new BloomFilter(FIFO_BLOOM_BITS);
    table.setFilterPolicy(filter);
    table.setWholeKeyFiltering(true);
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
    if (fifo != null) {
      fifo.close();
      filter.close();
    }
  }
}

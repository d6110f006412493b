package dev.scorestream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scorestream.topology.ScoringTopology;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.CompactionStyle;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

class BoundedRocksDbTest {

  static {
    RocksDB.loadLibrary();
  }

  private static Options configured(String store, long bytes) {
    Options options = new Options();
    options.setTableFormatConfig(new BlockBasedTableConfig());
    new BoundedRocksDb().setConfig(store, options, Map.of(BoundedRocksDb.MEMORY_BYTES, bytes));
    return options;
  }

  @Test
  void shouldChargeEveryStoreToOneSharedBudget() {
    try (Options feedback = configured("feedback-store", 64L << 20);
        Options segment = configured("drift-partials", 64L << 20)) {
      assertThat(feedback.writeBufferManager())
          .as("both stores' memtables are charged to the same manager")
          .isNotNull()
          .isSameAs(segment.writeBufferManager());
      BlockBasedTableConfig table = (BlockBasedTableConfig) feedback.tableFormatConfig();
      assertThat(table.cacheIndexAndFilterBlocks())
          .as("index and filter blocks count against the cache, not beside it")
          .isTrue();
      assertThat(table.pinTopLevelIndexAndFilter()).isTrue();
    }
  }

  @Test
  void shouldGiveAnotherBudgetItsOwnCache() {
    try (Options small = configured("a", 16L << 20);
        Options large = configured("b", 32L << 20)) {
      assertThat(small.writeBufferManager()).isNotSameAs(large.writeBufferManager());
    }
  }

  @Test
  void shouldAcceptTheBudgetAsTextAndRefuseAMissingOne() {
    try (Options options = new Options()) {
      options.setTableFormatConfig(new BlockBasedTableConfig());
      new BoundedRocksDb()
          .setConfig("store", options, Map.of(BoundedRocksDb.MEMORY_BYTES, "8388608"));
      assertThat(options.writeBufferManager()).isNotNull();
      assertThatThrownBy(() -> new BoundedRocksDb().setConfig("store", options, Map.of()))
          .hasMessageContaining(BoundedRocksDb.MEMORY_BYTES)
          .hasMessageContaining("store");
    }
  }

  @Test
  void shouldKeepTheFeedbackSnapshotsInFifoFilesThatExpireWithTheRetention() {
    Map<String, Object> configs =
        Map.of(
            BoundedRocksDb.MEMORY_BYTES, 64L << 20, BoundedRocksDb.SNAPSHOT_TTL_SECONDS, "604800");
    try (Options snapshots = new Options();
        Options untimed = new Options();
        Options other = configured("drift-partials", 64L << 20)) {
      snapshots.setTableFormatConfig(new BlockBasedTableConfig());
      untimed.setTableFormatConfig(new BlockBasedTableConfig());
      new BoundedRocksDb().setConfig(ScoringTopology.FEEDBACK_STORE, snapshots, configs);

      assertThat(snapshots.compactionStyle()).isEqualTo(CompactionStyle.FIFO);
      assertThat(snapshots.ttl()).isEqualTo(604800L);
      assertThat(snapshots.optimizeFiltersForHits())
          .as("every FIFO file is in the last level: each needs its filter")
          .isFalse();
      assertThat(other.compactionStyle()).isNotEqualTo(CompactionStyle.FIFO);
      assertThatThrownBy(
              () ->
                  new BoundedRocksDb()
                      .setConfig(
                          ScoringTopology.FEEDBACK_STORE,
                          untimed,
                          Map.of(BoundedRocksDb.MEMORY_BYTES, 64L << 20)))
          .hasMessageContaining(BoundedRocksDb.SNAPSHOT_TTL_SECONDS);
    }
  }
}

package dev.scorestream.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scorer restarts on its state directory without rebuilding its feedback store from the
 * changelog. After SIGKILL, transactional stores (KIP-892) keep what was committed and flushed, so
 * only what followed the last flush of RocksDB's write buffers is restored. After SIGTERM (a
 * rolling restart) the stores were closed cleanly and next to nothing is restored. The store here
 * is several write buffers large (one partition, 250,000 snapshots); {@code ./scorer chaos
 * recovery} measures it at 2 million.
 */
class RecoveryIT {

  static final int SNAPSHOTS = 250_000;

  @TempDir Path work;

  RecoveryRun.Report run(RecoveryRun.Stop stop) throws Exception {
    Path jar = Path.of(System.getProperty("scorestream.scorer.jar", "../../app/target/scorer.jar"));
    RecoveryRun.Report report =
        new RecoveryRun(
                new RecoveryRun.Options(
                    SNAPSHOTS, 1, stop, work, jar.toAbsolutePath(), Map.of(), System.out))
            .run();
    assertThat(report.storeRecords())
        .as("changelog records of %d snapshots: chunks, a few per commit", SNAPSHOTS)
        .isPositive()
        .isLessThan(SNAPSHOTS / 100);
    assertThat(report.wiped()).as("a store was wiped and rebuilt from scratch").isFalse();
    assertThat(report.toFirstPrediction()).isPositive();
    return report;
  }

  @Test
  void shouldNotRebuildTheFeedbackStoreAfterAKillMinus9() throws Exception {
    RecoveryRun.Report report = run(RecoveryRun.Stop.KILL);

    assertThat(report.restoredFeedback())
        .as(
            "records restored into the feedback store, of %d in its changelog",
            report.storeRecords())
        .isLessThan(report.storeRecords() / 2);
  }

  @Test
  void shouldRestoreNextToNothingAfterACleanShutdown() throws Exception {
    RecoveryRun.Report report = run(RecoveryRun.Stop.TERM);

    assertThat(report.restoredFeedback())
        .as(
            "records restored into the feedback store, of %d in its changelog",
            report.storeRecords())
        .isLessThan(report.storeRecords() / 100);
  }
}

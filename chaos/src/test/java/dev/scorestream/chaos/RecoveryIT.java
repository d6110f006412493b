package dev.scorestream.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scorer killed with SIGKILL restarts on its state directory without rebuilding its feedback
 * store from the changelog: transactional stores (KIP-892) keep what was committed and flushed, so
 * only what followed the last flush of RocksDB's write buffers is restored. The store here is
 * several write buffers large (one partition, 250,000 snapshots); {@code ./scorer chaos recovery}
 * measures it at 2 million.
 */
class RecoveryIT {

  @TempDir Path work;

  @Test
  void shouldNotRebuildTheFeedbackStoreAfterAKillMinus9() throws Exception {
    Path jar = Path.of(System.getProperty("scorestream.scorer.jar", "../app/target/scorer.jar"));

    RecoveryRun.Report report =
        new RecoveryRun(
                new RecoveryRun.Options(
                    250_000, 1, work, jar.toAbsolutePath(), Map.of(), System.out))
            .run();

    assertThat(report.storeRecords()).isGreaterThanOrEqualTo(250_000);
    assertThat(report.wiped()).as("a store was wiped and rebuilt from scratch").isFalse();
    assertThat(report.restoredFeedback())
        .as(
            "records restored into the feedback store, of %d in its changelog",
            report.storeRecords())
        .isLessThan(report.storeRecords() / 2);
    assertThat(report.toFirstPrediction()).isPositive();
  }
}

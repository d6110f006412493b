package dev.scorestream.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short chaos schedule, one fault of each kind, against the production scorer.jar in its default
 * configuration: every invariant must hold. {@code ./scorer chaos --faults N} runs longer ones, and
 * {@code -Dscorestream.chaos.long=true} adds the micro-batched run with entity features.
 */
class ChaosIT {

  @TempDir Path work;

  @Test
  void shouldKeepEveryInvariantThroughOneFaultOfEachKind() throws Exception {
    ChaosRun.Report report = run(11, Map.of(), false);

    assertThat(report.faults())
        .extracting(ChaosRun.Fault::kind)
        .containsExactlyInAnyOrder(ChaosRun.FaultKind.values());
  }

  /**
   * The same with every model micro-batched and batches that only a commit (or 64 records) closes,
   * and entity features over a repartition by merchant category: a kill -9 always finds records
   * held and histories updated, and no record may be lost, written twice or counted twice. The long
   * schedule: {@code mvn verify -pl tools/chaos -Dscorestream.chaos.long=true}, or {@code ./scorer
   * chaos --seed 23 --entity-features --scorer-option scoring.batch=on --scorer-option
   * scoring.batch.max.records=64 --scorer-option scoring.batch.max.wait=10s}.
   */
  @Test
  @EnabledIfSystemProperty(named = "scorestream.chaos.long", matches = "true")
  void shouldKeepEveryInvariantWithRecordsHeldForBatchesAndEntityHistoriesAtEveryFault()
      throws Exception {
    ChaosRun.Report report =
        run(
            23,
            Map.of(
                "scoring.batch", "on",
                "scoring.batch.max.records", "64",
                "scoring.batch.max.wait", "10s"),
            true);

    assertThat(report.faults())
        .extracting(ChaosRun.Fault::kind)
        .containsExactlyInAnyOrder(ChaosRun.FaultKind.values());
  }

  private ChaosRun.Report run(long seed, Map<String, String> settings, boolean entityFeatures)
      throws Exception {
    Path jar = Path.of(System.getProperty("scorestream.scorer.jar", "../../app/target/scorer.jar"));
    assertThat(jar).as("the production scorer.jar, built by the app module").exists();

    ChaosRun.Report report =
        new ChaosRun(
                new ChaosRun.Options(
                    4, seed, 150, work, jar.toAbsolutePath(), settings, System.out, entityFeatures))
            .run();
    ChaosMain.print(report);

    assertThat(report.problems()).isEmpty();
    assertThat(report.inputs()).isGreaterThan(1_000);
    assertThat(report.predictions() + report.deadLetters()).isEqualTo(report.inputs());
    assertThat(report.trainingExamples()).isPositive();
    assertThat(Files.list(work).count()).isPositive();
    return report;
  }
}

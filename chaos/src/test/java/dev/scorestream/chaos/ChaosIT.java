package dev.scorestream.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short chaos schedule, one fault of each kind, against the production scorer.jar: every
 * invariant must hold. {@code ./scorer chaos --faults N} runs longer ones.
 */
class ChaosIT {

  @TempDir Path work;

  @Test
  void shouldKeepEveryInvariantThroughOneFaultOfEachKind() throws Exception {
    Path jar = Path.of(System.getProperty("scorestream.scorer.jar", "../app/target/scorer.jar"));
    assertThat(jar).as("the production scorer.jar, built by the app module").exists();

    ChaosRun.Report report =
        new ChaosRun(
                new ChaosRun.Options(4, 11, 150, work, jar.toAbsolutePath(), Map.of(), System.out))
            .run();
    ChaosMain.print(report);

    assertThat(report.problems()).isEmpty();
    assertThat(report.faults())
        .extracting(ChaosRun.Fault::kind)
        .containsExactlyInAnyOrder(ChaosRun.FaultKind.values());
    assertThat(report.inputs()).isGreaterThan(1_000);
    assertThat(report.predictions() + report.deadLetters()).isEqualTo(report.inputs());
    assertThat(report.trainingExamples()).isPositive();
    assertThat(Files.list(work).count()).isPositive();
  }
}

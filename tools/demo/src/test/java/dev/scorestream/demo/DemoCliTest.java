package dev.scorestream.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.model.ModelArtifact;
import dev.scorestream.training.TestModels;
import dev.scorestream.training.TrainingFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The development build's own commands: {@code demo} and {@code train --generated}. */
class DemoCliTest {

  @TempDir Path dir;

  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  int run(String... args) {
    return DemoCli.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  @Test
  void shouldListTheLauncherCommandsInItsHelp() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString())
        .contains("  demo ")
        .contains("Commands of the ./scorer launcher")
        .containsPattern("(?m)^  bench +The benchmark")
        .containsPattern("(?m)^  chaos +The chaos suite");
  }

  @Test
  void shouldLogToAFileOnlyForTheDemoItself() {
    assertThat(DemoCli.loggingConfiguration(new String[] {"demo", "--events", "10"}))
        .contains("logback-demo.xml");
    assertThat(DemoCli.loggingConfiguration(new String[] {"demo", "--help"})).isEmpty();
    assertThat(DemoCli.loggingConfiguration(new String[] {"run", "--config", "s.properties"}))
        .as("run logs like the production jar: INFO lines on the console, no file")
        .isEmpty();
    assertThat(DemoCli.loggingConfiguration(new String[] {"train", "--generated", "100"}))
        .isEmpty();
    assertThat(DemoCli.loggingConfiguration(new String[0])).isEmpty();
  }

  @Test
  void shouldPrintUsageAndExit2ForBadOptionValue() {
    assertThat(run("demo", "--events", "many")).isEqualTo(2);
    assertThat(err.toString()).contains("--events").contains("Usage: scorer demo");
  }

  @Test
  void shouldRefuseTwoScenariosOrAModelForTheEnrichmentScenario() {
    assertThat(run("demo", "--drift", "--enrichment")).isEqualTo(2);
    assertThat(err.toString())
        .contains("choose one of --drift, --enrichment, --seasons and --schema-change");
    assertThat(run("demo", "--enrichment", "--model", "somewhere")).isEqualTo(2);
    assertThat(err.toString()).contains("--enrichment trains its own models");
  }

  @Test
  void shouldRefuseTheSeasonsScenarioWithAnotherOrWithAModel() {
    assertThat(run("demo", "--seasons", "--schema-change")).isEqualTo(2);
    assertThat(err.toString()).contains("choose one of --drift, --enrichment, --seasons and");
    assertThat(run("demo", "--seasons", "--model", "somewhere")).isEqualTo(2);
    assertThat(err.toString())
        .contains("--seasons trains its own models")
        .contains("Usage: scorer demo");
  }

  @Test
  void shouldRefuseTheSchemaChangeScenarioWithAnotherOrWithAModel() {
    assertThat(run("demo", "--schema-change", "--drift")).isEqualTo(2);
    assertThat(err.toString())
        .contains("choose one of --drift, --enrichment, --seasons and --schema-change");
    assertThat(run("demo", "--schema-change", "--keep-running")).isEqualTo(2);
    assertThat(err.toString())
        .contains("--schema-change trains its own model")
        .contains("Usage: scorer demo");
    assertThat(run("demo", "--schema-change", "--events", "-5")).isEqualTo(2);
    assertThat(err.toString()).contains("--events must be at least 1");
  }

  @Test
  void shouldRefuseNonPositiveEventCount() {
    assertThat(run("demo", "--events", "0")).isEqualTo(2);
    assertThat(err.toString()).contains("--events must be at least 1");
  }

  @Test
  void shouldTrainOnGeneratedPaymentsAndRefuseTwoSources() throws IOException {
    Path model = dir.resolve("generated");
    assertThat(run("train", "--generated", "1000", "-o", model.toString()))
        .as(err.toString())
        .isZero();
    assertThat(out.toString()).contains("generated 1,000 card payments");
    assertThat(ModelArtifact.load(model, TestModels.extractor()).metadata().trainingExamples())
        .isEqualTo(800);

    Path csv = TrainingFiles.writeCsv(dir.resolve("t.csv"), TestModels.payments(50, 8));
    assertThat(
            run(
                "train",
                "--generated",
                "100",
                "-i",
                csv.toString(),
                "-o",
                dir.resolve("x").toString()))
        .isEqualTo(2);
    assertThat(err.toString())
        .contains("exactly one of --input FILE..., --from-topic TOPIC or --generated N");
  }
}

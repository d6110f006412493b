package dev.scorestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.model.ModelArtifact;
import dev.scorestream.payments.PaymentGenerator;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.schemas.LabelledRecord;
import dev.scorestream.training.TestModels;
import dev.scorestream.training.TrainingFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScorerCliTest {

  @TempDir Path dir;

  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  int run(String... args) {
    return ScorerCli.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  @Test
  void shouldPrintUsageAndExit2ForUnknownCommand() {
    assertThat(run("xyzzy")).isEqualTo(2);
    assertThat(err.toString()).contains("Unmatched argument").contains("Usage: scorer");
  }

  @Test
  void shouldTrainAnArtifactFromCsvThatLoads() throws IOException {
    Path csv = TrainingFiles.writeCsv(dir.resolve("train.csv"), TestModels.payments(1500, 8));
    Path model = dir.resolve("model");

    int code =
        run(
            "train",
            "--input",
            csv.toString(),
            "--out",
            model.toString(),
            "--model-version",
            "cli-1");

    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains("read 1,500 rows")
        .contains("wrote model fraud version cli-1")
        .contains("accuracy")
        .contains("FRAUD")
        .contains("LEGIT");
    assertThat(ModelArtifact.load(model, TestModels.extractor()).metadata().version())
        .isEqualTo("cli-1");
  }

  @Test
  void shouldCompareTheNewModelWithTheOldOnTheSameHeldOutRows() throws IOException {
    // Production changed: a new country with far more fraud, which the old model never saw.
    PaymentGenerator generator =
        new PaymentGenerator(Contracts.paymentEvent(), 31)
            .shift(new PaymentGenerator.Shift(1.0, "BR", 0.4, -1, 4.0));
    List<LabelledRecord> shifted = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      shifted.add(generator.next(1_764_000_000_000L + i));
    }
    Path csv = TrainingFiles.writeCsv(dir.resolve("shifted.csv"), shifted);
    Path old = dir.resolve("old");
    TestModels.logistic().save(old);

    assertThat(
            run(
                "train",
                "-i",
                csv.toString(),
                "-o",
                dir.resolve("new").toString(),
                "--model-version",
                "retrained",
                "--compare-with",
                old.toString()))
        .as(err.toString())
        .isZero();
    assertThat(out.toString())
        .contains("comparison on the same 600 held-out records")
        .contains("new retrained")
        .contains("old test-v1")
        .contains("verdict: the new model is better");

    out.getBuffer().setLength(0);
    assertThat(
            run(
                "train",
                "-i",
                csv.toString(),
                "-o",
                dir.resolve("again").toString(),
                "--model-version",
                "again",
                "--compare-with",
                dir.resolve("new").toString()))
        .isZero();
    assertThat(out.toString())
        .as("the same data and seed train the same model")
        .contains("verdict: a tie");
  }

  @Test
  void shouldRefuseToCompareWithSomethingThatIsNoModel() throws IOException {
    Path csv = TrainingFiles.writeCsv(dir.resolve("train.csv"), TestModels.payments(200, 8));
    Files.createDirectories(dir.resolve("empty"));

    assertThat(
            run(
                "train",
                "-i",
                csv.toString(),
                "-o",
                dir.resolve("m").toString(),
                "--compare-with",
                dir.resolve("empty").toString()))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--compare-with").contains("Usage: scorer train");
    assertThat(dir.resolve("m")).doesNotExist();
  }

  @Test
  void shouldTrainCartFromAvro() throws IOException {
    Path avro = TrainingFiles.writeAvro(dir.resolve("train.avro"), TestModels.payments(800, 8));
    Path model = dir.resolve("cart");

    assertThat(run("train", "-i", avro.toString(), "-o", model.toString(), "--trainer", "cart"))
        .as(err.toString())
        .isZero();
    assertThat(ModelArtifact.load(model, TestModels.extractor()).metadata().trainer())
        .isEqualTo("cart");
  }

  @Test
  void shouldTrainRegressionFromCsvWithNumericLabels() throws IOException {
    Path csv = TrainingFiles.writeCsv(dir.resolve("costs.csv"), TestModels.numericTargets(1000, 2));
    Path model = dir.resolve("cost");

    assertThat(
            run(
                "train",
                "-i",
                csv.toString(),
                "-o",
                model.toString(),
                "--trainer",
                "tree-regression",
                "--name",
                "cost"))
        .as(err.toString())
        .isZero();
    assertThat(out.toString()).contains("RMSE").contains("R²");
    assertThat(ModelArtifact.load(model, TestModels.extractor()).metadata().task())
        .isEqualTo("regression");
  }

  @Test
  void shouldRefuseUnknownTrainerAndExistingOutput() throws IOException {
    Path csv = TrainingFiles.writeCsv(dir.resolve("t.csv"), TestModels.payments(50, 8));
    assertThat(
            run(
                "train",
                "-i",
                csv.toString(),
                "-o",
                dir.resolve("x").toString(),
                "--trainer",
                "svm"))
        .isEqualTo(2);
    assertThat(err.toString())
        .contains("--trainer must be logistic, cart, forest, linear-regression or tree-regression");

    Files.createDirectories(dir.resolve("exists"));
    assertThat(run("train", "-i", csv.toString(), "-o", dir.resolve("exists").toString()))
        .isEqualTo(2);
    assertThat(err.toString()).contains("already exists");
  }

  @Test
  void shouldReportBadConfigNamingTheKey() throws IOException {
    Path config =
        Files.writeString(
            dir.resolve("scorer.properties"),
            "bootstrap.servers=127.0.0.1:9\nschema.registry.url=http://127.0.0.1:1\nmodel.dir=/m\nnum.stream.threads=-3\n");

    assertThat(run("run", "--config", config.toString())).isEqualTo(1);
    assertThat(err.toString()).contains("num.stream.threads").contains("-3");
  }

  @Test
  void shouldPrintUsageWhenFeaturesLacksWhatItNeeds() throws IOException {
    Path spec = Files.writeString(dir.resolve("spec.json"), "{\"entity\": {}}");

    assertThat(run("features", "--from-topic", "events", "-o", dir.resolve("a.avro").toString()))
        .isEqualTo(2);
    assertThat(err.toString())
        .contains("needs --bootstrap-server and --registry")
        .contains("Usage: scorer features");
    assertThat(features("-o", dir.resolve("b.avro").toString())).isEqualTo(2);
    assertThat(err.toString()).contains("features needs --enrichment SPEC");
    assertThat(features("--enrichment", spec.toString(), "-o", dir.resolve("c.avro").toString()))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--enrichment").contains("entity needs \"name\"");
    assertThat(dir.resolve("c.avro")).doesNotExist();

    Path valid =
        Files.writeString(
            dir.resolve("valid.json"),
            "{\"entity\": {\"name\": \"c\", \"key\": \"customer_id\", \"windows\": [\"1m\"],"
                + " \"features\": [\"count\"]}}");
    Path labels = Files.writeString(dir.resolve("labels.csv"), "event_id,outcome\n\"e,1\",FRAUD\n");
    assertThat(
            features(
                "--enrichment",
                valid.toString(),
                "--labels",
                labels.toString(),
                "-o",
                dir.resolve("d.avro").toString()))
        .isEqualTo(2);
    assertThat(err.toString())
        .contains("--labels " + labels + " line 2: expected columns event_id and label");
    assertThat(dir.resolve("d.avro")).doesNotExist();
  }

  /** {@code scorer features} with a broker and registry (never reached) and the events topic. */
  private int features(String... rest) {
    String[] head = {
      "features",
      "--bootstrap-server",
      "127.0.0.1:9",
      "--registry",
      "http://127.0.0.1:9",
      "--from-topic",
      "events"
    };
    String[] args = new String[head.length + rest.length];
    System.arraycopy(head, 0, args, 0, head.length);
    System.arraycopy(rest, 0, args, head.length, rest.length);
    return run(args);
  }

  @Test
  void shouldPrintUsageWhenASchemasCommandLacksWhatItNeeds() {
    assertThat(run("schemas")).isEqualTo(2);
    assertThat(err.toString()).contains("missing subcommand: changes, diff or adopt");
    assertThat(run("schemas", "diff", "--registry", "http://127.0.0.1:9", "--to", "3"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("Missing required option: '--subject=SUBJECT'");
    assertThat(run("schemas", "diff", "--subject", "events-value", "--to", "three")).isEqualTo(2);
    assertThat(err.toString()).contains("Invalid value for option '--to'");
    String[] adopt = {
      "schemas",
      "adopt",
      "--registry",
      "http://127.0.0.1:9",
      "--subject",
      "events-value",
      "--out",
      dir.resolve("proposal").toString()
    };
    assertThat(run(adopt)).isEqualTo(2);
    assertThat(err.toString()).contains("Missing required option: '--model=DIR'");
    assertThat(dir.resolve("proposal")).doesNotExist();
    assertThat(run("schemas", "changes", "--registry", "http://127.0.0.1:9")).isEqualTo(2);
    assertThat(err.toString())
        .contains("Missing required option: '--bootstrap-server=HOST:PORT'")
        .contains("Usage: scorer schemas changes");
  }

  @Test
  void shouldShowHelpOfEveryCommandWithoutError() {
    for (String command : new String[] {"run", "demo", "train", "features", "config"}) {
      assertThat(run(command, "--help")).as(command).isZero();
    }
    for (String command : new String[] {"changes", "diff", "adopt"}) {
      assertThat(run("schemas", command, "--help")).as(command).isZero();
    }
    assertThat(out.toString()).contains("Usage: scorer train").contains("--model-version");
  }

  @Test
  void shouldScoreJsonLinesOfflineAndListModels() throws IOException {
    Path model = dir.resolve("models").resolve("fraud-1");
    TestModels.logistic().save(model);
    String valid =
        dev.scorestream.features.JsonEvents.toJson(TestModels.payments(1, 3).get(0).record())
            .toString();
    java.io.InputStream stdin = System.in;
    try {
      System.setIn(
          new java.io.ByteArrayInputStream((valid + "\n{\"amount\": \"x\"}\n").getBytes()));
      assertThat(run("score", "--model", model.toString())).isZero();
    } finally {
      System.setIn(stdin);
    }
    String[] lines = out.toString().split("\n");
    assertThat(lines[0]).contains("\"model_version\":\"test-v1\"").contains("\"event_time\":1");
    assertThat(lines[1]).contains("MALFORMED_EVENT").contains("\"line\":2");

    assertThat(run("models", "--dir", dir.resolve("models").toString())).isZero();
    assertThat(out.toString()).containsPattern("ACTIVE\\s+fraud-1\\s+test-v1");
  }

  @Test
  void shouldPrintConfigDocumentation() {
    assertThat(run("config", "--doc")).isZero();
    assertThat(out.toString())
        .contains("| `schema.registry.url` |")
        .contains("| `topic.dlq` | `events.dlq` |");
  }
}

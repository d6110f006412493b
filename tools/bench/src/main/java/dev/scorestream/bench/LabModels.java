package dev.scorestream.bench;

import static dev.scorestream.bench.BenchContext.say;

import dev.scorestream.cli.ScorerCli;
import dev.scorestream.payments.LabelledCsv;
import dev.scorestream.payments.PaymentGenerator;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.schemas.LabelledRecord;
import dev.scorestream.testkit.Python;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The lab's models for the {@link Variant#XGBOOST} and {@link Variant#ONNX} rows, made the way a
 * user makes them: {@code scorer export} of generated payments through {@code
 * examples/notebook/features.json}, {@code examples/notebook/train_models.py} (a 100-tree, depth-6
 * XGBoost classifier and a logistic regression as ONNX), then {@code scorer import} of each through
 * the parity gate.
 */
final class LabModels {

  static final int TRAINING_ROWS = 20_000;

  private LabModels() {}

  /** Model directories by lab model; empty when no variant needs one. */
  static Map<Variant.Lab, Path> prepare(List<Variant> variants, Path work) throws Exception {
    Map<Variant.Lab, Path> dirs = new EnumMap<>(Variant.Lab.class);
    if (variants.stream().noneMatch(v -> v.lab != null)) {
      return dirs;
    }
    Optional<String> python = Python.with("xgboost", "sklearn", "onnx");
    if (python.isEmpty()) {
      throw new IllegalStateException(
          "the XGBOOST and ONNX rows need a python3 that imports xgboost, sklearn and onnx (Debian:"
              + " apt install python3-xgboost python3-sklearn python3-onnx); leave them out with"
              + " --variants DEFAULT,CUSTOMER_KEYED,FEEDBACK_OFF,DRIFT_OFF");
    }
    Path notebook = find(Path.of("examples", "notebook", "train_models.py"));
    Path spec = find(Path.of("examples", "notebook", "features.json"));
    Path lab = Files.createDirectories(work.resolve("lab"));
    PaymentGenerator generator = new PaymentGenerator(Contracts.paymentEvent(), 42);
    List<LabelledRecord> rows = new ArrayList<>(TRAINING_ROWS);
    for (int i = 0; i < TRAINING_ROWS; i++) {
      rows.add(generator.next(1_764_000_000_000L + i * 1000L));
    }
    Path csv = lab.resolve("payments.csv");
    LabelledCsv.write(csv, Contracts.paymentEvent(), rows);
    Path matrix = lab.resolve("matrix.csv");
    scorer(
        "export", "--from", csv.toString(), "--features", spec.toString(), "-o", matrix.toString());
    Python.run(
        python.get(),
        Duration.ofMinutes(10),
        notebook.toString(),
        "--data",
        matrix.toString(),
        "--out",
        lab.toString());
    for (Variant.Lab model : Variant.Lab.values()) {
      Path dir = work.resolve("lab-models").resolve(model.name().toLowerCase());
      scorer(
          "import",
          "--" + model.name().toLowerCase(),
          lab.resolve(model.file).toString(),
          "--features",
          spec.toString(),
          "--reference",
          lab.resolve(model.reference).toString(),
          "--name",
          "fraud",
          "--model-version",
          model.name().toLowerCase() + "-bench",
          "-o",
          dir.toString());
      dirs.put(model, dir);
    }
    say("lab models imported through the parity gate: %s", dirs);
    return dirs;
  }

  private static void scorer(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = ScorerCli.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    if (exit != 0) {
      throw new IllegalStateException(
          "scorer " + String.join(" ", args) + " failed:\n" + out + err);
    }
  }

  /** {@code relative} under the working directory or one of its parents (the repository root). */
  private static Path find(Path relative) throws IOException {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve(relative))) {
        return dir.resolve(relative);
      }
    }
    throw new IOException(relative + " not found: run the bench from the repository");
  }
}

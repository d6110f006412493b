package dev.scorestream.cli;

import dev.scorestream.features.FeatureExtractor;
import dev.scorestream.model.Evaluation;
import dev.scorestream.model.ModelArtifact;
import dev.scorestream.model.TrainingRows;
import dev.scorestream.schemas.LabelledRecord;
import dev.scorestream.training.ModelTrainer;
import dev.scorestream.training.TrainerKind;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.avro.Schema;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code scorer train}: labelled Avro/CSV files to a model artifact directory, with an evaluation
 * report.
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description =
        "Train a model artifact (Tribuo model + metadata + baseline profile + smoke examples) from labelled"
            + " .avro or .csv files, or from a topic of TrainingExample records.")
public class TrainCommand implements Callable<Integer> {

  @Spec protected CommandSpec spec;

  @Mixin LabelledSourceOptions source;

  @Option(
      names = {"--out", "-o"},
      required = true,
      paramLabel = "DIR",
      description = "Artifact directory to create (must not exist).")
  Path out;

  @Option(
      names = "--name",
      defaultValue = "fraud",
      description = "Model name (default ${DEFAULT-VALUE}).")
  String name;

  @Option(
      names = "--model-version",
      paramLabel = "V",
      description = "Model version; default: derived from the Tribuo provenance hash.")
  String version;

  @Option(
      names = "--trainer",
      defaultValue = "logistic",
      description =
          "logistic, cart, forest (classification), linear-regression or tree-regression (numeric labels); default ${DEFAULT-VALUE}.")
  String trainer;

  @Option(
      names = "--test-fraction",
      defaultValue = "0.2",
      description = "Share held out per label for evaluation (default ${DEFAULT-VALUE}).")
  double testFraction;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Seed of split and trainer (default ${DEFAULT-VALUE}).")
  protected long seed;

  @Option(
      names = "--compare-with",
      paramLabel = "MODEL_DIR",
      description =
          "Also evaluate this existing artifact (e.g. the serving model) on the new model's held-out rows"
              + " and print which of the two is better.")
  Path compareWith;

  @Option(
      names = "--keep-training-data",
      description =
          "Keep the rows the model is trained on in the artifact (training-data.avro), so that"
              + " the retraining controller can mix them into the next generation.")
  boolean keepTrainingData;

  @Mixin ReaderSchemaOption readerSchema;

  @Override
  public Integer call() throws IOException {
    PrintWriter console = spec.commandLine().getOut();
    TrainerKind kind = parseTrainer();
    if (Files.exists(out)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--out " + out + " already exists; choose a new directory");
    }
    source.check(spec.commandLine(), otherSourceGiven(), otherSourceUsage());
    Schema reader = readerSchema.reader();
    List<LabelledRecord> rows = new ArrayList<>();
    if (otherSourceGiven()) {
      readOtherSource(reader, rows, console);
    }
    source.read(reader, rows, console);
    FeatureExtractor extractor = FeatureExtractor.forSchema(reader);
    ModelArtifact incumbent = null;
    if (compareWith != null) {
      try {
        incumbent = ModelArtifact.load(compareWith, extractor);
      } catch (RuntimeException e) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--compare-with " + compareWith + ": " + e.getMessage());
      }
    }
    ModelTrainer modelTrainer = new ModelTrainer(extractor, Clock.systemUTC());
    ModelTrainer.Options options =
        new ModelTrainer.Options(name, version, kind, testFraction, seed, source.label());
    ModelTrainer.Split split = ModelTrainer.split(rows, options);
    ModelArtifact artifact = modelTrainer.train(split, options, console::println);
    if (keepTrainingData) {
      TrainingRows.write(out, reader, TrainingRows.of(split.train(), "event_id", "event_time"));
    }
    artifact.save(out);
    console.printf(
        "wrote model %s version %s to %s%n",
        artifact.metadata().name(), artifact.metadata().version(), out);
    if (artifact.metadata().evaluation() != null) {
      printEvaluation(console, artifact.metadata().evaluation());
    }
    if (incumbent != null) {
      compare(console, modelTrainer, rows, options, artifact, incumbent);
    }
    return 0;
  }

  /** Whether a source this class does not know was given (a subclass adds one); false here. */
  protected boolean otherSourceGiven() {
    return false;
  }

  /** How the usage error names that source, e.g. {@code --generated N}; empty here. */
  protected String otherSourceUsage() {
    return "";
  }

  /** Adds that source's rows (validated and sanitized on {@code reader}) to {@code rows}. */
  protected void readOtherSource(Schema reader, List<LabelledRecord> rows, PrintWriter console) {}

  /** Old and new model on the same held-out rows, side by side, and the verdict. */
  private static void compare(
      PrintWriter console,
      ModelTrainer trainer,
      List<LabelledRecord> rows,
      ModelTrainer.Options options,
      ModelArtifact candidate,
      ModelArtifact incumbent) {
    if (candidate.task() != incumbent.task()) {
      console.printf(
          "cannot compare: the new model is %s, %s is %s%n",
          candidate.task(), incumbent.metadata().version(), incumbent.task());
      return;
    }
    List<LabelledRecord> heldOut = trainer.heldOut(rows, options);
    Evaluation fresh = trainer.evaluate(candidate, heldOut);
    Evaluation old = trainer.evaluate(incumbent, heldOut);
    String newName = "new " + candidate.metadata().version();
    String oldName = "old " + incumbent.metadata().version();
    console.printf("comparison on the same %,d held-out records:%n", heldOut.size());
    if (fresh.rmse() != null) {
      console.printf("  %-28s %10s %10s %10s%n", "model", "RMSE", "MAE", "R²");
      console.printf(
          "  %-28s %10.4f %10.4f %10.4f%n", newName, fresh.rmse(), fresh.mae(), fresh.r2());
      console.printf("  %-28s %10.4f %10.4f %10.4f%n", oldName, old.rmse(), old.mae(), old.r2());
    } else {
      console.printf("  %-28s %10s %10s%n", "model", "accuracy", "log loss");
      console.printf("  %-28s %10.4f %10.4f%n", newName, fresh.accuracy(), fresh.logLoss());
      console.printf("  %-28s %10.4f %10.4f%n", oldName, old.accuracy(), old.logLoss());
    }
    int verdict = ModelTrainer.compare(fresh, old);
    console.println(
        verdict > 0
            ? "verdict: the new model is better; publish it into the models directory to swap it in"
            : verdict < 0 ? "verdict: the old model is better; keep serving it" : "verdict: a tie");
  }

  private TrainerKind parseTrainer() {
    TrainerKind kind = TrainerKind.of(trainer);
    if (kind == null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--trainer must be logistic, cart, forest, linear-regression or tree-regression, got "
              + trainer);
    }
    return kind;
  }

  static void printEvaluation(PrintWriter console, Evaluation evaluation) {
    if (evaluation.rmse() != null) {
      console.printf(
          "evaluation on %,d held-out records: RMSE %.4f, MAE %.4f, R² %.4f%n",
          evaluation.testExamples(), evaluation.rmse(), evaluation.mae(), evaluation.r2());
      return;
    }
    console.printf(
        "evaluation on %,d held-out records: accuracy %.4f, log loss %.4f%n",
        evaluation.testExamples(), evaluation.accuracy(), evaluation.logLoss());
    console.printf("  %-12s %9s %9s %9s %9s%n", "label", "precision", "recall", "f1", "support");
    for (Map.Entry<String, Evaluation.ClassMetrics> entry : evaluation.perClass().entrySet()) {
      Evaluation.ClassMetrics m = entry.getValue();
      console.printf(
          "  %-12s %9.4f %9.4f %9.4f %9d%n",
          entry.getKey(), m.precision(), m.recall(), m.f1(), m.support());
    }
    console.println("  confusion (true -> predicted): " + evaluation.confusion());
  }
}

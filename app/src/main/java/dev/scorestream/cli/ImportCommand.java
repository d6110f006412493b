package dev.scorestream.cli;

import dev.scorestream.features.FeatureExtractor;
import dev.scorestream.features.FeatureSpec;
import dev.scorestream.lab.ExternalModels;
import dev.scorestream.lab.ModelImporter;
import dev.scorestream.model.ModelArtifact;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import org.apache.avro.Schema;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code scorer import}: a model trained outside (XGBoost, ONNX) and its feature spec to a normal
 * model artifact, refused unless scorestream reproduces the notebook's answer on every reference
 * row. The model file is parsed by native code, so it must come from a trusted source.
 */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description =
        "Build a model artifact from an XGBoost or ONNX model trained on `scorer export`'s matrix."
            + " Refused unless scorestream's own path reproduces every reference prediction (the"
            + " parity gate); the first row that differs is named. XGBoost and ONNX files are parsed"
            + " by native code (libxgboost, onnxruntime), here and in every scorer that loads the"
            + " artifact: import only files from a trusted source, and sign the artifact (scorer"
            + " models sign) so that scorers with model.signature.public.key.file refuse any other.",
    exitCodeOnExecutionException = 1)
public final class ImportCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  /** Exactly one model file. */
  static final class ModelFile {
    @Option(
        names = "--xgboost",
        required = true,
        paramLabel = "MODEL",
        description = "An XGBoost classifier saved by the booster (.json or .ubj).")
    Path xgboost;

    @Option(
        names = "--onnx",
        required = true,
        paramLabel = "MODEL",
        description =
            "An ONNX graph with one float input [N, columns] and class probabilities [N, labels]"
                + " as its output.")
    Path onnx;
  }

  @ArgGroup(multiplicity = "1")
  ModelFile model;

  @Option(
      names = "--features",
      required = true,
      paramLabel = "SPEC",
      description = "The feature spec the training matrix was exported with.")
  Path features;

  @Option(
      names = "--reference",
      required = true,
      paramLabel = "REF.csv",
      description =
          "The exported rows with the notebook's answers: the export's columns plus prediction and"
              + " score_<label> per label, in the model's output order.")
  Path reference;

  @Option(names = "--name", required = true, description = "Model name, e.g. fraud.")
  String name;

  @Option(
      names = "--model-version",
      paramLabel = "V",
      description = "Model version; default: derived from the model's provenance hash.")
  String version;

  @Option(
      names = {"--out", "-o"},
      required = true,
      paramLabel = "DIR",
      description = "Artifact directory to create (must not exist).")
  Path out;

  @Option(
      names = "--tolerance",
      defaultValue = "1e-6",
      description = "Largest score difference the parity gate allows (default ${DEFAULT-VALUE}).")
  double tolerance;

  @Mixin ReaderSchemaOption readerSchema;

  @Override
  public Integer call() throws IOException {
    PrintWriter console = spec.commandLine().getOut();
    if (Files.exists(out)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--out " + out + " already exists; choose a new directory");
    }
    ExternalModels.Kind kind =
        model.xgboost != null ? ExternalModels.Kind.XGBOOST : ExternalModels.Kind.ONNX;
    Path file = model.xgboost != null ? model.xgboost : model.onnx;
    for (Path input : new Path[] {file, features, reference}) {
      if (!Files.isRegularFile(input)) {
        throw new CommandLine.ParameterException(spec.commandLine(), input + " is not a file");
      }
    }
    if (!(tolerance >= 0)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--tolerance must be 0 or more, got " + tolerance);
    }
    Schema reader = readerSchema.reader();
    FeatureSpec featureSpec;
    try {
      featureSpec = FeatureSpec.read(features, reader);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    FeatureExtractor extractor = FeatureExtractor.forSchema(reader);
    ModelArtifact artifact;
    try {
      artifact =
          new ModelImporter(extractor, Clock.systemUTC())
              .importModel(
                  new ModelImporter.Request(
                      kind, file, featureSpec, reference, name, version, tolerance),
                  console::println);
    } catch (ModelImporter.RefusedException | IllegalArgumentException e) {
      spec.commandLine().getErr().println("import refused: " + e.getMessage());
      return 1;
    }
    artifact.save(out);
    // what every scorer does when it loads it: smoke examples, features, provenance
    ModelArtifact.load(out, extractor);
    console.printf(
        "wrote model %s version %s to %s%n",
        artifact.metadata().name(), artifact.metadata().version(), out);
    if (artifact.metadata().evaluation() != null) {
      console.printf(
          "on the reference rows (their labels; held-out rows give an honest baseline):"
              + " accuracy %.4f, log loss %.4f%n",
          artifact.metadata().evaluation().accuracy(), artifact.metadata().evaluation().logLoss());
    }
    return 0;
  }
}

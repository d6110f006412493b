package dev.scorestream.cli;

import dev.scorestream.features.FeatureSpec;
import dev.scorestream.schemas.LabelledRecord;
import dev.scorestream.training.FeatureMatrix;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.avro.Schema;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code scorer export}: labelled rows to the matrix a feature spec makes of them, as CSV, for a
 * notebook to train on. Every row goes through the same decoding, sanitation and rules as the
 * stream; rows that break a rule are skipped and counted, never exported.
 */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description =
        "Write the feature matrix a feature spec makes of labelled .avro/.csv files or of a topic of"
            + " TrainingExample records, as CSV: the event id, one column per spec column, the label."
            + " Train a model on it outside, then bring it back with the same spec.")
public final class ExportCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin LabelledSourceOptions source;

  @Option(
      names = "--features",
      required = true,
      paramLabel = "SPEC",
      description = "Feature spec (JSON): which reader-schema fields become which columns.")
  Path features;

  @Option(
      names = {"--out", "-o"},
      required = true,
      paramLabel = "FILE",
      description = "CSV file to write (must not exist).")
  Path out;

  @Option(
      names = "--event-id-field",
      defaultValue = "event_id",
      paramLabel = "FIELD",
      description = "Reader-schema field of the event id (default ${DEFAULT-VALUE}).")
  String eventIdField;

  @Mixin ReaderSchemaOption readerSchema;

  @Override
  public Integer call() throws IOException {
    PrintWriter console = spec.commandLine().getOut();
    source.check(spec.commandLine(), false, "");
    if (Files.exists(out)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--out " + out + " already exists; choose a new file");
    }
    Schema reader = readerSchema.reader();
    if (reader.getField(eventIdField) == null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--event-id-field: the reader schema "
              + reader.getFullName()
              + " has no field '"
              + eventIdField
              + "'");
    }
    FeatureSpec featureSpec;
    try {
      featureSpec = FeatureSpec.read(features, reader);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    List<LabelledRecord> rows = new ArrayList<>();
    source.read(reader, rows, console);
    try (BufferedWriter writer = Files.newBufferedWriter(out)) {
      FeatureMatrix.write(writer, featureSpec, rows, eventIdField);
    }
    console.printf(
        "wrote %,d rows x %d columns (%s) to %s%n",
        rows.size(),
        featureSpec.columns().size(),
        String.join(", ", featureSpec.columnNames()),
        out);
    return 0;
  }
}

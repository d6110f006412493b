package dev.scorestream.cli;

import dev.scorestream.features.FeatureSpec;
import dev.scorestream.schemas.LabelledRecord;
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

  /** Header of the event id column. */
  public static final String EVENT_ID_COLUMN = "event_id";

  /** Header of the label column. */
  public static final String LABEL_COLUMN = "label";

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
      writeMatrix(writer, featureSpec, rows, eventIdField);
    }
    console.printf(
        "wrote %,d rows x %d columns (%s) to %s%n",
        rows.size(),
        featureSpec.columns().size(),
        String.join(", ", featureSpec.columnNames()),
        out);
    return 0;
  }

  /**
   * The CSV: a header ({@code event_id}, the columns, {@code label}), then one line per row.
   * Numbers are written so that they read back to the same double ({@code NaN} for missing).
   */
  static void writeMatrix(
      Appendable out, FeatureSpec spec, List<LabelledRecord> rows, String eventIdField)
      throws IOException {
    List<String> header = new ArrayList<>();
    header.add(EVENT_ID_COLUMN);
    header.addAll(spec.columnNames());
    header.add(LABEL_COLUMN);
    out.append(csvLine(header));
    for (LabelledRecord row : rows) {
      List<String> cells = new ArrayList<>(header.size());
      Object id = row.record().get(eventIdField);
      cells.add(id == null ? "" : id.toString());
      for (double value : spec.vector(row.record())) {
        cells.add(Double.toString(value));
      }
      cells.add(row.label());
      out.append(csvLine(cells));
    }
  }

  private static String csvLine(List<String> cells) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        line.append(',');
      }
      String cell = cells.get(i);
      if (cell.indexOf(',') >= 0
          || cell.indexOf('"') >= 0
          || cell.indexOf('\n') >= 0
          || cell.indexOf('\r') >= 0) {
        line.append('"').append(cell.replace("\"", "\"\"")).append('"');
      } else {
        line.append(cell);
      }
    }
    return line.append('\n').toString();
  }
}

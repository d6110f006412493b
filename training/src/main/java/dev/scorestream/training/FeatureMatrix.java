package dev.scorestream.training;

import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.scorestream.features.FeatureSpec;
import dev.scorestream.schemas.LabelledRecord;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;

/**
 * The matrix a feature spec makes of labelled rows, as CSV, for a notebook to train on ({@code
 * scorer export}): a header ({@code event_id}, the spec's columns, {@code label}), then one line
 * per row. The columns are exactly what the stream feeds the model for the same event.
 */
public final class FeatureMatrix {

  /** Header of the event id column. */
  public static final String EVENT_ID_COLUMN = "event_id";

  /** Header of the label column. */
  public static final String LABEL_COLUMN = "label";

  /** Quotes a cell only where CSV needs it (a comma, a quote, a line break). */
  private static final CsvMapper CSV =
      CsvMapper.builder().enable(CsvGenerator.Feature.STRICT_CHECK_FOR_QUOTING).build();

  private FeatureMatrix() {}

  /**
   * Writes the CSV. Numbers are written so that they read back to the same double ({@code NaN} for
   * missing); cells are quoted where CSV needs it.
   */
  public static void write(
      Writer out, FeatureSpec spec, List<LabelledRecord> rows, String eventIdField)
      throws IOException {
    try (SequenceWriter lines = CSV.writer(CsvSchema.emptySchema()).writeValues(out)) {
      List<String> header = new ArrayList<>();
      header.add(EVENT_ID_COLUMN);
      header.addAll(spec.columnNames());
      header.add(LABEL_COLUMN);
      lines.write(header);
      for (LabelledRecord row : rows) {
        List<String> cells = new ArrayList<>(header.size());
        Object id = row.record().get(eventIdField);
        cells.add(id == null ? "" : id.toString());
        for (double value : spec.vector(row.record())) {
          cells.add(Double.toString(value));
        }
        cells.add(row.label());
        lines.write(cells);
      }
    }
  }
}

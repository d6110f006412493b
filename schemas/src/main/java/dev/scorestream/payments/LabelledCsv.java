package dev.scorestream.payments;

import dev.scorestream.schemas.LabelledRecord;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.avro.Schema;

/**
 * Labelled records as the CSV files {@code train} and {@code export} read: a header row of the
 * schema's fields then {@code label}, one row per record; empty cells are nulls.
 */
public final class LabelledCsv {

  private LabelledCsv() {}

  /**
   * Writes {@code rows}, one at a time, then {@code extraLines} as they are (e.g. a row that breaks
   * a rule).
   */
  public static void write(
      Path file, Schema schema, Iterable<LabelledRecord> rows, String... extraLines)
      throws IOException {
    List<String> fields = schema.getFields().stream().map(Schema.Field::name).toList();
    try (Writer out = Files.newBufferedWriter(file)) {
      out.write(String.join(",", fields) + ",label\n");
      for (LabelledRecord row : rows) {
        for (String field : fields) {
          Object value = row.record().get(field);
          out.write(value == null ? "" : cell(value.toString()));
          out.write(',');
        }
        out.write(cell(row.label()) + "\n");
      }
      for (String line : extraLines) {
        out.write(line + "\n");
      }
    }
  }

  /** A cell, quoted when it holds a comma, a quote or a line break. */
  private static String cell(String text) {
    if (text.indexOf(',') < 0
        && text.indexOf('"') < 0
        && text.indexOf('\n') < 0
        && text.indexOf('\r') < 0) {
      return text;
    }
    return '"' + text.replace("\"", "\"\"") + '"';
  }
}

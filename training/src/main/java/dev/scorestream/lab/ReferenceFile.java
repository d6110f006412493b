package dev.scorestream.lab;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.scorestream.features.FeatureSpec;
import dev.scorestream.lab.ModelImporter.RefusedException;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A notebook's reference file for {@code scorer import}: the matrix {@code scorer export} wrote
 * (its {@code event_id}, the spec's columns by name, {@code label}) plus the notebook's answer per
 * row, {@code prediction} and {@code score_<label>} for every label in the model's output order.
 * Any cell or column that does not fit is refused with its line and column.
 *
 * @param rows the rows, in file order
 * @param labels the labels in the model's output order
 * @param notebookOrder the notebook's column order when it is not the spec's (null when they agree)
 */
record ReferenceFile(List<Row> rows, List<String> labels, List<String> notebookOrder) {

  private static final String SCORE = "score_";

  /** One reference row: its id, its columns by name, the label and the notebook's answer. */
  record Row(
      int line,
      String eventId,
      Map<String, Double> columns,
      String label,
      String prediction,
      Map<String, Double> scores) {}

  static ReferenceFile read(Path file, FeatureSpec spec) throws IOException {
    try (Reader in = Files.newBufferedReader(file);
        MappingIterator<List<String>> lines =
            new CsvMapper()
                .readerForListOf(String.class)
                .with(CsvParser.Feature.WRAP_AS_ARRAY)
                .with(CsvSchema.emptySchema())
                .readValues(in)) {
      if (!lines.hasNext()) {
        throw new RefusedException("reference " + file + " is empty");
      }
      Header header = Header.check(file, lines.next(), spec);
      List<Row> rows = new ArrayList<>();
      int line = 1;
      while (lines.hasNext()) {
        line++;
        rows.add(header.row(lines.next(), line));
      }
      if (rows.isEmpty()) {
        throw new RefusedException("reference " + file + " has no rows");
      }
      return new ReferenceFile(rows, header.labels(), header.notebookOrder());
    }
  }

  /** The header line: where each column is, which labels are scored, and the matrix's order. */
  private record Header(
      Path file,
      List<String> names,
      Map<String, Integer> position,
      List<String> labels,
      List<String> notebookOrder,
      FeatureSpec spec) {

    static Header check(Path file, List<String> names, FeatureSpec spec) {
      Map<String, Integer> position = new LinkedHashMap<>();
      for (int i = 0; i < names.size(); i++) {
        if (position.put(names.get(i), i) != null) {
          throw new RefusedException(
              "reference " + file + " has the column '" + names.get(i) + "' twice");
        }
      }
      List<String> labels = new ArrayList<>();
      for (String column : names) {
        if (column.startsWith(SCORE)) {
          labels.add(column.substring(SCORE.length()));
        }
      }
      if (labels.size() < 2 || !position.containsKey("prediction")) {
        throw new RefusedException(
            "reference "
                + file
                + " needs the notebook's answer per row: a 'prediction' column and score_<label>"
                + " for every label, in the model's output order");
      }
      List<String> missing =
          spec.columnNames().stream().filter(column -> !position.containsKey(column)).toList();
      if (!missing.isEmpty()) {
        throw new RefusedException(
            "reference "
                + file
                + " lacks the spec's columns "
                + missing
                + "; it must hold the matrix scorer export wrote with this spec");
      }
      List<String> matrix = new ArrayList<>(names);
      matrix.removeIf(
          c ->
              c.equals("event_id")
                  || c.equals("label")
                  || c.equals("prediction")
                  || c.startsWith(SCORE));
      return new Header(
          file, names, position, labels, matrix.equals(spec.columnNames()) ? null : matrix, spec);
    }

    Row row(List<String> cells, int line) {
      if (cells.size() != names.size()) {
        throw new RefusedException(
            "reference "
                + file
                + " line "
                + line
                + " has "
                + cells.size()
                + " cells, the header "
                + names.size());
      }
      Map<String, Double> columns = new HashMap<>();
      for (String column : spec.columnNames()) {
        columns.put(column, number(cells.get(position.get(column)), line, column));
      }
      Map<String, Double> scores = new LinkedHashMap<>();
      for (String label : labels) {
        scores.put(label, number(cells.get(position.get(SCORE + label)), line, SCORE + label));
      }
      Integer id = position.get("event_id");
      Integer label = position.get("label");
      return new Row(
          line,
          id == null ? "" : cells.get(id),
          columns,
          label == null || cells.get(label).isEmpty() ? null : cells.get(label),
          cells.get(position.get("prediction")),
          scores);
    }

    private double number(String cell, int line, String column) {
      String text = cell.trim();
      switch (text.toLowerCase(Locale.ROOT)) {
        case "nan":
          return Double.NaN;
        case "inf", "infinity", "+inf":
          return Double.POSITIVE_INFINITY;
        case "-inf", "-infinity":
          return Double.NEGATIVE_INFINITY;
        default:
          break;
      }
      try {
        return Double.parseDouble(text);
      } catch (NumberFormatException e) {
        throw new RefusedException(
            "reference "
                + file
                + " line "
                + line
                + " column '"
                + column
                + "': '"
                + cell
                + "' is not a number");
      }
    }
  }
}

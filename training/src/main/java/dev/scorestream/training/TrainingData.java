package dev.scorestream.training;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.scorestream.schemas.LabelledRecord;
import dev.scorestream.validation.RecordValidator;
import dev.scorestream.validation.Violation;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;

/**
 * Loads labelled records from a {@code .avro} container file or a {@code .csv} file with a header
 * row. Columns or fields are matched to reader-schema fields by name; the label is the {@code
 * labelField} column. Rows that break the reader schema's rules are skipped and counted, never
 * silently trained on.
 */
public final class TrainingData {

  /** Rows loaded, and what was skipped and why. */
  public record Loaded(List<LabelledRecord> rows, long skipped, Map<String, Long> skippedBy) {}

  private final Schema reader;
  private final RecordValidator validator;
  private final String labelField;

  public TrainingData(Schema reader, String labelField) {
    this.reader = reader;
    this.validator = RecordValidator.forSchema(reader);
    this.labelField = labelField;
  }

  public Loaded read(Path file) throws IOException {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".avro")) {
      return readAvro(file);
    }
    if (name.endsWith(".csv")) {
      return readCsv(file);
    }
    throw new IllegalArgumentException("training file " + file + ": expected a .avro or .csv file");
  }

  private Loaded readAvro(Path file) throws IOException {
    Collector collector = new Collector();
    try (DataFileReader<GenericRecord> in =
        new DataFileReader<>(file.toFile(), new GenericDatumReader<>())) {
      Schema fileSchema = in.getSchema();
      if (fileSchema.getField(labelField) == null) {
        throw new IllegalArgumentException(
            "training file " + file + " has no label field '" + labelField + "'");
      }
      for (GenericRecord row : in) {
        collector.add(row::get, row.get(labelField));
      }
    }
    return collector.loaded();
  }

  private Loaded readCsv(Path file) throws IOException {
    Collector collector = new Collector();
    CsvMapper mapper = new CsvMapper();
    try (Reader in = Files.newBufferedReader(file);
        MappingIterator<Map<String, String>> rows =
            mapper
                .readerForMapOf(String.class)
                .with(CsvSchema.emptySchema().withHeader())
                .readValues(in)) {
      boolean first = true;
      while (rows.hasNext()) {
        Map<String, String> row = rows.next();
        if (first && !row.containsKey(labelField)) {
          throw new IllegalArgumentException(
              "training file " + file + " has no label column '" + labelField + "'");
        }
        first = false;
        collector.add(
            column -> parse(reader.getField(column), row.get(column)), row.get(labelField));
      }
    }
    return collector.loaded();
  }

  /** A CSV cell as the value the reader-schema field holds; empty cells are null. */
  static Object parse(Schema.Field field, String cell) {
    if (field == null || cell == null || cell.isEmpty()) {
      return null;
    }
    Schema type = field.schema();
    if (type.getType() == Schema.Type.UNION) {
      type =
          type.getTypes().stream()
              .filter(s -> s.getType() != Schema.Type.NULL)
              .findFirst()
              .orElse(type);
    }
    try {
      return switch (type.getType()) {
        case INT -> Integer.parseInt(cell.trim());
        case LONG -> Long.parseLong(cell.trim());
        case FLOAT -> Float.parseFloat(cell.trim());
        case DOUBLE -> Double.parseDouble(cell.trim());
        case BOOLEAN -> Boolean.parseBoolean(cell.trim());
        case ENUM ->
            type.hasEnumSymbol(cell.trim()) ? new GenericData.EnumSymbol(type, cell.trim()) : cell;
        default -> cell;
      };
    } catch (NumberFormatException e) {
      return cell;
    }
  }

  /** Builds reader-schema records from name-addressed rows, checking each against the rules. */
  private final class Collector {
    private final List<LabelledRecord> rows = new ArrayList<>();
    private final Map<String, Long> skippedBy = new TreeMap<>();
    private long skipped;

    void add(Function<String, Object> column, Object label) {
      if (label == null || label.toString().isBlank()) {
        skip("label.missing");
        return;
      }
      GenericRecord record = new GenericData.Record(reader);
      for (Schema.Field field : reader.getFields()) {
        Object value = column.apply(field.name());
        if (!fits(field.schema(), value)) {
          skip(field.name() + ".type");
          return;
        }
        record.put(field.pos(), value);
      }
      List<Violation> violations = validator.sanitizeAndValidate(record);
      if (!violations.isEmpty()) {
        violations.forEach(v -> skippedBy.merge(v.ruleId(), 1L, Long::sum));
        skipped++;
        return;
      }
      rows.add(new LabelledRecord(record, label.toString().trim()));
    }

    private void skip(String why) {
      skipped++;
      skippedBy.merge(why, 1L, Long::sum);
    }

    Loaded loaded() {
      return new Loaded(rows, skipped, skippedBy);
    }
  }

  /**
   * Whether {@code value} can stand in a field of {@code schema} (null only where the schema allows
   * it).
   */
  static boolean fits(Schema schema, Object value) {
    if (schema.getType() == Schema.Type.UNION) {
      return schema.getTypes().stream().anyMatch(branch -> fits(branch, value));
    }
    if (value == null) {
      return schema.getType() == Schema.Type.NULL;
    }
    return switch (schema.getType()) {
      case INT -> value instanceof Integer;
      case LONG -> value instanceof Long || value instanceof Integer;
      case FLOAT -> value instanceof Float;
      case DOUBLE -> value instanceof Double || value instanceof Float;
      case BOOLEAN -> value instanceof Boolean;
      case STRING -> value instanceof CharSequence;
      case ENUM -> value instanceof GenericData.EnumSymbol;
      default -> true;
    };
  }
}

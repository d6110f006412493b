package dev.scorestream.features;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scorestream.schemas.AvroTypes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.tribuo.Example;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.impl.ArrayExample;

/**
 * How records of the reader schema become the numeric matrix an outside model was trained on: an
 * ordered list of named columns, each taken from one reader-schema field. A JSON file:
 *
 * <pre>{@code
 * {"columns": [
 *   {"field": "amount", "missing": 0},
 *   {"field": "hour_of_day"},
 *   {"field": "card_present"},
 *   {"field": "channel", "one_hot": ["POS", "ECOM", "ATM", "MOTO"]}
 * ]}
 * }</pre>
 *
 * <ul>
 *   <li>a numeric field (int, long, float, double) is one column with its value, a boolean one
 *       column with 1 or 0; {@code name} renames the column (default: the field's name);
 *   <li>{@code one_hot} makes one column per listed value, named {@code field=value}, 1 for the
 *       record's value and 0 for the others; a value outside the list gives 0 in every column;
 *   <li>{@code missing} is the value of a null field (and of a NaN or infinite number): a number,
 *       or {@code "NaN"}, the default, which XGBoost and most libraries read as missing.
 * </ul>
 *
 * The matrix is what {@code scorer export} writes and what an imported model is fed, in this order.
 * Immutable, thread-safe.
 */
public final class FeatureSpec {

  /** One column of the matrix. */
  public sealed interface Column {
    String name();

    Schema.Field field();
  }

  /** A number or boolean field as is. */
  public record Numeric(String name, Schema.Field field, double missing) implements Column {}

  /** 1 when the field's value is {@code category}, else 0; {@code missing} when it is null. */
  public record OneHot(String name, Schema.Field field, String category, double missing)
      implements Column {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<Column> columns;
  private final JsonNode json;
  private final String[] sortedNames;
  private final int[] sortedPositions;

  private FeatureSpec(List<Column> columns, JsonNode json) {
    this.columns = List.copyOf(columns);
    this.json = json.deepCopy();
    Integer[] order = new Integer[columns.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparing(i -> columns.get(i).name()));
    this.sortedNames = new String[order.length];
    this.sortedPositions = new int[order.length];
    for (int i = 0; i < order.length; i++) {
      sortedPositions[i] = order[i];
      sortedNames[i] = columns.get(order[i]).name();
    }
  }

  /** The spec as it was read, to store next to a model. */
  public JsonNode json() {
    return json.deepCopy();
  }

  /**
   * The row of {@code record} as a Tribuo example: one feature per column, named after it, zeros
   * included; a NaN (missing) value is left out, which XGBoost reads as missing.
   */
  public Example<Label> example(GenericRecord record) {
    double[] row = vector(record);
    String[] names = new String[row.length];
    double[] values = new double[row.length];
    int size = 0;
    for (int i = 0; i < sortedPositions.length; i++) {
      double value = row[sortedPositions[i]];
      if (!Double.isNaN(value)) {
        names[size] = sortedNames[i];
        values[size++] = value;
      }
    }
    return new ArrayExample<>(
        LabelFactory.UNKNOWN_LABEL, Arrays.copyOf(names, size), Arrays.copyOf(values, size));
  }

  public List<Column> columns() {
    return columns;
  }

  public List<String> columnNames() {
    return columns.stream().map(Column::name).toList();
  }

  /**
   * Reads a spec file against the reader schema.
   *
   * @throws IllegalArgumentException naming the file, the column (by position, from 1) and what is
   *     wrong: an unknown field, a type that cannot be a column, an empty or repeated vocabulary, a
   *     repeated column name
   */
  public static FeatureSpec read(Path file, Schema reader) throws IOException {
    JsonNode root;
    try {
      root = JSON.readTree(Files.readString(file));
    } catch (IOException e) {
      throw new IllegalArgumentException("feature spec " + file + " is not valid JSON: " + e);
    }
    try {
      return parse(root, reader);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("feature spec " + file + ": " + e.getMessage(), e);
    }
  }

  /** As {@link #read}, from a parsed document. */
  public static FeatureSpec parse(JsonNode root, Schema reader) {
    JsonNode list = root == null ? null : root.get("columns");
    if (list == null || !list.isArray() || list.isEmpty()) {
      throw new IllegalArgumentException("needs \"columns\", a non-empty array");
    }
    List<Column> columns = new ArrayList<>();
    Set<String> names = new HashSet<>();
    int position = 0;
    for (JsonNode node : list) {
      position++;
      String where = "column " + position;
      if (!node.isObject() || !node.path("field").isTextual()) {
        throw new IllegalArgumentException(where + " needs \"field\", a reader-schema field name");
      }
      String fieldName = node.get("field").asText();
      Schema.Field field = reader.getField(fieldName);
      if (field == null) {
        throw new IllegalArgumentException(
            where
                + ": the reader schema "
                + reader.getFullName()
                + " has no field '"
                + fieldName
                + "'");
      }
      where = where + " (" + fieldName + ")";
      double missing = missing(node.get("missing"), where);
      Schema.Type type = AvroTypes.nonNull(field.schema()).getType();
      List<Column> made = new ArrayList<>();
      if (node.has("one_hot")) {
        JsonNode vocabulary = node.get("one_hot");
        if (type != Schema.Type.STRING && type != Schema.Type.ENUM) {
          throw new IllegalArgumentException(
              where + ": one_hot needs a string or enum field, '" + fieldName + "' is " + type);
        }
        if (!vocabulary.isArray() || vocabulary.isEmpty()) {
          throw new IllegalArgumentException(where + ": one_hot needs a non-empty list of values");
        }
        Set<String> seen = new HashSet<>();
        for (JsonNode value : vocabulary) {
          if (!value.isTextual() || !seen.add(value.asText())) {
            throw new IllegalArgumentException(
                where + ": one_hot values must be distinct strings, got " + value);
          }
          made.add(new OneHot(fieldName + "=" + value.asText(), field, value.asText(), missing));
        }
      } else {
        if (type != Schema.Type.INT
            && type != Schema.Type.LONG
            && type != Schema.Type.FLOAT
            && type != Schema.Type.DOUBLE
            && type != Schema.Type.BOOLEAN) {
          throw new IllegalArgumentException(
              where
                  + ": a "
                  + type
                  + " field is not a number; give its values with \"one_hot\": [...]");
        }
        String name = node.path("name").isTextual() ? node.get("name").asText() : fieldName;
        made.add(new Numeric(name, field, missing));
      }
      for (Column column : made) {
        if (!names.add(column.name())) {
          throw new IllegalArgumentException(where + ": column '" + column.name() + "' twice");
        }
        columns.add(column);
      }
    }
    return new FeatureSpec(columns, root);
  }

  private static double missing(JsonNode node, String where) {
    if (node == null || node.isNull()) {
      return Double.NaN;
    }
    if (node.isNumber()) {
      return node.asDouble();
    }
    if (node.isTextual() && node.asText().equals("NaN")) {
      return Double.NaN;
    }
    throw new IllegalArgumentException(where + ": \"missing\" must be a number or \"NaN\"");
  }

  /** The row of a sanitized record, one value per column, in column order. */
  public double[] vector(GenericRecord record) {
    double[] row = new double[columns.size()];
    for (int i = 0; i < row.length; i++) {
      row[i] = value(columns.get(i), record.get(columns.get(i).field().pos()));
    }
    return row;
  }

  private static double value(Column column, Object value) {
    if (column instanceof OneHot oneHot) {
      if (value == null) {
        return oneHot.missing();
      }
      return value.toString().equals(oneHot.category()) ? 1.0 : 0.0;
    }
    Numeric numeric = (Numeric) column;
    if (value == null) {
      return numeric.missing();
    }
    double number =
        value instanceof Boolean flag ? (flag ? 1.0 : 0.0) : ((Number) value).doubleValue();
    return Double.isFinite(number) ? number : numeric.missing();
  }
}

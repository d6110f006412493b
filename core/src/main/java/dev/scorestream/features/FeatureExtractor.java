package dev.scorestream.features;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.tribuo.Example;
import org.tribuo.Output;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;

/**
 * Maps records of one reader schema to Tribuo examples.
 *
 * <ul>
 *   <li>int, long, float, double: a feature named after the field, with the value;
 *   <li>boolean: the field's feature with 1 for true, 0 for false;
 *   <li>enum and string: one-hot, a feature {@code field=value} with 1;
 *   <li>null or missing: no feature (the model treats it as absent; drift counts it as missing);
 *   <li>fields with the property {@code "feature": false} (ids, timestamps) are skipped.
 * </ul>
 *
 * Non-finite numbers (NaN, infinity) are left out like nulls: rules should already have rejected
 * them. Thread-safe.
 */
public final class FeatureExtractor {

  /** How a field becomes features. */
  public enum FeatureKind {
    NUMERIC,
    BOOLEAN,
    CATEGORICAL
  }

  /** One field that yields features. */
  public record FeatureField(String name, int position, FeatureKind kind) {}

  private final Schema schema;
  private final FeatureField[] fields;

  /**
   * The fields in the order their feature names sort (Tribuo keeps an example's features sorted by
   * name): a one-hot name {@code field=value} sorts by {@code field=} whatever the value, because
   * Avro names cannot contain '='. Extracting in this order gives sorted names without sorting per
   * record.
   */
  private final FeatureField[] nameOrder;

  /** Interned one-hot names, so a hot path does not concatenate strings per record. */
  private final Map<String, Map<String, String>> oneHotNames = new ConcurrentHashMap<>();

  private FeatureExtractor(Schema schema, FeatureField[] fields) {
    this.schema = schema;
    this.fields = fields;
    this.nameOrder = fields.clone();
    Arrays.sort(nameOrder, Comparator.comparing(FeatureExtractor::sortKey));
  }

  private static String sortKey(FeatureField field) {
    return field.kind() == FeatureKind.CATEGORICAL ? field.name() + "=" : field.name();
  }

  /**
   * @throws IllegalArgumentException naming a field whose type cannot be a feature and that is not
   *     marked {@code "feature": false}
   */
  public static FeatureExtractor forSchema(Schema schema) {
    List<FeatureField> fields = new ArrayList<>();
    for (Schema.Field field : schema.getFields()) {
      Object flag = field.getObjectProp("feature");
      if (Boolean.FALSE.equals(flag)) {
        continue;
      }
      if (flag != null && !Boolean.TRUE.equals(flag)) {
        throw new IllegalArgumentException(
            "reader schema field '"
                + field.name()
                + "': property 'feature' must be true or false, got "
                + flag);
      }
      fields.add(new FeatureField(field.name(), field.pos(), kindOf(field)));
    }
    if (fields.isEmpty()) {
      throw new IllegalArgumentException(
          "reader schema " + schema.getFullName() + " has no feature fields");
    }
    return new FeatureExtractor(schema, fields.toArray(new FeatureField[0]));
  }

  private static FeatureKind kindOf(Schema.Field field) {
    Schema type = field.schema();
    if (type.getType() == Schema.Type.UNION) {
      List<Schema> branches =
          type.getTypes().stream().filter(s -> s.getType() != Schema.Type.NULL).toList();
      if (branches.size() != 1) {
        throw new IllegalArgumentException(
            "reader schema field '"
                + field.name()
                + "': only [\"null\", T] unions can be features; mark it \"feature\": false");
      }
      type = branches.get(0);
    }
    return switch (type.getType()) {
      case INT, LONG, FLOAT, DOUBLE -> FeatureKind.NUMERIC;
      case BOOLEAN -> FeatureKind.BOOLEAN;
      case ENUM, STRING -> FeatureKind.CATEGORICAL;
      default ->
          throw new IllegalArgumentException(
              "reader schema field '"
                  + field.name()
                  + "' of type "
                  + type.getType()
                  + " cannot be a feature; mark it \"feature\": false");
    };
  }

  public Schema schema() {
    return schema;
  }

  public List<FeatureField> fields() {
    return List.of(fields);
  }

  /** An example with an unknown output, for prediction. */
  public Example<Label> extract(GenericRecord record) {
    return extract(record, LabelFactory.UNKNOWN_LABEL);
  }

  /**
   * An example with output {@code label} (a Label, or a Regressor for regression), for training and
   * evaluation.
   */
  public <T extends Output<T>> Example<T> extract(GenericRecord record, T label) {
    String[] names = new String[nameOrder.length];
    double[] values = new double[nameOrder.length];
    int size = 0;
    for (FeatureField field : nameOrder) {
      Object value = record.get(field.position());
      if (value == null) {
        continue;
      }
      switch (field.kind()) {
        case NUMERIC -> {
          double number = ((Number) value).doubleValue();
          if (Double.isFinite(number)) {
            names[size] = field.name();
            values[size++] = number;
          }
        }
        case BOOLEAN -> {
          names[size] = field.name();
          values[size++] = ((Boolean) value) ? 1.0 : 0.0;
        }
        case CATEGORICAL -> {
          names[size] = oneHotName(field.name(), value.toString());
          values[size++] = 1.0;
        }
        default -> throw new IllegalStateException("unhandled kind " + field.kind());
      }
    }
    if (size < nameOrder.length) {
      names = Arrays.copyOf(names, size);
      values = Arrays.copyOf(values, size);
    }
    return PresortedExample.of(label, names, values);
  }

  /**
   * Whether this extractor can ever produce the feature {@code name}: a numeric or boolean field's
   * name, or {@code field=value} of a categorical field. Used to check a model fits the reader
   * schema.
   */
  public boolean canProduce(String name) {
    for (FeatureField field : fields) {
      if (field.kind() == FeatureKind.CATEGORICAL) {
        if (name.startsWith(field.name() + "=")) {
          return true;
        }
      } else if (name.equals(field.name())) {
        return true;
      }
    }
    return false;
  }

  /** The names of non-categorical features, sorted. */
  public Set<String> scalarFeatureNames() {
    Set<String> names = new TreeSet<>();
    for (FeatureField field : fields) {
      if (field.kind() != FeatureKind.CATEGORICAL) {
        names.add(field.name());
      }
    }
    return names;
  }

  /** Bounds the interning map so a high-cardinality string field cannot grow it without limit. */
  private static final int MAX_INTERNED_PER_FIELD = 10_000;

  private String oneHotName(String field, String value) {
    Map<String, String> names = oneHotNames.computeIfAbsent(field, f -> new ConcurrentHashMap<>());
    String name = names.get(value);
    if (name == null) {
      name = field + "=" + value;
      if (names.size() < MAX_INTERNED_PER_FIELD) {
        names.put(value, name);
      }
    }
    return name;
  }
}

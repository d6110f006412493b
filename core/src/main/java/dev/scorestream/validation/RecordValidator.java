package dev.scorestream.validation;

import dev.scorestream.codec.StrictUtf8;
import dev.scorestream.schemas.AvroTypes;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;

/**
 * Sanitizes and checks records of one reader schema against the rules declared on its fields.
 * Thread-safe and allocation-free for valid records (returns a shared empty list).
 */
public final class RecordValidator {

  private final Schema schema;
  private final FieldRules[] fields;
  private final Map<String, FieldRules> everyField;

  private RecordValidator(Schema schema, FieldRules[] fields, Map<String, FieldRules> everyField) {
    this.schema = schema;
    this.fields = fields;
    this.everyField = everyField;
  }

  /**
   * Parses the rules of every field of {@code schema}.
   *
   * @throws IllegalArgumentException naming the field, for an unknown rule or one that does not fit
   *     the type
   */
  public static RecordValidator forSchema(Schema schema) {
    if (schema.getType() != Schema.Type.RECORD) {
      throw new IllegalArgumentException("reader schema must be a record, got " + schema.getType());
    }
    List<FieldRules> parsed = new ArrayList<>();
    Map<String, FieldRules> everyField = new LinkedHashMap<>();
    for (Schema.Field field : schema.getFields()) {
      FieldRules rules = FieldRules.parse(field);
      everyField.put(field.name(), rules);
      if (rules.hasAnything()) {
        parsed.add(rules);
      }
    }
    return new RecordValidator(schema, parsed.toArray(new FieldRules[0]), everyField);
  }

  public Schema schema() {
    return schema;
  }

  /**
   * What the reader schema declares about {@code fieldName}: type, nullability, default, rules and
   * sanitation.
   *
   * @throws IllegalArgumentException when the reader schema has no such field
   */
  public FieldContract contract(String fieldName) {
    FieldRules rules = everyField.get(fieldName);
    if (rules == null) {
      throw new IllegalArgumentException(
          "the reader schema " + schema.getFullName() + " has no field '" + fieldName + "'");
    }
    Schema.Field field = schema.getField(fieldName);
    Schema type = field.schema();
    boolean nullable =
        type.getType() == Schema.Type.UNION
            && type.getTypes().stream().anyMatch(s -> s.getType() == Schema.Type.NULL);
    return new FieldContract(
        fieldName,
        AvroTypes.nonNull(type).getType(),
        rules.required(),
        nullable,
        field.hasDefaultValue(),
        field.hasDefaultValue() ? GenericData.get().getDefaultValue(field) : null,
        rules.allowed() == null
            ? null
            : Collections.unmodifiableSet(new LinkedHashSet<>(rules.allowed())),
        rules.min(),
        rules.max(),
        rules.minLength(),
        rules.maxLength(),
        rules.trim(),
        FieldContract.Case.valueOf(rules.caseFold().name()));
  }

  /**
   * Sanitizes {@code record} in place (trim, case-fold, clamp where declared), then checks every
   * rule. A string field whose bytes are not well-formed UTF-8 violates {@code <field>.utf8} and is
   * not checked further.
   *
   * @return every violation, empty when the record is valid
   */
  public List<Violation> sanitizeAndValidate(GenericRecord record) {
    List<Violation> violations = null;
    for (FieldRules rules : fields) {
      Object raw = record.get(rules.position());
      if (raw instanceof Utf8 text
          && !StrictUtf8.isValid(text.getBytes(), 0, text.getByteLength())) {
        // Checked before sanitation: trimming or case-folding would turn the bad bytes into U+FFFD.
        violations =
            add(violations, rules.field() + ".utf8", rules.field() + " is not well-formed UTF-8");
        continue;
      }
      Object value = sanitize(rules, raw);
      record.put(rules.position(), value);
      violations = check(rules, value, violations);
    }
    return violations == null ? Collections.emptyList() : violations;
  }

  private static Object sanitize(FieldRules rules, Object value) {
    if (value == null) {
      return null;
    }
    if (rules.kind() == FieldRules.Kind.STRING
        && (rules.trim() || rules.caseFold() != FieldRules.CaseFold.NONE)) {
      String text = value.toString();
      if (rules.trim()) {
        text = text.strip();
      }
      return switch (rules.caseFold()) {
        case UPPER -> text.toUpperCase(Locale.ROOT);
        case LOWER -> text.toLowerCase(Locale.ROOT);
        case NONE -> text;
      };
    }
    if (rules.clamp() && value instanceof Number number) {
      double raw = number.doubleValue();
      if (Double.isNaN(raw)) {
        return value;
      }
      double clamped =
          Math.max(
              rules.min() == null ? raw : rules.min(),
              Math.min(rules.max() == null ? raw : rules.max(), raw));
      if (clamped == raw) {
        return value;
      }
      return switch (rules.kind()) {
        case INT -> (int) clamped;
        case LONG -> (long) clamped;
        case FLOAT -> (float) clamped;
        default -> clamped;
      };
    }
    return value;
  }

  private static List<Violation> check(FieldRules rules, Object value, List<Violation> violations) {
    String field = rules.field();
    if (value == null) {
      return rules.required()
          ? add(violations, field + ".required", field + " is null")
          : violations;
    }
    switch (rules.kind()) {
      case INT, LONG, FLOAT, DOUBLE -> {
        double number = ((Number) value).doubleValue();
        if (rules.finite() && !Double.isFinite(number)) {
          // one precise violation; NaN or infinity against min/max would only repeat it
          return add(
              violations, field + ".finite", field + " is " + value + ", must be a finite number");
        }
        if (rules.min() != null && !(number >= rules.min())) {
          violations =
              add(
                  violations,
                  field + ".min",
                  field + " is " + value + ", below the minimum " + rules.min());
        }
        if (rules.max() != null && !(number <= rules.max())) {
          violations =
              add(
                  violations,
                  field + ".max",
                  field + " is " + value + ", above the maximum " + rules.max());
        }
      }
      case STRING, ENUM -> {
        String text = value.toString();
        if (rules.required() && text.isEmpty()) {
          violations = add(violations, field + ".required", field + " is empty");
        }
        violations = checkLength(rules, text.length(), violations);
        if (rules.allowed() != null && !rules.allowed().contains(text)) {
          violations =
              add(
                  violations,
                  field + ".allowed",
                  field + " is '" + abbreviate(text) + "', not one of " + rules.allowed());
        }
      }
      case BYTES -> {
        int length =
            value instanceof ByteBuffer buffer
                ? buffer.remaining()
                : ((GenericData.Fixed) value).bytes().length;
        violations = checkLength(rules, length, violations);
      }
      default -> {}
    }
    return violations;
  }

  private static List<Violation> checkLength(
      FieldRules rules, int length, List<Violation> violations) {
    String field = rules.field();
    if (rules.minLength() != null && length < rules.minLength()) {
      violations =
          add(
              violations,
              field + ".minLength",
              field + " has length " + length + ", below the minimum " + rules.minLength());
    }
    if (rules.maxLength() != null && length > rules.maxLength()) {
      violations =
          add(
              violations,
              field + ".maxLength",
              field + " has length " + length + ", above the maximum " + rules.maxLength());
    }
    return violations;
  }

  private static List<Violation> add(List<Violation> violations, String ruleId, String message) {
    List<Violation> list = violations == null ? new ArrayList<>(2) : violations;
    list.add(new Violation(ruleId, message));
    return list;
  }

  private static String abbreviate(String text) {
    return text.length() <= 40 ? text : text.substring(0, 40) + "...";
  }
}

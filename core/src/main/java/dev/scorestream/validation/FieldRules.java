package dev.scorestream.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scorestream.schemas.AvroTypes;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import org.apache.avro.Schema;

/**
 * The rules and sanitation of one field, parsed from its {@code rules} and {@code sanitize}
 * properties. Unknown rule names, or rules that do not fit the field's type, are refused when the
 * schema is loaded, so a typo in a schema stops start-up instead of silently checking nothing.
 */
record FieldRules(
    String field,
    int position,
    Kind kind,
    boolean required,
    Double min,
    Double max,
    boolean finite,
    Set<String> allowed,
    Integer minLength,
    Integer maxLength,
    boolean trim,
    CaseFold caseFold,
    boolean clamp) {

  static final Set<String> RULE_NAMES =
      Set.of("required", "min", "max", "finite", "allowed", "minLength", "maxLength");
  static final Set<String> SANITIZE_NAMES = Set.of("trim", "case", "clamp");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The value type the rules apply to, with nullable unions unwrapped. */
  enum Kind {
    STRING,
    ENUM,
    INT,
    LONG,
    FLOAT,
    DOUBLE,
    BOOLEAN,
    BYTES,
    OTHER
  }

  enum CaseFold {
    NONE,
    UPPER,
    LOWER
  }

  /**
   * Whether the field needs checking at all. Every string field does: its bytes must be well-formed
   * UTF-8 (rule {@code <field>.utf8}), declared or not.
   */
  boolean hasAnything() {
    return kind == Kind.STRING
        || required
        || min != null
        || max != null
        || finite
        || allowed != null
        || minLength != null
        || maxLength != null
        || trim
        || caseFold != CaseFold.NONE
        || clamp;
  }

  static FieldRules parse(Schema.Field field) {
    String name = field.name();
    Kind kind = kindOf(field.schema());
    JsonNode rules = property(field, "rules");
    JsonNode sanitize = property(field, "sanitize");
    checkNames(name, "rules", rules, RULE_NAMES);
    checkNames(name, "sanitize", sanitize, SANITIZE_NAMES);

    boolean numeric =
        kind == Kind.INT || kind == Kind.LONG || kind == Kind.FLOAT || kind == Kind.DOUBLE;
    boolean textual = kind == Kind.STRING || kind == Kind.ENUM;
    Double min = number(name, rules, "min", numeric);
    Double max = number(name, rules, "max", numeric);
    if (min != null && max != null && min > max) {
      throw invalid(name, "min " + min + " is greater than max " + max);
    }
    boolean finite = flag(name, rules, "finite", kind == Kind.FLOAT || kind == Kind.DOUBLE);
    Set<String> allowed = null;
    if (rules.has("allowed")) {
      require(name, "allowed", textual);
      if (!rules.get("allowed").isArray() || rules.get("allowed").isEmpty()) {
        throw invalid(name, "rules.allowed must be a non-empty array of strings");
      }
      allowed = new LinkedHashSet<>();
      for (JsonNode value : rules.get("allowed")) {
        allowed.add(value.asText());
      }
    }
    Integer minLength = length(name, rules, "minLength", kind == Kind.STRING || kind == Kind.BYTES);
    Integer maxLength = length(name, rules, "maxLength", kind == Kind.STRING || kind == Kind.BYTES);
    boolean trim = flag(name, sanitize, "trim", kind == Kind.STRING);
    CaseFold caseFold = CaseFold.NONE;
    if (sanitize.has("case")) {
      require(name, "case", kind == Kind.STRING);
      String value = sanitize.get("case").asText().toUpperCase(Locale.ROOT);
      if (!value.equals("UPPER") && !value.equals("LOWER")) {
        throw invalid(
            name, "sanitize.case must be \"upper\" or \"lower\", got " + sanitize.get("case"));
      }
      caseFold = CaseFold.valueOf(value);
    }
    boolean clamp = flag(name, sanitize, "clamp", numeric);
    if (clamp && min == null && max == null) {
      throw invalid(name, "sanitize.clamp needs rules.min or rules.max");
    }
    boolean required = flag(name, rules, "required", true);
    return new FieldRules(
        name,
        field.pos(),
        kind,
        required,
        min,
        max,
        finite,
        allowed,
        minLength,
        maxLength,
        trim,
        caseFold,
        clamp);
  }

  static Kind kindOf(Schema schema) {
    Schema type = AvroTypes.nonNull(schema);
    return switch (type.getType()) {
      case STRING -> Kind.STRING;
      case ENUM -> Kind.ENUM;
      case INT -> Kind.INT;
      case LONG -> Kind.LONG;
      case FLOAT -> Kind.FLOAT;
      case DOUBLE -> Kind.DOUBLE;
      case BOOLEAN -> Kind.BOOLEAN;
      case BYTES, FIXED -> Kind.BYTES;
      default -> Kind.OTHER;
    };
  }

  private static JsonNode property(Schema.Field field, String name) {
    Object value = field.getObjectProp(name);
    if (value == null) {
      return JSON.createObjectNode();
    }
    JsonNode node = JSON.valueToTree(value);
    if (!node.isObject()) {
      throw invalid(field.name(), "'" + name + "' must be a JSON object, got " + node);
    }
    return node;
  }

  private static void checkNames(String field, String property, JsonNode node, Set<String> known) {
    Set<String> unknown = new HashSet<>();
    node.fieldNames()
        .forEachRemaining(
            name -> {
              if (!known.contains(name)) {
                unknown.add(name);
              }
            });
    if (!unknown.isEmpty()) {
      throw invalid(field, "unknown " + property + " " + unknown + "; known: " + known);
    }
  }

  private static Double number(String field, JsonNode rules, String rule, boolean fits) {
    if (!rules.has(rule)) {
      return null;
    }
    require(field, rule, fits);
    if (!rules.get(rule).isNumber()) {
      throw invalid(field, "rules." + rule + " must be a number, got " + rules.get(rule));
    }
    return rules.get(rule).asDouble();
  }

  private static Integer length(String field, JsonNode rules, String rule, boolean fits) {
    if (!rules.has(rule)) {
      return null;
    }
    require(field, rule, fits);
    if (!rules.get(rule).canConvertToInt() || rules.get(rule).asInt() < 0) {
      throw invalid(
          field, "rules." + rule + " must be a non-negative integer, got " + rules.get(rule));
    }
    return rules.get(rule).asInt();
  }

  private static boolean flag(String field, JsonNode node, String name, boolean fits) {
    if (!node.has(name)) {
      return false;
    }
    if (!node.get(name).isBoolean()) {
      throw invalid(field, name + " must be true or false, got " + node.get(name));
    }
    boolean value = node.get(name).asBoolean();
    if (value) {
      require(field, name, fits);
    }
    return value;
  }

  private static void require(String field, String rule, boolean fits) {
    if (!fits) {
      throw invalid(field, "'" + rule + "' does not apply to this field's type");
    }
  }

  static IllegalArgumentException invalid(String field, String problem) {
    return new IllegalArgumentException("reader schema field '" + field + "': " + problem);
  }
}

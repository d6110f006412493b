package dev.scorestream.features;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Plain JSON events (as REST clients and {@code scorer score} send them: {@code {"amount": 12.5,
 * ...}}, not Avro's union-tagged JSON) to records of the reader schema, and records back to JSON.
 */
public final class JsonEvents {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Schema schema;

  public JsonEvents(Schema schema) {
    this.schema = schema;
  }

  /** A JSON value that cannot become a record of the reader schema. */
  public static final class MalformedEventException extends Exception {
    public MalformedEventException(String message) {
      super(message);
    }
  }

  /**
   * Parses one JSON object. Missing fields become their default (or null); types must fit.
   *
   * @throws MalformedEventException not JSON, not an object, or a value of the wrong type (names
   *     the field)
   */
  public GenericRecord parse(String json) throws MalformedEventException {
    JsonNode node;
    try {
      node = JSON.readTree(json);
    } catch (Exception e) {
      throw new MalformedEventException("not valid JSON: " + firstLine(e.getMessage()));
    }
    if (node == null || !node.isObject()) {
      throw new MalformedEventException(
          "expected a JSON object with the fields of " + schema.getFullName());
    }
    GenericRecord record = new GenericData.Record(schema);
    List<String> problems = new ArrayList<>();
    for (Schema.Field field : schema.getFields()) {
      JsonNode value = node.get(field.name());
      if (value == null || value.isNull()) {
        record.put(
            field.pos(), field.hasDefaultValue() ? GenericData.get().getDefaultValue(field) : null);
        continue;
      }
      Object converted = convert(field.schema(), value);
      if (converted == null) {
        problems.add(
            field.name()
                + " ("
                + describe(field.schema())
                + ", got "
                + value.getNodeType().name().toLowerCase(Locale.ROOT)
                + ")");
      } else {
        record.put(field.pos(), converted);
      }
    }
    if (!problems.isEmpty()) {
      throw new MalformedEventException("wrong type for " + String.join(", ", problems));
    }
    return record;
  }

  /** Null when {@code value} does not fit {@code type}. */
  private static Object convert(Schema type, JsonNode value) {
    return switch (type.getType()) {
      case UNION -> {
        for (Schema branch : type.getTypes()) {
          if (branch.getType() != Schema.Type.NULL) {
            Object converted = convert(branch, value);
            if (converted != null) {
              yield converted;
            }
          }
        }
        yield null;
      }
      case STRING -> value.isTextual() ? value.asText() : null;
      case ENUM ->
          value.isTextual() && type.hasEnumSymbol(value.asText())
              ? new GenericData.EnumSymbol(type, value.asText())
              : null;
      case BOOLEAN -> value.isBoolean() ? value.asBoolean() : null;
      case INT -> value.isIntegralNumber() && value.canConvertToInt() ? value.asInt() : null;
      case LONG -> value.isIntegralNumber() && value.canConvertToLong() ? value.asLong() : null;
      case FLOAT -> {
        Double number = value.isNumber() ? Double.valueOf(value.asDouble()) : nonFinite(value);
        yield number == null ? null : Float.valueOf(number.floatValue());
      }
      case DOUBLE -> value.isNumber() ? Double.valueOf(value.asDouble()) : nonFinite(value);
      case BYTES ->
          value.isTextual() ? ByteBuffer.wrap(Base64.getDecoder().decode(value.asText())) : null;
      default -> null;
    };
  }

  /**
   * JSON has no NaN or infinity; accept them as strings so rules can reject them with a precise
   * reason.
   */
  private static Double nonFinite(JsonNode value) {
    if (!value.isTextual()) {
      return null;
    }
    return switch (value.asText()) {
      case "NaN" -> Double.NaN;
      case "Infinity" -> Double.POSITIVE_INFINITY;
      case "-Infinity" -> Double.NEGATIVE_INFINITY;
      default -> null;
    };
  }

  private static String describe(Schema type) {
    if (type.getType() == Schema.Type.UNION) {
      return type.getTypes().stream()
          .filter(s -> s.getType() != Schema.Type.NULL)
          .map(JsonEvents::describe)
          .reduce((a, b) -> a + "|" + b)
          .orElse("null");
    }
    return type.getType() == Schema.Type.ENUM
        ? "one of " + type.getEnumSymbols()
        : type.getType().getName();
  }

  /**
   * A record as a plain JSON object (maps as objects, bytes as base64, nested records recursively).
   */
  public static ObjectNode toJson(GenericRecord record) {
    ObjectNode node = JSON.createObjectNode();
    for (Schema.Field field : record.getSchema().getFields()) {
      node.set(field.name(), JSON.valueToTree(plain(record.get(field.pos()))));
    }
    return node;
  }

  private static Object plain(Object value) {
    if (value instanceof GenericRecord nested) {
      return toJson(nested);
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new TreeMap<>();
      map.forEach((k, v) -> out.put(k.toString(), plain(v)));
      return out;
    }
    if (value instanceof ByteBuffer buffer) {
      byte[] bytes = new byte[buffer.remaining()];
      buffer.duplicate().get(bytes);
      return Base64.getEncoder().encodeToString(bytes);
    }
    if (value instanceof CharSequence || value instanceof GenericData.EnumSymbol) {
      return value.toString();
    }
    if (value instanceof Double d && !Double.isFinite(d)) {
      return d.toString();
    }
    return value;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}

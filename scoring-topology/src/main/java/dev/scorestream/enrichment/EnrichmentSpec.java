package dev.scorestream.enrichment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scorestream.schemas.AvroTypes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;

/**
 * Context an event is scored with, declared rather than coded: reference tables that join onto each
 * event by one of its fields. A JSON file ({@code enrichment.spec.path}):
 *
 * <pre>{@code
 * {"references": [
 *   {"table": "customers", "topic": "customers", "key": "customer_id", "required": false,
 *    "fields": [
 *      {"name": "segment", "type": "string", "default": "unknown"},
 *      {"name": "chargebacks_90d", "type": "int", "default": 0}]}
 * ]}
 * }</pre>
 *
 * Each reference contributes its fields to the <em>enriched schema</em> (the reader schema plus
 * {@code <table>_<field>} for every field and a boolean {@code <table>_missing}), which everything
 * after the lookup sees: features, feature specs of imported models, drift, training examples. The
 * contributed fields default to their declared defaults and the flags to true, so records written
 * before a table was added read as if its row had been missing. A reference row is the Avro record
 * its topic holds (wire format, through the registry), keyed by the UTF-8 text of the join field's
 * value; its fields are read by name onto the declared types. Immutable, thread-safe.
 */
public final class EnrichmentSpec {

  /** Field types a reference may contribute. */
  public enum FieldType {
    STRING(Schema.Type.STRING),
    INT(Schema.Type.INT),
    LONG(Schema.Type.LONG),
    DOUBLE(Schema.Type.DOUBLE),
    BOOLEAN(Schema.Type.BOOLEAN);

    final Schema.Type avro;

    FieldType(Schema.Type avro) {
      this.avro = avro;
    }
  }

  /**
   * One contributed field.
   *
   * @param defaultValue what the enriched field holds when the reference row is missing, or has no
   *     value for it (the Java value of its type)
   */
  public record Field(String name, FieldType type, Object defaultValue) {

    /** Its name in the enriched schema. */
    public String enrichedName(String table) {
      return table + "_" + name;
    }
  }

  /**
   * One reference table.
   *
   * @param required a missing row makes the event a {@code REFERENCE_MISSING} dead letter instead
   *     of falling back to the defaults
   */
  public record Reference(
      String table, String topic, String key, boolean required, List<Field> fields) {

    /** The name of the Kafka Streams store that holds the table. */
    public String store() {
      return "reference-" + table;
    }

    /** The enriched schema's boolean field that says the row was missing. */
    public String missingField() {
      return table + "_missing";
    }

    /** The schema a reference row is read onto: every field optional. */
    public Schema rowSchema() {
      List<Schema.Field> fields = new ArrayList<>();
      for (Field field : this.fields) {
        fields.add(
            new Schema.Field(
                field.name(),
                Schema.createUnion(
                    Schema.create(Schema.Type.NULL), Schema.create(field.type().avro)),
                null,
                JsonProperties.NULL_VALUE));
      }
      return Schema.createRecord(
          "Reference_" + table,
          "A row of reference table " + table,
          "dev.scorestream.reference",
          false,
          fields);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");

  private final List<Reference> references;
  private final Schema enriched;

  private EnrichmentSpec(List<Reference> references, Schema enriched) {
    this.references = List.copyOf(references);
    this.enriched = enriched;
  }

  /** No references: the enriched schema is the reader schema. */
  public static EnrichmentSpec none(Schema reader) {
    return new EnrichmentSpec(List.of(), reader);
  }

  public List<Reference> references() {
    return references;
  }

  public boolean isEmpty() {
    return references.isEmpty();
  }

  /**
   * The reader schema plus every contributed field, in declaration order, then each table's flag.
   */
  public Schema enrichedSchema() {
    return enriched;
  }

  /**
   * Reads a spec file against the reader schema.
   *
   * @throws IllegalArgumentException naming the file, the reference and what is wrong
   */
  public static EnrichmentSpec read(Path file, Schema reader) throws IOException {
    try {
      return parse(JSON.readTree(Files.readString(file)), reader);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(file + " is not JSON: " + e.getOriginalMessage(), e);
    }
  }

  public static EnrichmentSpec parse(JsonNode json, Schema reader) {
    JsonNode list = json.get("references");
    if (list == null || !list.isArray() || list.isEmpty()) {
      throw new IllegalArgumentException("expected {\"references\": [ ... ]} with at least one");
    }
    List<Reference> references = new ArrayList<>();
    Set<String> tables = new HashSet<>();
    Set<String> names = new LinkedHashSet<>();
    reader.getFields().forEach(f -> names.add(f.name()));
    for (JsonNode node : list) {
      String table = text(node, "table", "a reference");
      check(NAME.matcher(table).matches(), "table name '" + table + "' must match " + NAME);
      check(tables.add(table), "table '" + table + "' is declared twice");
      String where = "reference '" + table + "'";
      String topic = node.has("topic") ? text(node, "topic", where) : table;
      String key = text(node, "key", where);
      Schema.Field keyField = reader.getField(key);
      check(keyField != null, where + ": key '" + key + "' is not a field of " + reader.getName());
      Schema.Type keyType = AvroTypes.nonNull(keyField.schema()).getType();
      check(
          Set.of(Schema.Type.STRING, Schema.Type.ENUM, Schema.Type.INT, Schema.Type.LONG)
              .contains(keyType),
          where + ": key '" + key + "' is a " + keyType + "; a key is a string, enum, int or long");
      boolean required = node.path("required").asBoolean(false);
      JsonNode fieldNodes = node.get("fields");
      check(
          fieldNodes != null && fieldNodes.isArray() && !fieldNodes.isEmpty(),
          where + ": expected \"fields\": [ ... ] with at least one");
      List<Field> fields = new ArrayList<>();
      for (JsonNode f : fieldNodes) {
        String name = text(f, "name", where + " field");
        check(
            NAME.matcher(name).matches(), where + ": field name '" + name + "' must match " + NAME);
        String typeName = text(f, "type", where + " field '" + name + "'");
        FieldType type;
        try {
          type = FieldType.valueOf(typeName.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              where
                  + ": field '"
                  + name
                  + "' has type '"
                  + typeName
                  + "'; one of string, int,"
                  + " long, double, boolean");
        }
        JsonNode defaultNode = f.get("default");
        check(defaultNode != null, where + ": field '" + name + "' needs a \"default\"");
        Field field = new Field(name, type, defaultValue(where, name, type, defaultNode));
        check(
            names.add(field.enrichedName(table)),
            where + ": '" + field.enrichedName(table) + "' is already a field");
        fields.add(field);
      }
      Reference reference = new Reference(table, topic, key, required, fields);
      check(
          names.add(reference.missingField()),
          where + ": '" + reference.missingField() + "' is already a field");
      references.add(reference);
    }
    return new EnrichmentSpec(references, enrich(reader, references));
  }

  private static Schema enrich(Schema reader, List<Reference> references) {
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field field : reader.getFields()) {
      Schema.Field copy = new Schema.Field(field, field.schema());
      fields.add(copy);
    }
    for (Reference reference : references) {
      for (Field field : reference.fields()) {
        Schema.Field enriched =
            new Schema.Field(
                field.enrichedName(reference.table()),
                Schema.create(field.type().avro),
                "From reference table "
                    + reference.table()
                    + " (topic "
                    + reference.topic()
                    + ") by "
                    + reference.key()
                    + "; "
                    + field.defaultValue()
                    + " when missing.",
                field.defaultValue());
        fields.add(enriched);
      }
      fields.add(
          new Schema.Field(
              reference.missingField(),
              Schema.create(Schema.Type.BOOLEAN),
              "True when reference table " + reference.table() + " had no row for this event.",
              true));
    }
    Schema enriched =
        Schema.createRecord(
            reader.getName(), reader.getDoc(), reader.getNamespace(), false, fields);
    reader.getObjectProps().forEach(enriched::addProp);
    return enriched;
  }

  private static Object defaultValue(String where, String name, FieldType type, JsonNode node) {
    String problem = where + ": field '" + name + "' has default " + node + ", not a " + type;
    return switch (type) {
      case STRING -> {
        check(node.isTextual(), problem);
        yield node.asText();
      }
      case INT -> {
        check(node.isInt(), problem);
        yield node.asInt();
      }
      case LONG -> {
        check(node.isIntegralNumber(), problem);
        yield node.asLong();
      }
      case DOUBLE -> {
        check(node.isNumber(), problem);
        yield node.asDouble();
      }
      case BOOLEAN -> {
        check(node.isBoolean(), problem);
        yield node.asBoolean();
      }
    };
  }

  private static String text(JsonNode node, String key, String where) {
    JsonNode value = node.get(key);
    check(
        value != null && value.isTextual() && !value.asText().isBlank(),
        where + " needs \"" + key + "\" (text)");
    return value.asText();
  }

  private static void check(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}

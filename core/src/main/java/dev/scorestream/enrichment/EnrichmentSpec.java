package dev.scorestream.enrichment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scorestream.schemas.AvroTypes;
import dev.scorestream.settings.Durations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;

/**
 * Context an event is scored with, declared rather than coded: reference tables that join onto each
 * event by one of its fields, and windowed features of the entity it belongs to. A JSON file
 * ({@code enrichment.spec.path}):
 *
 * <pre>{@code
 * {"references": [
 *   {"table": "customers", "topic": "customers", "key": "customer_id", "required": false,
 *    "fields": [
 *      {"name": "segment", "type": "string", "default": "unknown"},
 *      {"name": "chargebacks_90d", "type": "int", "default": 0}]}
 *  ],
 *  "entity": {"name": "customer", "key": "customer_id", "windows": ["1m", "1h", "24h"],
 *    "grace": "1m", "features": ["count", "sum(amount)", "max(amount)",
 *    "distinct(merchant_category)", "since_previous"]}}
 * }</pre>
 *
 * Each reference contributes its fields to the <em>enriched schema</em> (the reader schema plus
 * {@code <table>_<field>} for every field and a boolean {@code <table>_missing}), which everything
 * after the lookup sees: features, feature specs of imported models, drift, training examples. The
 * contributed fields default to their declared defaults and the flags to true, so records written
 * before a table was added read as if its row had been missing. The entity's features follow
 * ({@link Entity}). A reference row is the Avro record its topic holds (wire format, through the
 * registry), keyed by the UTF-8 text of the join field's value; its fields are read by name onto
 * the declared types. Immutable, thread-safe.
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

  /** What an entity feature computes over a window. */
  public enum Kind {
    COUNT,
    SUM,
    MEAN,
    MAX,
    DISTINCT,
    /**
     * Seconds since the entity's latest earlier event within the longest window (-1 when none); not
     * windowed.
     */
    SINCE_PREVIOUS;

    boolean numeric() {
      return this == SUM || this == MEAN || this == MAX;
    }

    boolean needsField() {
      return numeric() || this == DISTINCT;
    }
  }

  /** One window, named as declared ({@code 1m}, {@code 24h}). */
  public record Window(String label, Duration length) {}

  /** One declared entity feature: {@code count}, {@code sum(amount)}, {@code since_previous}. */
  public record Aggregate(Kind kind, String field) {

    /** Its enriched field name for {@code window} (ignored for {@code since_previous}). */
    public String enrichedName(String entity, Window window) {
      String kind = kind().name().toLowerCase(Locale.ROOT);
      if (this.kind == Kind.SINCE_PREVIOUS) {
        return entity + "_" + kind + "_s";
      }
      return entity + "_" + kind + (field == null ? "" : "_" + field) + "_" + window.label();
    }

    /** The value when no earlier event counts. */
    public double empty() {
      return kind == Kind.SINCE_PREVIOUS ? -1.0 : 0.0;
    }
  }

  /**
   * Windowed features of the entity an event belongs to (a card, a customer), computed from the
   * entity's earlier events before the event is scored.
   *
   * @param name prefix of the enriched fields and of the store {@code entity-<name>}
   * @param key the event's field that names the entity
   * @param keyedInput the events topic is already keyed by {@code key} (its text, UTF-8, with
   *     Kafka's default partitioner), so no repartition is needed
   * @param windows ascending by length
   * @param grace how late (behind the entity's latest event) an event may arrive and still see
   *     exact features
   * @param maxEvents most events one entity's history keeps; the oldest go first
   */
  public record Entity(
      String name,
      String key,
      boolean keyedInput,
      List<Window> windows,
      Duration grace,
      int maxEvents,
      List<Aggregate> aggregates) {

    /** The name of the Kafka Streams store that holds the histories. */
    public String store() {
      return "entity-" + name;
    }

    /** The longest window. */
    public Duration longest() {
      return windows.get(windows.size() - 1).length();
    }

    /** How far behind its entity's latest event an event is still kept: longest window + grace. */
    public Duration horizon() {
      return longest().plus(grace);
    }

    /** The numeric fields the features read, each once, in declaration order. */
    public List<String> numericFields() {
      return aggregates.stream()
          .filter(a -> a.kind().numeric())
          .map(Aggregate::field)
          .distinct()
          .toList();
    }

    /** The categorical fields {@code distinct} reads, each once, in declaration order. */
    public List<String> categoricalFields() {
      return aggregates.stream()
          .filter(a -> a.kind() == Kind.DISTINCT)
          .map(Aggregate::field)
          .distinct()
          .toList();
    }

    /** The enriched field names, in schema order: each feature, window by window. */
    public List<String> fieldNames() {
      List<String> names = new ArrayList<>();
      for (Aggregate aggregate : aggregates) {
        if (aggregate.kind() == Kind.SINCE_PREVIOUS) {
          names.add(aggregate.enrichedName(name, null));
        } else {
          windows.forEach(w -> names.add(aggregate.enrichedName(name, w)));
        }
      }
      return names;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");
  private static final Pattern WINDOW = Pattern.compile("\\d{1,9}(ms|s|m|h|d)");
  private static final Pattern FEATURE =
      Pattern.compile(
          "(count|since_previous)|(sum|mean|max|distinct)\\(\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*\\)");

  private final List<Reference> references;
  private final Entity entity;
  private final Schema enriched;

  private EnrichmentSpec(List<Reference> references, Entity entity, Schema enriched) {
    this.references = List.copyOf(references);
    this.entity = entity;
    this.enriched = enriched;
  }

  /** No context: the enriched schema is the reader schema. */
  public static EnrichmentSpec none(Schema reader) {
    return new EnrichmentSpec(List.of(), null, reader);
  }

  public List<Reference> references() {
    return references;
  }

  /** The entity features, if declared. */
  public Optional<Entity> entity() {
    return Optional.ofNullable(entity);
  }

  public boolean isEmpty() {
    return references.isEmpty() && entity == null;
  }

  /**
   * The reader schema plus every contributed field, in declaration order, then each table's flag,
   * then the entity's features.
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
    JsonNode entityNode = json.get("entity");
    if (entityNode == null && (list == null || !list.isArray() || list.isEmpty())) {
      throw new IllegalArgumentException(
          "expected {\"references\": [ ... ]} with at least one, or {\"entity\": { ... }}");
    }
    check(
        list == null || list.isArray(),
        "\"references\" must be a list, not " + (list == null ? "" : list.getNodeType()));
    if (list == null) {
      list = JSON.createArrayNode();
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
      String key = key(node, reader, where);
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
    Entity entity = entityNode == null ? null : entity(entityNode, reader, names);
    return new EnrichmentSpec(references, entity, enrich(reader, references, entity));
  }

  private static Entity entity(JsonNode node, Schema reader, Set<String> names) {
    check(node.isObject(), "\"entity\" must be an object");
    String name = text(node, "name", "the entity");
    check(NAME.matcher(name).matches(), "entity name '" + name + "' must match " + NAME);
    String where = "entity '" + name + "'";
    String key = key(node, reader, where);
    JsonNode keyed = node.get("keyed_input");
    check(keyed == null || keyed.isBoolean(), where + ": \"keyed_input\" is true or false");
    List<Window> windows = windows(node.get("windows"), where);
    Duration grace = Duration.ofMinutes(1);
    if (node.has("grace")) {
      try {
        grace = Durations.parse(node.get("grace").asText(""));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + ": grace: " + e.getMessage(), e);
      }
    }
    int maxEvents = 1000;
    if (node.has("max_events")) {
      JsonNode max = node.get("max_events");
      check(
          max.isInt() && max.asInt() >= 1,
          where + ": \"max_events\" is a whole number of at least 1, not " + max);
      maxEvents = max.asInt();
    }
    List<Aggregate> aggregates = aggregates(node.get("features"), reader, where);
    Entity entity =
        new Entity(
            name,
            key,
            keyed != null && keyed.asBoolean(),
            List.copyOf(windows),
            grace,
            maxEvents,
            List.copyOf(aggregates));
    for (String field : entity.fieldNames()) {
      check(names.add(field), where + ": '" + field + "' is already a field");
    }
    return entity;
  }

  /** The entity's windows, shortest first. */
  private static List<Window> windows(JsonNode windowNodes, String where) {
    check(
        windowNodes != null && windowNodes.isArray() && !windowNodes.isEmpty(),
        where + ": expected \"windows\": [\"1m\", \"1h\", ...] with at least one");
    List<Window> windows = new ArrayList<>();
    for (JsonNode w : windowNodes) {
      String label = w.asText("");
      check(
          w.isTextual() && WINDOW.matcher(label).matches(),
          where + ": window " + w + " is not a duration such as 30s, 1m, 1h or 7d");
      Duration length = Durations.parse(label);
      check(!length.isZero(), where + ": window " + label + " is empty");
      check(
          windows.stream().noneMatch(x -> x.length().equals(length)),
          where + ": window " + label + " is declared twice");
      windows.add(new Window(label, length));
    }
    windows.sort(Comparator.comparing(Window::length));
    return windows;
  }

  /** The entity's features, each over a field of the reader of a type it can aggregate. */
  private static List<Aggregate> aggregates(JsonNode featureNodes, Schema reader, String where) {
    check(
        featureNodes != null && featureNodes.isArray() && !featureNodes.isEmpty(),
        where + ": expected \"features\": [\"count\", \"sum(amount)\", ...] with at least one");
    List<Aggregate> aggregates = new ArrayList<>();
    for (JsonNode f : featureNodes) {
      Matcher matcher = FEATURE.matcher(f.asText(""));
      check(
          f.isTextual() && matcher.matches(),
          where
              + ": feature "
              + f
              + " is not one of count, sum(field), mean(field), max(field), distinct(field),"
              + " since_previous");
      Aggregate aggregate =
          matcher.group(1) != null
              ? new Aggregate(Kind.valueOf(matcher.group(1).toUpperCase(Locale.ROOT)), null)
              : fieldAggregate(
                  Kind.valueOf(matcher.group(2).toUpperCase(Locale.ROOT)),
                  matcher.group(3),
                  reader,
                  where + ": " + f.asText());
      check(!aggregates.contains(aggregate), where + ": feature " + f + " is declared twice");
      aggregates.add(aggregate);
    }
    return aggregates;
  }

  private static Aggregate fieldAggregate(Kind kind, String field, Schema reader, String where) {
    Schema.Field read = reader.getField(field);
    check(read != null, where + ": '" + field + "' is not a field of " + reader.getName());
    Schema.Type type = AvroTypes.nonNull(read.schema()).getType();
    if (kind.numeric()) {
      check(
          Set.of(Schema.Type.INT, Schema.Type.LONG, Schema.Type.FLOAT, Schema.Type.DOUBLE)
              .contains(type),
          where + ": '" + field + "' is a " + type + ", not a number");
    } else {
      check(
          Set.of(
                  Schema.Type.STRING,
                  Schema.Type.ENUM,
                  Schema.Type.INT,
                  Schema.Type.LONG,
                  Schema.Type.BOOLEAN)
              .contains(type),
          where
              + ": '"
              + field
              + "' is a "
              + type
              + "; distinct counts a string, enum, int, long or boolean");
    }
    return new Aggregate(kind, field);
  }

  private static Schema enrich(Schema reader, List<Reference> references, Entity entity) {
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
    if (entity != null) {
      for (Aggregate aggregate : entity.aggregates()) {
        List<Window> windows =
            aggregate.kind() == Kind.SINCE_PREVIOUS
                ? Collections.singletonList(null)
                : entity.windows();
        for (Window window : windows) {
          fields.add(
              new Schema.Field(
                  aggregate.enrichedName(entity.name(), window),
                  Schema.create(Schema.Type.DOUBLE),
                  describe(entity, aggregate, window),
                  aggregate.empty()));
        }
      }
    }
    Schema enriched =
        Schema.createRecord(
            reader.getName(), reader.getDoc(), reader.getNamespace(), false, fields);
    reader.getObjectProps().forEach(enriched::addProp);
    return enriched;
  }

  private static String describe(Entity entity, Aggregate aggregate, Window window) {
    String of = "the earlier events of the same " + entity.key();
    return switch (aggregate.kind()) {
      case COUNT -> "How many of " + of + " fall in the last " + window.label() + ".";
      case SUM, MEAN, MAX ->
          aggregate.kind().name().toLowerCase(Locale.ROOT)
              + " of "
              + aggregate.field()
              + " over "
              + of
              + " in the last "
              + window.label()
              + "; 0 when none.";
      case DISTINCT ->
          "Distinct values of "
              + aggregate.field()
              + " among "
              + of
              + " in the last "
              + window.label()
              + ".";
      case SINCE_PREVIOUS ->
          "Seconds since the latest of "
              + of
              + "; -1 when there is none within "
              + entity.windows().get(entity.windows().size() - 1).label()
              + ".";
    };
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

  /** The {@code "key"} of a reference or the entity: a string, enum, int or long reader field. */
  private static String key(JsonNode node, Schema reader, String where) {
    String key = text(node, "key", where);
    Schema.Field keyField = reader.getField(key);
    check(keyField != null, where + ": key '" + key + "' is not a field of " + reader.getName());
    Schema.Type keyType = AvroTypes.nonNull(keyField.schema()).getType();
    check(
        Set.of(Schema.Type.STRING, Schema.Type.ENUM, Schema.Type.INT, Schema.Type.LONG)
            .contains(keyType),
        where + ": key '" + key + "' is a " + keyType + "; a key is a string, enum, int or long");
    return key;
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

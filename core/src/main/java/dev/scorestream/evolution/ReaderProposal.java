package dev.scorestream.evolution;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;

/**
 * The next reader schema to adopt after a producer's schema change: it reads the new writer's
 * events and still the old ones, and keeps every field the serving model reads, so the model loads
 * against it unchanged. For a person to review, never applied on its own.
 *
 * <ul>
 *   <li>every reader field stays, under its name; a field the writer renamed (a writer-side alias
 *       naming it) gets the writer's name as an alias, since Avro only reads reader aliases;
 *   <li>a field the writer dropped keeps its default, or gets one (null, the type made nullable)
 *       when it had none, so the new writer's events decode;
 *   <li>a field the writer made nullable becomes nullable, keeping its default;
 *   <li>enum symbols the writer added join the reader's enum of the same name;
 *   <li>a field only the writer has is added as optional (null default) and {@code "feature":
 *       false}: the serving model does not know it, a retrained model may;
 *   <li>a type the writer changed incompatibly is left alone and noted: no reader fixes it.
 * </ul>
 *
 * @param reader the proposed reader schema
 * @param notes one line per change made (or refused), for the reviewer
 */
public record ReaderProposal(Schema reader, List<String> notes) {

  public ReaderProposal {
    notes = List.copyOf(notes);
  }

  /** Proposes the reader after {@code reader} that also reads {@code writer}. */
  public static ReaderProposal of(Schema reader, Schema writer) {
    if (reader.getType() != Schema.Type.RECORD || writer.getType() != Schema.Type.RECORD) {
      throw new IllegalArgumentException(
          "a reader proposal needs record schemas, not "
              + reader.getType()
              + " and "
              + writer.getType());
    }
    return new Builder(reader, writer).build();
  }

  /** One proposal being made. */
  private static final class Builder {
    private final Schema reader;
    private final Schema writer;
    private final List<String> notes = new ArrayList<>();
    private final Map<String, Schema> enums = new HashMap<>();
    private final Map<String, Schema> rebuilt = new HashMap<>();

    Builder(Schema reader, Schema writer) {
      this.reader = reader;
      this.writer = writer;
      Map<String, Schema> written = new LinkedHashMap<>();
      NamedTypes.collect(writer, written);
      Map<String, Schema> read = new LinkedHashMap<>();
      NamedTypes.collect(reader, read);
      read.forEach(
          (name, type) -> {
            Schema other = written.get(name);
            if (type.getType() == Schema.Type.ENUM
                && other != null
                && other.getType() == Schema.Type.ENUM) {
              enums.put(name, mergedEnum(type, other));
            }
          });
    }

    ReaderProposal build() {
      List<Schema.Field> fields = new ArrayList<>();
      List<String> matched = new ArrayList<>();
      for (Schema.Field field : reader.getFields()) {
        Schema.Field written = match(field);
        if (written != null) {
          matched.add(written.name());
        }
        fields.add(kept(field, written));
      }
      for (Schema.Field field : writer.getFields()) {
        if (!matched.contains(field.name())) {
          fields.add(added(field));
        }
      }
      Schema proposed =
          Schema.createRecord(
              reader.getName(), reader.getDoc(), reader.getNamespace(), reader.isError(), fields);
      reader.getAliases().forEach(proposed::addAlias);
      reader.getObjectProps().forEach(proposed::addProp);
      return new ReaderProposal(proposed, notes);
    }

    /** The writer's field this reader field reads: same name, reader alias, writer alias. */
    private Schema.Field match(Schema.Field field) {
      if (writer.getField(field.name()) != null) {
        return writer.getField(field.name());
      }
      for (String alias : field.aliases()) {
        if (writer.getField(alias) != null) {
          return writer.getField(alias);
        }
      }
      for (Schema.Field candidate : writer.getFields()) {
        if (candidate.aliases().contains(field.name())) {
          return candidate;
        }
      }
      return null;
    }

    private Schema.Field kept(Schema.Field field, Schema.Field written) {
      Schema type = rebuild(field.schema());
      Object defaultValue = field.hasDefaultValue() ? field.defaultVal() : null;
      if (written == null && !field.hasDefaultValue()) {
        type = nullableFirst(type);
        defaultValue = JsonProperties.NULL_VALUE;
        notes.add(
            field.name()
                + ": the writer dropped it and it had no default; now nullable with default null"
                + " (a rule requiring it rejects those events)");
      } else if (written == null) {
        notes.add(field.name() + ": the writer dropped it; every new event carries its default");
      } else if (TypeNames.allowsNull(written.schema()) && !TypeNames.allowsNull(type)) {
        type = nullableLast(type);
        notes.add(field.name() + ": the writer made it nullable; so is the reader now");
      }
      if (written != null
          && Rejections.of(TypeNames.nonNull(written.schema()), TypeNames.nonNull(type)).scope()
              == Rejection.Scope.EVERY_VALUE) {
        notes.add(
            field.name()
                + ": the writer's type "
                + TypeNames.of(written.schema())
                + " cannot be read as "
                + TypeNames.of(type)
                + "; left as it is, its events stay INCOMPATIBLE_SCHEMA dead letters");
      }
      Schema.Field copy =
          new Schema.Field(field.name(), type, field.doc(), defaultValue, field.order());
      field.aliases().forEach(copy::addAlias);
      if (written != null && !written.name().equals(field.name())) {
        if (!field.aliases().contains(written.name())) {
          copy.addAlias(written.name());
          notes.add(field.name() + ": the writer calls it " + written.name() + "; alias added");
        }
      }
      field.getObjectProps().forEach(copy::addProp);
      return copy;
    }

    private Schema.Field added(Schema.Field field) {
      Schema type = nullableFirst(rebuild(field.schema()));
      Schema.Field copy =
          new Schema.Field(field.name(), type, field.doc(), JsonProperties.NULL_VALUE);
      copy.addProp("feature", false);
      notes.add(
          field.name()
              + ": new in the writer; added as optional and \"feature\": false (the serving model"
              + " does not know it)");
      return copy;
    }

    /**
     * {@code type} with every enum the writer extended replaced by the merged one (records holding
     * one are rebuilt too), so each name stays defined once.
     */
    private Schema rebuild(Schema type) {
      return switch (type.getType()) {
        case ENUM -> enums.getOrDefault(type.getFullName(), type);
        case ARRAY -> Schema.createArray(rebuild(type.getElementType()));
        case MAP -> Schema.createMap(rebuild(type.getValueType()));
        case UNION -> Schema.createUnion(type.getTypes().stream().map(this::rebuild).toList());
        case RECORD -> rebuildRecord(type);
        default -> type;
      };
    }

    private Schema rebuildRecord(Schema record) {
      if (!NamedTypes.contains(record, enums.keySet())) {
        return record;
      }
      Schema done = rebuilt.get(record.getFullName());
      if (done != null) {
        return done;
      }
      Schema copy =
          Schema.createRecord(
              record.getName(), record.getDoc(), record.getNamespace(), record.isError());
      rebuilt.put(record.getFullName(), copy);
      List<Schema.Field> fields = new ArrayList<>();
      for (Schema.Field field : record.getFields()) {
        fields.add(new Schema.Field(field, rebuild(field.schema())));
      }
      copy.setFields(fields);
      record.getAliases().forEach(copy::addAlias);
      return copy;
    }

    private Schema mergedEnum(Schema read, Schema written) {
      List<String> symbols = new ArrayList<>(read.getEnumSymbols());
      List<String> added = new ArrayList<>();
      for (String symbol : written.getEnumSymbols()) {
        if (!symbols.contains(symbol)) {
          symbols.add(symbol);
          added.add(symbol);
        }
      }
      if (added.isEmpty()) {
        return read;
      }
      notes.add(read.getFullName() + ": symbols the writer added joined the enum: " + added);
      Schema merged =
          Schema.createEnum(
              read.getName(), read.getDoc(), read.getNamespace(), symbols, read.getEnumDefault());
      read.getAliases().forEach(merged::addAlias);
      return merged;
    }

    private static Schema nullableFirst(Schema type) {
      if (TypeNames.allowsNull(type)) {
        return type;
      }
      List<Schema> branches = new ArrayList<>();
      branches.add(Schema.create(Schema.Type.NULL));
      branches.addAll(type.getType() == Schema.Type.UNION ? type.getTypes() : List.of(type));
      return Schema.createUnion(branches);
    }

    private static Schema nullableLast(Schema type) {
      List<Schema> branches =
          new ArrayList<>(type.getType() == Schema.Type.UNION ? type.getTypes() : List.of(type));
      branches.add(Schema.create(Schema.Type.NULL));
      return Schema.createUnion(branches);
    }
  }
}

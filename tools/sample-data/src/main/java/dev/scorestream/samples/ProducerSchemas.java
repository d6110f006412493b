package dev.scorestream.samples;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * A producer's writer schema as it changes, step by step, under a pipeline reading with {@link
 * SampleSchemas#tolerantReader()}: the schema-change demo and its tests walk these steps.
 *
 * <ol>
 *   <li>the reader itself;
 *   <li>adds an optional {@code device_id} (ignored by the reader);
 *   <li>renames {@code account_age_days} to {@code account_age} (the reader's alias reads it);
 *   <li>drops {@code card_present}, which the model reads (the reader's default, false, fills it);
 *   <li>adds the channel symbol {@code WALLET}, which the reader cannot read: an incompatible
 *       version, whose WALLET events are dead letters.
 * </ol>
 */
public final class ProducerSchemas {

  private ProducerSchemas() {}

  /** The five steps, in order. */
  public static List<Schema> steps() {
    Schema v1 = SampleSchemas.tolerantReader();
    Schema v2 = withFields(v1, fields -> fields.add(deviceId()));
    Schema v3 = renamed(v2, "account_age_days", "account_age");
    Schema v4 = SampleSchemas.without(v3, "card_present");
    Schema v5 = withChannelSymbol(v4, "WALLET");
    return List.of(v1, v2, v3, v4, v5);
  }

  /**
   * {@code payment} (a record of the bundled reader) as {@code writer} writes it: fields by name or
   * by the writer field's alias, enum symbols onto the writer's enum, {@code channel} as {@code
   * channel} (when the writer knows the symbol), fields the payment lacks as null.
   */
  public static GenericRecord as(Schema writer, GenericRecord payment, String channel) {
    GenericRecord record = new GenericData.Record(writer);
    for (Schema.Field field : writer.getFields()) {
      Object value = valueFor(field, payment);
      if (value instanceof GenericData.EnumSymbol symbol) {
        String name =
            channel != null && field.schema().hasEnumSymbol(channel) ? channel : symbol.toString();
        value = new GenericData.EnumSymbol(field.schema(), name);
      }
      record.put(field.name(), value);
    }
    return record;
  }

  private static Object valueFor(Schema.Field field, GenericRecord payment) {
    if (payment.getSchema().getField(field.name()) != null) {
      return payment.get(field.name());
    }
    for (String alias : field.aliases()) {
      if (payment.getSchema().getField(alias) != null) {
        return payment.get(alias);
      }
    }
    return null;
  }

  private static Schema.Field deviceId() {
    return new Schema.Field(
        "device_id",
        Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)),
        "The paying device, when the terminal knows it.",
        JsonProperties.NULL_VALUE);
  }

  private static Schema renamed(Schema schema, String from, String to) {
    return withFields(
        schema,
        fields -> {
          for (int i = 0; i < fields.size(); i++) {
            Schema.Field field = fields.get(i);
            if (field.name().equals(from)) {
              Schema.Field renamed =
                  new Schema.Field(to, field.schema(), field.doc(), field.defaultVal());
              field.getObjectProps().forEach(renamed::addProp);
              renamed.addAlias(from);
              fields.set(i, renamed);
            }
          }
        });
  }

  private static Schema withChannelSymbol(Schema schema, String symbol) {
    Schema channel = schema.getField("channel").schema();
    List<String> symbols = new ArrayList<>(channel.getEnumSymbols());
    symbols.add(symbol);
    Schema wider =
        Schema.createEnum(
            channel.getName(), channel.getDoc(), channel.getNamespace(), symbols, null);
    return withFields(
        schema,
        fields -> {
          for (int i = 0; i < fields.size(); i++) {
            if (fields.get(i).name().equals("channel")) {
              fields.set(i, new Schema.Field(fields.get(i), wider));
            }
          }
        });
  }

  /** A copy of {@code schema} whose field list {@code change} edits. */
  static Schema withFields(Schema schema, Consumer<List<Schema.Field>> change) {
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field field : schema.getFields()) {
      fields.add(new Schema.Field(field, field.schema()));
    }
    change.accept(fields);
    return Schema.createRecord(
        schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
  }
}

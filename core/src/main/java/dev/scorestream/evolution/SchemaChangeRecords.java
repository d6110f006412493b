package dev.scorestream.evolution;

import java.time.Instant;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Turns a {@link SchemaChangeReport} into the {@code SchemaChange} Avro record the {@code
 * schema-changes} topic holds, keyed by {@link #key}. The schema is passed in (the contracts module
 * owns the {@code .avsc}), so this stays free of the registry and of Kafka.
 */
public final class SchemaChangeRecords {

  /** Which detector found the schema first. */
  public enum Source {
    FIRST_EVENT,
    REGISTRY_POLL
  }

  /**
   * What the finder knows besides the analysis.
   *
   * @param version the schema's version under the subject, or null when not known
   * @param previousSchemaId the subject's previous version's id, or null for its first
   * @param firstEventOffset {@code topic-partition@offset} of the first event, or null for a poll
   */
  public record Detection(
      String subject,
      int schemaId,
      Integer version,
      Integer previousSchemaId,
      String topic,
      Source detectedBy,
      Instant detectedAt,
      String firstEventOffset,
      String reportedBy,
      String appVersion,
      String readerFingerprint) {}

  private SchemaChangeRecords() {}

  /** The compacted topic's key: one record per subject and schema id, whoever finds it. */
  public static String key(String subject, int schemaId) {
    return subject + "/" + schemaId;
  }

  public static GenericRecord of(Schema schemaChange, Detection found, SchemaChangeReport report) {
    GenericRecord record = new GenericData.Record(schemaChange);
    record.put("subject", found.subject());
    record.put("schema_id", found.schemaId());
    record.put("version", found.version());
    record.put("previous_schema_id", found.previousSchemaId());
    record.put("topic", found.topic());
    record.put("detected_by", symbol(schemaChange, "detected_by", found.detectedBy()));
    record.put("detected_at", found.detectedAt().toEpochMilli());
    record.put("first_event_offset", found.firstEventOffset());
    record.put("reported_by", found.reportedBy());
    record.put("app_version", found.appVersion());
    record.put("reader_fingerprint", found.readerFingerprint());
    record.put("severity", symbol(schemaChange, "severity", report.severity()));
    record.put("compatibility", compatibility(field(schemaChange, "compatibility"), report));
    Schema change = field(schemaChange, "against_reader").getElementType();
    record.put(
        "against_reader", report.againstReader().stream().map(c -> change(change, c)).toList());
    record.put(
        "since_previous", report.sincePrevious().stream().map(c -> change(change, c)).toList());
    record.put("defaulted_fields", report.defaultedFields());
    Schema model = field(schemaChange, "models").getElementType();
    record.put("models", report.models().stream().map(m -> model(model, m)).toList());
    return record;
  }

  private static GenericRecord compatibility(Schema schema, SchemaChangeReport report) {
    Compatibility compatibility = report.compatibility();
    GenericRecord record = new GenericData.Record(schema);
    record.put("decodability", symbol(schema, "decodability", compatibility.decodability()));
    record.put("avro", symbol(schema, "avro", compatibility.avro()));
    record.put("incompatibilities", compatibility.incompatibilities());
    record.put("with_reader", symbol(schema, "with_reader", compatibility.withReader()));
    Schema level = field(schema, "with_reader");
    record.put(
        "with_previous",
        compatibility
            .withPrevious()
            .map(l -> new GenericData.EnumSymbol(level, l.name()))
            .orElse(null));
    return record;
  }

  private static GenericRecord change(Schema schema, FieldChange change) {
    GenericRecord record = new GenericData.Record(schema);
    record.put("field", change.field());
    record.put("kind", symbol(schema, "kind", change.kind()));
    record.put("from", change.from());
    record.put("to", change.to());
    record.put("symbols", change.symbols());
    record.put("rejection", symbol(schema, "rejection", change.rejection().scope()));
    record.put("rejected_values", change.rejection().values());
    return record;
  }

  private static GenericRecord model(Schema schema, ModelImpact impact) {
    GenericRecord record = new GenericData.Record(schema);
    record.put("model", impact.model());
    record.put("version", impact.version());
    record.put("role", symbol(schema, "role", impact.role()));
    record.put("affected", impact.affected());
    Schema feature = field(schema, "features").getElementType();
    record.put("features", impact.features().stream().map(f -> feature(feature, f)).toList());
    return record;
  }

  private static GenericRecord feature(Schema schema, FeatureImpact impact) {
    GenericRecord record = new GenericData.Record(schema);
    record.put("feature", impact.feature());
    record.put("field", impact.field());
    Schema kind = field(schema, "cause");
    record.put(
        "cause",
        impact.cause() == null ? null : new GenericData.EnumSymbol(kind, impact.cause().name()));
    record.put("consequence", symbol(schema, "consequence", impact.consequence()));
    record.put("previously", symbol(schema, "previously", impact.previously()));
    return record;
  }

  /** A field's schema, the non-null branch of an optional one. */
  private static Schema field(Schema record, String name) {
    return TypeNames.nonNull(record.getField(name).schema());
  }

  private static GenericData.EnumSymbol symbol(Schema record, String field, Enum<?> value) {
    return new GenericData.EnumSymbol(field(record, field), value.name());
  }
}

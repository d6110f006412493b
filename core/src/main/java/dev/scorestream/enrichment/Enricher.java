package dev.scorestream.enrichment;

import dev.scorestream.registry.SchemaLookup;
import dev.scorestream.registry.SchemaNotFoundException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;

/**
 * Looks an event's reference rows up, computes its entity's windowed features, and builds its
 * enriched record ({@link EnrichmentSpec#enrichedSchema}). The same code serves the stream (rows
 * from the task's global stores, histories from its entity store), REST (the instance's stores,
 * read only), the backfill of {@code scorer features} (its own copies) and the feedback join (the
 * values stored with the prediction), so a model sees the same columns everywhere. Thread-safe.
 */
public final class Enricher {

  /** Where reference rows and entity histories come from. */
  @FunctionalInterface
  public interface Lookup {
    /**
     * The stored value (wire-format Avro) of {@code key} in {@code reference}'s table, or null when
     * it has no row.
     *
     * @throws UnavailableException when the table cannot be read here
     */
    byte[] get(EnrichmentSpec.Reference reference, byte[] key);

    /**
     * The stored history ({@link EntityHistory#bytes}) of entity {@code key}, or null when it has
     * none.
     *
     * @throws UnavailableException when the history cannot be read here
     */
    default byte[] history(EnrichmentSpec.Entity entity, byte[] key) {
      throw new UnavailableException(
          "the history of " + entity.key() + " is not readable here", "ENTITY_UNAVAILABLE");
    }

    /** Whether events looked up here join their entity's history ({@link #remember}). */
    default boolean records() {
      return false;
    }

    /** Stores the history of entity {@code key} with the event added. */
    default void remember(EnrichmentSpec.Entity entity, byte[] key, byte[] history) {
      throw new UnsupportedOperationException("this lookup does not record events");
    }
  }

  /**
   * A lookup that cannot answer: the table or history is not on this instance, or is still loading.
   */
  public static final class UnavailableException extends RuntimeException {
    private final String code;

    /** A reference table that cannot be read: code {@code REFERENCE_UNAVAILABLE}. */
    public UnavailableException(String message) {
      this(message, "REFERENCE_UNAVAILABLE");
    }

    /**
     * @param code what requests answer: {@code REFERENCE_UNAVAILABLE} or {@code ENTITY_UNAVAILABLE}
     */
    public UnavailableException(String message, String code) {
      super(message);
      this.code = code;
    }

    public String code() {
      return code;
    }
  }

  /** What was found for one reference, for metrics. */
  public enum Found {
    HIT,
    MISSING,
    UNDECODABLE
  }

  /** Told about every lookup, and every event an entity's history records. */
  @FunctionalInterface
  public interface Listener {
    Listener NONE = (table, found) -> {};

    void looked(String table, Found found);

    default void recorded(String entity, EntityHistory.Recorded recorded) {}
  }

  /** The outcome for one event. */
  public sealed interface Result permits Enriched, Missing {}

  /** The enriched record. */
  public record Enriched(GenericRecord record) implements Result {}

  /** A required reference had no row (or none that decodes) for {@code key}. */
  public record Missing(EnrichmentSpec.Reference reference, String key) implements Result {}

  private final EnrichmentSpec spec;
  private final Schema enriched;
  private final Schema context;
  private final int readerFields;
  private final SchemaLookup registry;
  private final Listener listener;
  private final GenericDatumWriter<GenericRecord> contextWriter;
  private final GenericDatumReader<GenericRecord> contextReader;
  private final ThreadLocal<BinaryDecoder> decoders = new ThreadLocal<>();
  private final ThreadLocal<BinaryEncoder> encoders = new ThreadLocal<>();

  /**
   * Readers of each reference's rows by writer schema id: the row schema under the writer's name.
   */
  private final List<Map<Integer, GenericDatumReader<GenericRecord>>> readers;

  /** The entity's features, worked out once; null without an entity. */
  private final EntityHistory.Layout layout;

  /** Positions in the reader schema of the entity's key and the fields its features read. */
  private final int entityKey;

  private final int[] numericPositions;
  private final int[] categoricalPositions;

  public Enricher(EnrichmentSpec spec, int readerFields, SchemaLookup registry, Listener listener) {
    this.spec = spec;
    this.enriched = spec.enrichedSchema();
    this.readerFields = readerFields;
    this.registry = registry;
    this.listener = listener;
    List<Schema.Field> contextFields = new ArrayList<>();
    for (Schema.Field field :
        enriched.getFields().subList(readerFields, enriched.getFields().size())) {
      contextFields.add(new Schema.Field(field.name(), field.schema(), null, (Object) null));
    }
    this.context =
        Schema.createRecord("EventContext", null, "dev.scorestream.internal", false, contextFields);
    this.contextWriter = new GenericDatumWriter<>(context);
    this.contextReader = new GenericDatumReader<>(context);
    this.readers = new ArrayList<>();
    spec.references().forEach(r -> readers.add(new ConcurrentHashMap<>()));
    this.layout = spec.entity().map(EntityHistory.Layout::of).orElse(null);
    if (layout == null) {
      this.entityKey = -1;
      this.numericPositions = new int[0];
      this.categoricalPositions = new int[0];
    } else {
      this.entityKey = enriched.getField(layout.entity().key()).pos();
      this.numericPositions =
          layout.numericFields().stream().mapToInt(f -> enriched.getField(f).pos()).toArray();
      this.categoricalPositions =
          layout.categoricalFields().stream().mapToInt(f -> enriched.getField(f).pos()).toArray();
    }
  }

  public EnrichmentSpec spec() {
    return spec;
  }

  /**
   * The event with its reference rows: each contributed field from the row (its default when the
   * row or its value is missing), and each table's missing flag.
   *
   * @param event a sanitized record of the reader schema
   */
  public Result enrich(GenericRecord event, long time, Lookup lookup) {
    GenericData.Record out = new GenericData.Record(enriched);
    for (int i = 0; i < readerFields; i++) {
      out.put(i, event.get(i));
    }
    int position = readerFields;
    List<EnrichmentSpec.Reference> references = spec.references();
    for (int r = 0; r < references.size(); r++) {
      EnrichmentSpec.Reference reference = references.get(r);
      Object keyValue = event.get(reference.key());
      GenericRecord row = null;
      if (keyValue != null) {
        byte[] value = lookup.get(reference, key(keyValue));
        if (value == null) {
          listener.looked(reference.table(), Found.MISSING);
        } else {
          row = row(r, value);
          listener.looked(reference.table(), row == null ? Found.UNDECODABLE : Found.HIT);
        }
      } else {
        listener.looked(reference.table(), Found.MISSING);
      }
      if (row == null && reference.required()) {
        return new Missing(reference, keyValue == null ? null : keyValue.toString());
      }
      for (EnrichmentSpec.Field field : reference.fields()) {
        Object value = row == null ? null : row.get(field.name());
        out.put(position++, value == null ? field.defaultValue() : normalize(value));
      }
      out.put(position++, row == null);
    }
    if (layout != null) {
      for (double feature : entityFeatures(event, time, lookup)) {
        out.put(position++, feature);
      }
    }
    return new Enriched(out);
  }

  /**
   * The features of the event's entity at {@code time}, from its earlier events; the event then
   * joins the history when the lookup records.
   */
  private double[] entityFeatures(GenericRecord event, long time, Lookup lookup) {
    EnrichmentSpec.Entity entity = layout.entity();
    Object keyValue = event.get(entityKey);
    if (keyValue == null) {
      if (lookup.records()) {
        listener.recorded(entity.name(), EntityHistory.Recorded.NO_KEY);
      }
      return EntityHistory.empty(layout).features(time);
    }
    byte[] key = key(keyValue);
    EntityHistory history;
    try {
      history = EntityHistory.read(layout, lookup.history(entity, key));
    } catch (IllegalArgumentException e) {
      // Written under a spec whose features read other fields: start this entity afresh.
      history = EntityHistory.empty(layout);
    }
    double[] features = history.features(time);
    if (lookup.records()) {
      double[] values = new double[numericPositions.length];
      for (int i = 0; i < values.length; i++) {
        values[i] =
            event.get(numericPositions[i]) instanceof Number n ? n.doubleValue() : Double.NaN;
      }
      long[] hashes = new long[categoricalPositions.length];
      for (int i = 0; i < hashes.length; i++) {
        hashes[i] = EntityHistory.hash(event.get(categoricalPositions[i]));
      }
      listener.recorded(entity.name(), history.record(time, values, hashes));
      lookup.remember(entity, key, history.bytes());
    }
    return features;
  }

  /**
   * A stored row read onto the reference's row schema by field name, whatever its writer schema is
   * called; null when it is not the wire format, its schema id is unknown, or it does not decode.
   *
   * @throws dev.scorestream.registry.RegistryUnavailableException the registry could not be asked
   */
  private GenericRecord row(int reference, byte[] value) {
    if (value.length < 5 || value[0] != 0) {
      return null;
    }
    int id = ByteBuffer.wrap(value, 1, 4).getInt();
    Map<Integer, GenericDatumReader<GenericRecord>> byWriter = readers.get(reference);
    GenericDatumReader<GenericRecord> reader = byWriter.get(id);
    if (reader == null) {
      Schema writer;
      try {
        writer = registry.schemaById(id);
      } catch (SchemaNotFoundException e) {
        return null;
      }
      Schema rows = spec.references().get(reference).rowSchema();
      List<Schema.Field> fields = new ArrayList<>();
      rows.getFields().forEach(f -> fields.add(new Schema.Field(f, f.schema())));
      Schema named =
          writer.getType() == Schema.Type.RECORD
              ? Schema.createRecord(writer.getName(), null, writer.getNamespace(), false, fields)
              : rows;
      reader = new GenericDatumReader<>(writer, named);
      byWriter.put(id, reader);
    }
    try {
      return reader.read(
          null, DecoderFactory.get().binaryDecoder(value, 5, value.length - 5, null));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** The bytes a key field's value is stored under: its text, UTF-8. */
  public static byte[] key(Object value) {
    return value.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The contributed values of an enriched record, to store with its prediction. */
  public byte[] context(GenericRecord enrichedRecord) {
    GenericData.Record part = new GenericData.Record(context);
    for (int i = 0; i < context.getFields().size(); i++) {
      part.put(i, enrichedRecord.get(readerFields + i));
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, encoders.get());
    encoders.set(encoder);
    try {
      contextWriter.write(part, encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** The enriched record of {@code event} with the values {@link #context} stored. */
  public GenericRecord restore(GenericRecord event, byte[] stored) {
    GenericRecord part;
    try {
      BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(stored, decoders.get());
      decoders.set(decoder);
      part = contextReader.read(null, decoder);
    } catch (IOException e) {
      throw new UncheckedIOException("corrupt event context in the feedback store", e);
    }
    GenericData.Record out = new GenericData.Record(enriched);
    for (int i = 0; i < readerFields; i++) {
      out.put(i, event.get(i));
    }
    for (int i = 0; i < context.getFields().size(); i++) {
      out.put(readerFields + i, normalize(part.get(i)));
    }
    return out;
  }

  private static Object normalize(Object value) {
    return value instanceof CharSequence text ? text.toString() : value;
  }
}

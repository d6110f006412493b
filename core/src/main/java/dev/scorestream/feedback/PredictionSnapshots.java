package dev.scorestream.feedback;

import dev.scorestream.enrichment.Enricher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * What the feedback join keeps of each prediction until its label arrives: the model's answer and
 * the event's original wire-format bytes. Internal to the pipeline (a state store and its
 * changelog), never registered. Not thread-safe: one per task.
 *
 * <p>Layout 2, written since: {@code 2, eventTime(8), modelVersion, predictedLabel, [value],
 * scores, input, [context]}, strings, the input and the context as a 4-byte length then bytes (-1:
 * null). The context, written only by an enriching pipeline, holds the values its reference lookups
 * gave the event ({@link Enricher#context}), so the training example carries what the model saw,
 * not what the tables hold when the label arrives. The event is decoded from its own bytes when a
 * label joins it, with the writer schema its id names and the reader schema of that moment, then
 * sanitized as the stream does: storing it costs a copy instead of an Avro encoding per event, and
 * a reader schema that evolved during retention still reads it.
 *
 * <p>Layout 1, read only: a wire-format record (magic byte 0) of a {@code PredictionSnapshot}
 * schema that embeds the reader schema it was written with.
 */
public final class PredictionSnapshots {

  /** First byte of a layout-2 snapshot. */
  public static final byte LAYOUT_2 = 2;

  /**
   * A stored prediction.
   *
   * @param event the event as the feature extractor saw it; null when its bytes no longer decode
   *     (its writer schema is gone from the registry, say)
   */
  public record Snapshot(
      String eventId,
      String modelVersion,
      String predictedLabel,
      Double predictedValue,
      Map<String, Double> scores,
      long eventTime,
      GenericRecord event) {}

  private final Schema legacySchema;
  private final GenericDatumReader<GenericRecord> legacyReader;
  private final Function<byte[], GenericRecord> events;
  private final Enricher enricher;
  private final Map<String, byte[]> utf8 = new HashMap<>();
  private BinaryDecoder decoder;

  /**
   * @param readerSchema the reader schema (layout-1 snapshots embed the one they were written with)
   * @param events decodes and sanitizes an event's wire-format bytes; null when they no longer
   *     decode
   */
  public PredictionSnapshots(Schema readerSchema, Function<byte[], GenericRecord> events) {
    this(readerSchema, events, null);
  }

  /**
   * @param enricher restores the enriched event from a snapshot's context, or null
   */
  public PredictionSnapshots(
      Schema readerSchema, Function<byte[], GenericRecord> events, Enricher enricher) {
    this.enricher = enricher;
    Schema optionalDouble =
        Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.DOUBLE));
    this.legacySchema =
        Schema.createRecord(
            "PredictionSnapshot",
            "A prediction awaiting its label (internal).",
            "dev.scorestream.internal",
            false,
            List.of(
                new Schema.Field("event_id", Schema.create(Schema.Type.STRING)),
                new Schema.Field("model_version", Schema.create(Schema.Type.STRING)),
                new Schema.Field("predicted_label", Schema.create(Schema.Type.STRING)),
                new Schema.Field(
                    "predicted_value", optionalDouble, null, Schema.Field.NULL_DEFAULT_VALUE),
                new Schema.Field("scores", Schema.createMap(Schema.create(Schema.Type.DOUBLE))),
                new Schema.Field("event_time", Schema.create(Schema.Type.LONG)),
                new Schema.Field("event", readerSchema)));
    this.legacyReader = new GenericDatumReader<>(legacySchema);
    this.events = events;
  }

  /**
   * Layout 2: the answer and the event's wire-format bytes, and the event's context when it was
   * enriched (null otherwise).
   */
  public byte[] encode(
      String modelVersion,
      String predictedLabel,
      Double predictedValue,
      Map<String, Double> scores,
      long eventTime,
      byte[] input,
      byte[] context) {
    byte[] version = utf8(modelVersion);
    byte[] label = predictedLabel == null ? null : utf8(predictedLabel);
    int size = 1 + 8 + 4 + version.length + 4 + (label == null ? 0 : label.length) + 1;
    size += predictedValue == null ? 0 : 8;
    size += 4;
    for (String name : scores.keySet()) {
      size += 4 + utf8(name).length + 8;
    }
    size += 4 + input.length;
    size += context == null ? 0 : 4 + context.length;
    ByteBuffer out = ByteBuffer.allocate(size);
    out.put(LAYOUT_2).putLong(eventTime);
    put(out, version);
    put(out, label);
    out.put((byte) (predictedValue == null ? 0 : 1));
    if (predictedValue != null) {
      out.putDouble(predictedValue);
    }
    out.putInt(scores.size());
    for (Map.Entry<String, Double> score : scores.entrySet()) {
      put(out, utf8(score.getKey()));
      out.putDouble(score.getValue());
    }
    put(out, input);
    if (context != null) {
      put(out, context);
    }
    return out.array();
  }

  /** A stored snapshot of {@code eventId}, in either layout. */
  public Snapshot decode(String eventId, byte[] bytes) {
    if (bytes.length > 0 && bytes[0] == LAYOUT_2) {
      return decodeLayout2(eventId, bytes);
    }
    return decodeLayout1(bytes);
  }

  private Snapshot decodeLayout2(String eventId, byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes, 1, bytes.length - 1);
    long eventTime = in.getLong();
    String version = text(in);
    String label = text(in);
    Double value = in.get() == 1 ? in.getDouble() : null;
    int count = in.getInt();
    Map<String, Double> scores = new TreeMap<>();
    for (int i = 0; i < count; i++) {
      scores.put(text(in), in.getDouble());
    }
    byte[] input = new byte[in.getInt()];
    in.get(input);
    GenericRecord event = events.apply(input);
    if (in.hasRemaining() && enricher != null && event != null) {
      byte[] context = new byte[in.getInt()];
      in.get(context);
      event = enricher.restore(event, context);
    }
    return new Snapshot(eventId, version, label, value, scores, eventTime, event);
  }

  @SuppressWarnings("unchecked")
  private Snapshot decodeLayout1(byte[] bytes) {
    decoder = DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, decoder);
    try {
      GenericRecord record = legacyReader.read(null, decoder);
      Map<String, Double> scores = new TreeMap<>();
      ((Map<CharSequence, Double>) record.get("scores"))
          .forEach((label, score) -> scores.put(label.toString(), score));
      return new Snapshot(
          record.get("event_id").toString(),
          record.get("model_version").toString(),
          record.get("predicted_label").toString(),
          (Double) record.get("predicted_value"),
          scores,
          (Long) record.get("event_time"),
          (GenericRecord) record.get("event"));
    } catch (IOException e) {
      throw new UncheckedIOException("corrupt prediction snapshot in the feedback store", e);
    }
  }

  /** The legacy layout's schema, for tests that write old snapshots. */
  Schema legacySchema() {
    return legacySchema;
  }

  /** Model versions and labels repeat: their UTF-8 is computed once (a bounded handful). */
  private byte[] utf8(String text) {
    byte[] bytes = utf8.get(text);
    if (bytes == null) {
      bytes = text.getBytes(StandardCharsets.UTF_8);
      if (utf8.size() < 1024) {
        utf8.put(text, bytes);
      }
    }
    return bytes;
  }

  private static void put(ByteBuffer out, byte[] bytes) {
    if (bytes == null) {
      out.putInt(-1);
      return;
    }
    out.putInt(bytes.length).put(bytes);
  }

  private static String text(ByteBuffer in) {
    int length = in.getInt();
    if (length < 0) {
      return null;
    }
    String text =
        new String(in.array(), in.arrayOffset() + in.position(), length, StandardCharsets.UTF_8);
    in.position(in.position() + length);
    return text;
  }
}

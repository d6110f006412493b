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
 * <p>Layout 3, written since: {@code 3, eventTime(8), modelVersion, predictedLabel, [value],
 * scores, input, hasContext(1) [context], challenger(1) [version [label, scores]]}, strings, the
 * input and the context as a 4-byte length then bytes (-1: null). The context, written only by an
 * enriching pipeline, holds the values its reference lookups gave the event ({@link
 * Enricher#context}), so the training example carries what the model saw, not what the tables hold
 * when the label arrives. The challenger byte is 0 when no challenger scored the event, 1 when it
 * answered (its version, label and scores follow), 2 when it failed on it (its version follows):
 * the shadow comparison pairs the two answers on the labelled events. The event is decoded from its
 * own bytes when a label joins it, with the writer schema its id names and the reader schema of
 * that moment, then sanitized as the stream does: storing it costs a copy instead of an Avro
 * encoding per event, and a reader schema that evolved during retention still reads it.
 *
 * <p>Layout 2, read only: layout 3 without the flags, the context (when any) last, no challenger.
 * Layout 1, read only: a wire-format record (magic byte 0) of a {@code PredictionSnapshot} schema
 * that embeds the reader schema it was written with.
 */
public final class PredictionSnapshots {

  /** First byte of a layout-2 snapshot (read only). */
  public static final byte LAYOUT_2 = 2;

  /** First byte of a layout-3 snapshot. */
  public static final byte LAYOUT_3 = 3;

  private static final byte NO_CHALLENGER = 0;
  private static final byte CHALLENGER_ANSWERED = 1;
  private static final byte CHALLENGER_FAILED = 2;

  /**
   * The challenger's answer for the same event, in shadow.
   *
   * @param label null when the challenger failed on the event
   * @param scores empty when it failed
   */
  public record Challenger(String version, String label, Map<String, Double> scores) {

    public boolean failed() {
      return label == null;
    }
  }

  /**
   * What the stream answered for one event, as a snapshot keeps it.
   *
   * @param predictedValue the regression value, or null
   * @param challenger the challenger's answer, or null when none scored the event
   */
  public record Answer(
      String modelVersion,
      String predictedLabel,
      Double predictedValue,
      Map<String, Double> scores,
      long eventTime,
      Challenger challenger) {}

  /**
   * A stored prediction.
   *
   * @param event the event as the feature extractor saw it; null when its bytes no longer decode
   *     (its writer schema is gone from the registry, say)
   * @param challenger the challenger's answer, or null when none scored the event
   */
  public record Snapshot(
      String eventId,
      String modelVersion,
      String predictedLabel,
      Double predictedValue,
      Map<String, Double> scores,
      long eventTime,
      GenericRecord event,
      Challenger challenger) {}

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
   * Layout 3: the answers and the event's wire-format bytes, and the event's context when it was
   * enriched (null otherwise).
   */
  public byte[] encode(Answer answer, byte[] input, byte[] context) {
    byte[] version = utf8(answer.modelVersion());
    byte[] label = answer.predictedLabel() == null ? null : utf8(answer.predictedLabel());
    int size = 1 + 8 + 4 + version.length + 4 + (label == null ? 0 : label.length) + 1;
    size += answer.predictedValue() == null ? 0 : 8;
    size += scoresSize(answer.scores());
    size += 4 + input.length + 1 + (context == null ? 0 : 4 + context.length);
    Challenger challenger = answer.challenger();
    size += 1;
    if (challenger != null) {
      size += 4 + utf8(challenger.version()).length;
      if (!challenger.failed()) {
        size += 4 + utf8(challenger.label()).length + scoresSize(challenger.scores());
      }
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    out.put(LAYOUT_3).putLong(answer.eventTime());
    put(out, version);
    put(out, label);
    out.put((byte) (answer.predictedValue() == null ? 0 : 1));
    if (answer.predictedValue() != null) {
      out.putDouble(answer.predictedValue());
    }
    putScores(out, answer.scores());
    put(out, input);
    out.put((byte) (context == null ? 0 : 1));
    if (context != null) {
      put(out, context);
    }
    if (challenger == null) {
      out.put(NO_CHALLENGER);
    } else {
      out.put(challenger.failed() ? CHALLENGER_FAILED : CHALLENGER_ANSWERED);
      put(out, utf8(challenger.version()));
      if (!challenger.failed()) {
        put(out, utf8(challenger.label()));
        putScores(out, challenger.scores());
      }
    }
    return out.array();
  }

  private int scoresSize(Map<String, Double> scores) {
    int size = 4;
    for (String name : scores.keySet()) {
      size += 4 + utf8(name).length + 8;
    }
    return size;
  }

  private void putScores(ByteBuffer out, Map<String, Double> scores) {
    out.putInt(scores.size());
    for (Map.Entry<String, Double> score : scores.entrySet()) {
      put(out, utf8(score.getKey()));
      out.putDouble(score.getValue());
    }
  }

  private static Map<String, Double> scores(ByteBuffer in) {
    int count = in.getInt();
    Map<String, Double> scores = new TreeMap<>();
    for (int i = 0; i < count; i++) {
      scores.put(text(in), in.getDouble());
    }
    return scores;
  }

  /** A stored snapshot of {@code eventId}, in either layout. */
  public Snapshot decode(String eventId, byte[] bytes) {
    if (bytes.length > 0 && (bytes[0] == LAYOUT_3 || bytes[0] == LAYOUT_2)) {
      return decodeLayout2or3(eventId, bytes);
    }
    return decodeLayout1(bytes);
  }

  private Snapshot decodeLayout2or3(String eventId, byte[] bytes) {
    boolean layout3 = bytes[0] == LAYOUT_3;
    ByteBuffer in = ByteBuffer.wrap(bytes, 1, bytes.length - 1);
    long eventTime = in.getLong();
    String version = text(in);
    String label = text(in);
    Double value = in.get() == 1 ? in.getDouble() : null;
    Map<String, Double> scores = scores(in);
    byte[] input = new byte[in.getInt()];
    in.get(input);
    GenericRecord event = events.apply(input);
    byte[] context = null;
    if (layout3 ? in.get() == 1 : in.hasRemaining()) {
      context = new byte[in.getInt()];
      in.get(context);
    }
    if (context != null && enricher != null && event != null) {
      event = enricher.restore(event, context);
    }
    Challenger challenger = layout3 ? challenger(in) : null;
    return new Snapshot(eventId, version, label, value, scores, eventTime, event, challenger);
  }

  private static Challenger challenger(ByteBuffer in) {
    byte flag = in.get();
    if (flag == NO_CHALLENGER) {
      return null;
    }
    String version = text(in);
    if (flag == CHALLENGER_FAILED) {
      return new Challenger(version, null, Map.of());
    }
    return new Challenger(version, text(in), scores(in));
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
          (GenericRecord) record.get("event"),
          null);
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

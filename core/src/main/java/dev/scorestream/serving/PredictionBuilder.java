package dev.scorestream.serving;

import dev.scorestream.codec.WireFormatEncoder;
import dev.scorestream.model.ModelScorer;
import dev.scorestream.model.ScoreResult;
import dev.scorestream.schemas.Contracts;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.Encoder;
import org.apache.avro.util.Utf8;

/**
 * Builds {@code Prediction} records (schemas module, {@code Prediction.avsc}) from a scored event.
 * Reads the event id and event time from the configured fields of the reader schema.
 */
public final class PredictionBuilder {

  private final Schema predictionSchema;
  private final Schema challengerSchema;
  private final int eventIdPosition;
  private final int eventTimePosition;

  /**
   * True when the schema is the one {@link #encode} writes field by field (always, in production).
   */
  private final boolean direct;

  /**
   * @param eventIdField reader-schema field holding the event id
   * @param eventTimeField reader-schema field holding the event time (epoch millis), or empty for
   *     none
   * @throws IllegalArgumentException naming a field the reader schema lacks
   */
  public PredictionBuilder(
      Schema predictionSchema, Schema readerSchema, String eventIdField, String eventTimeField) {
    this.predictionSchema = predictionSchema;
    this.direct = predictionSchema.equals(Contracts.prediction());
    this.challengerSchema =
        predictionSchema.getField("challenger").schema().getTypes().stream()
            .filter(s -> s.getType() == Schema.Type.RECORD)
            .findFirst()
            .orElseThrow(
                () -> new IllegalArgumentException("Prediction schema has no challenger record"));
    this.eventIdPosition = position(readerSchema, eventIdField);
    this.eventTimePosition =
        eventTimeField == null || eventTimeField.isEmpty()
            ? -1
            : position(readerSchema, eventTimeField);
  }

  private static int position(Schema schema, String field) {
    Schema.Field found = schema.getField(field);
    if (found == null) {
      throw new IllegalArgumentException(
          "reader schema " + schema.getFullName() + " has no field '" + field + "'");
    }
    return found.pos();
  }

  public Schema schema() {
    return predictionSchema;
  }

  public String eventId(GenericRecord event) {
    Object id = event.get(eventIdPosition);
    return id == null ? "" : id.toString();
  }

  /**
   * The event time (epoch millis) from the configured field, or null when there is none or it is
   * null.
   */
  public Long eventTime(GenericRecord event) {
    Object eventTime = eventTimePosition < 0 ? null : event.get(eventTimePosition);
    return eventTime instanceof Number time ? time.longValue() : null;
  }

  /**
   * What one prediction says: the event it answers, the serving model's answer (and the
   * challenger's), and when.
   *
   * @param eventId as {@link PredictionBuilder#eventId}
   * @param eventTime as {@link PredictionBuilder#eventTime}
   * @param key the input record's key bytes, or null
   * @param challenger the challenger's answer for the same example, or null; a challenger that
   *     failed on it is left out of the prediction
   * @param scoredAt when the answer was made (epoch millis)
   * @param recordTimestamp the input record's Kafka timestamp, the start of the latency measurement
   */
  public record Answer(
      String eventId,
      Long eventTime,
      byte[] key,
      ScoreResult result,
      String modelName,
      String modelVersion,
      EventScorer.Challenged challenger,
      long scoredAt,
      long recordTimestamp) {

    /** From the input record's timestamp to the answer; never negative (clocks drift). */
    long latencyMs() {
      return Math.max(0, scoredAt - recordTimestamp);
    }
  }

  /**
   * The answer of a scored event, with the event id and time read from the configured fields.
   *
   * @param key the input record's key bytes, or null
   */
  public Answer answer(
      GenericRecord event,
      byte[] key,
      EventScorer.Valid valid,
      long scoredAt,
      long recordTimestamp) {
    return new Answer(
        eventId(event),
        eventTime(event),
        key,
        valid.result(),
        valid.scorer().name(),
        valid.scorer().version(),
        valid.challenger(),
        scoredAt,
        recordTimestamp);
  }

  /**
   * A writer of Predictions for one stream task: {@code encoder} and the writer are not
   * thread-safe.
   */
  public Writer writer(WireFormatEncoder encoder) {
    return new Writer(encoder);
  }

  /**
   * Writes Predictions in wire format: the same bytes as {@code encoder.encode(build(answer))},
   * written field by field in the order of {@code Prediction.avsc} without building a record (the
   * stream's hot path: building and writing a generic record cost about a tenth of the stream
   * thread). The strings every record repeats (model name and version, labels) are encoded to UTF-8
   * once.
   */
  public final class Writer {

    private final WireFormatEncoder encoder;
    private final Utf8Cache constants = new Utf8Cache();

    private Writer(WireFormatEncoder encoder) {
      this.encoder = encoder;
    }

    /** The wire-format bytes of one prediction. */
    public byte[] encode(Answer answer) {
      if (!direct) {
        return encoder.encode(build(answer));
      }
      return encoder.encode(
          out -> {
            out.writeString(answer.eventId());
            if (answer.key() == null) {
              out.writeIndex(0);
            } else {
              out.writeIndex(1);
              out.writeBytes(answer.key());
            }
            out.writeString(constants.of(answer.modelName()));
            out.writeString(constants.of(answer.modelVersion()));
            writeAnswer(out, answer.result());
            out.writeLong(answer.scoredAt());
            if (answer.eventTime() == null) {
              out.writeIndex(0);
            } else {
              out.writeIndex(1);
              out.writeLong(answer.eventTime());
            }
            out.writeLong(answer.latencyMs());
            EventScorer.Challenged challenger = answer.challenger();
            if (challenger == null || challenger.failed()) {
              out.writeIndex(0);
            } else {
              out.writeIndex(1);
              out.writeString(constants.of(challenger.version()));
              out.writeString(constants.of(challenger.result().label()));
              out.writeIndex(0); // predicted_value: build() leaves it null for challengers too
              writeScores(out, challenger.result().scores());
            }
          });
    }

    /** predicted_label, predicted_value, scores. */
    private void writeAnswer(Encoder out, ScoreResult result) throws IOException {
      out.writeString(constants.of(result.label()));
      Double value = regressionValue(result);
      if (value == null) {
        out.writeIndex(0);
      } else {
        out.writeIndex(1);
        out.writeDouble(value);
      }
      writeScores(out, result.scores());
    }

    private void writeScores(Encoder out, Map<String, Double> scores) throws IOException {
      out.writeMapStart();
      out.setItemCount(scores.size());
      for (Map.Entry<String, Double> score : scores.entrySet()) {
        out.startItem();
        out.writeString(constants.of(score.getKey()));
        out.writeDouble(score.getValue());
      }
      out.writeMapEnd();
    }
  }

  /**
   * UTF-8 of the strings a task writes on every record, keyed by identity: a model's name, version
   * and labels are the same String objects record after record. {@link #SLOTS} slots, each string
   * looked up in the {@link #WAYS} slots from its identity hash on (so a few strings that collide
   * do not evict each other record after record); a string that is new each time is encoded again,
   * never confused with another.
   */
  static final class Utf8Cache {
    static final int SLOTS = 64;
    static final int WAYS = 4;
    private final String[] strings = new String[SLOTS];
    private final Utf8[] encoded = new Utf8[SLOTS];
    private int victim;

    Utf8 of(String string) {
      int first = System.identityHashCode(string);
      int free = -1;
      for (int way = 0; way < WAYS; way++) {
        int slot = (first + way) & (SLOTS - 1);
        if (strings[slot] == string) {
          return encoded[slot];
        }
        if (free < 0 && strings[slot] == null) {
          free = slot;
        }
      }
      int slot = free >= 0 ? free : (first + (victim++ & (WAYS - 1))) & (SLOTS - 1);
      strings[slot] = string;
      encoded[slot] = new Utf8(string);
      return encoded[slot];
    }
  }

  private static Double regressionValue(ScoreResult result) {
    return result.scores().size() == 1 ? result.scores().get(ModelScorer.VALUE) : null;
  }

  /** The Avro record of one prediction ({@link Writer#encode} writes the same bytes). */
  public GenericRecord build(Answer answer) {
    GenericRecord prediction = new GenericData.Record(predictionSchema);
    prediction.put("event_id", answer.eventId());
    prediction.put("key", answer.key() == null ? null : ByteBuffer.wrap(answer.key()));
    prediction.put("model_name", answer.modelName());
    prediction.put("model_version", answer.modelVersion());
    prediction.put("predicted_label", answer.result().label());
    prediction.put("predicted_value", regressionValue(answer.result()));
    prediction.put("scores", answer.result().scores());
    prediction.put("scored_at", answer.scoredAt());
    prediction.put("event_time", answer.eventTime());
    prediction.put("latency_ms", answer.latencyMs());
    EventScorer.Challenged challenger = answer.challenger();
    prediction.put(
        "challenger",
        challenger == null || challenger.failed() ? null : challengerRecord(challenger));
    return prediction;
  }

  private GenericRecord challengerRecord(EventScorer.Challenged challenger) {
    GenericRecord record = new GenericData.Record(challengerSchema);
    record.put("model_version", challenger.version());
    record.put("predicted_label", challenger.result().label());
    record.put("scores", challenger.result().scores());
    return record;
  }
}

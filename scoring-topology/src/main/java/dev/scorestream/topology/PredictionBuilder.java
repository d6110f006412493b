package dev.scorestream.topology;

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

/**
 * Builds {@code Prediction} records (schemas module, {@code Prediction.avsc}) from a scored event. Reads
 * the event id and event time from the configured fields of the reader schema.
 */
public final class PredictionBuilder {

  private final Schema predictionSchema;
  private final Schema challengerSchema;
  private final int eventIdPosition;
  private final int eventTimePosition;
  /** True when the schema is the one {@link #encode} writes field by field (always, in production). */
  private final boolean direct;

  /**
   * @param eventIdField reader-schema field holding the event id
   * @param eventTimeField reader-schema field holding the event time (epoch millis), or empty for none
   * @throws IllegalArgumentException naming a field the reader schema lacks
   */
  public PredictionBuilder(Schema predictionSchema, Schema readerSchema, String eventIdField, String eventTimeField) {
    this.predictionSchema = predictionSchema;
    this.direct = predictionSchema.equals(Contracts.prediction());
    this.challengerSchema = predictionSchema.getField("challenger").schema().getTypes().stream()
        .filter(s -> s.getType() == Schema.Type.RECORD).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("Prediction schema has no challenger record"));
    this.eventIdPosition = position(readerSchema, eventIdField);
    this.eventTimePosition = eventTimeField == null || eventTimeField.isEmpty() ? -1 : position(readerSchema, eventTimeField);
  }

  private static int position(Schema schema, String field) {
    Schema.Field found = schema.getField(field);
    if (found == null) {
      throw new IllegalArgumentException("reader schema " + schema.getFullName() + " has no field '" + field + "'");
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

  /** The event time (epoch millis) from the configured field, or null when there is none or it is null. */
  public Long eventTime(GenericRecord event) {
    Object eventTime = eventTimePosition < 0 ? null : event.get(eventTimePosition);
    return eventTime instanceof Number time ? time.longValue() : null;
  }

  /**
   * The Prediction in wire format: the same bytes as {@code encoder.encode(build(...))}, written field by
   * field in the order of {@code Prediction.avsc} without building a record (the stream's hot path:
   * building and writing a generic record cost about a tenth of the stream thread).
   *
   * @param eventId as {@link #eventId}
   * @param eventTime as {@link #eventTime}
   */
  public byte[] encode(WireFormatEncoder encoder, String eventId, Long eventTime, byte[] key, ScoreResult result,
      String modelName, String modelVersion, EventScorer.Challenged challenger, long scoredAt, long recordTimestamp) {
    if (!direct) {
      return encoder.encode(build(eventId, eventTime, key, result, modelName, modelVersion, challenger, scoredAt,
          recordTimestamp));
    }
    return encoder.encode(out -> {
      out.writeString(eventId);
      if (key == null) {
        out.writeIndex(0);
      } else {
        out.writeIndex(1);
        out.writeBytes(key);
      }
      out.writeString(modelName);
      out.writeString(modelVersion);
      writeAnswer(out, result);
      out.writeLong(scoredAt);
      if (eventTime == null) {
        out.writeIndex(0);
      } else {
        out.writeIndex(1);
        out.writeLong(eventTime);
      }
      out.writeLong(Math.max(0, scoredAt - recordTimestamp));
      if (challenger == null) {
        out.writeIndex(0);
      } else {
        out.writeIndex(1);
        out.writeString(challenger.version());
        out.writeString(challenger.result().label());
        out.writeIndex(0);   // predicted_value: build() leaves it null for challengers too
        writeScores(out, challenger.result().scores());
      }
    });
  }

  /** predicted_label, predicted_value, scores. */
  private static void writeAnswer(Encoder out, ScoreResult result) throws IOException {
    out.writeString(result.label());
    Double value = regressionValue(result);
    if (value == null) {
      out.writeIndex(0);
    } else {
      out.writeIndex(1);
      out.writeDouble(value);
    }
    writeScores(out, result.scores());
  }

  private static void writeScores(Encoder out, Map<String, Double> scores) throws IOException {
    out.writeMapStart();
    out.setItemCount(scores.size());
    for (Map.Entry<String, Double> score : scores.entrySet()) {
      out.startItem();
      out.writeString(score.getKey());
      out.writeDouble(score.getValue());
    }
    out.writeMapEnd();
  }

  private static Double regressionValue(ScoreResult result) {
    return result.scores().size() == 1 ? result.scores().get(ModelScorer.VALUE) : null;
  }

  /**
   * @param key the input record's key bytes, or null
   * @param recordTimestamp the input record's Kafka timestamp, the start of the latency measurement
   */
  public GenericRecord build(GenericRecord event, byte[] key, ScoreResult result, String modelName,
      String modelVersion, EventScorer.Challenged challenger, long scoredAt, long recordTimestamp) {
    return build(eventId(event), eventTime(event), key, result, modelName, modelVersion, challenger, scoredAt,
        recordTimestamp);
  }

  private GenericRecord build(String eventId, Long eventTime, byte[] key, ScoreResult result, String modelName,
      String modelVersion, EventScorer.Challenged challenger, long scoredAt, long recordTimestamp) {
    GenericRecord prediction = new GenericData.Record(predictionSchema);
    prediction.put("event_id", eventId);
    prediction.put("key", key == null ? null : ByteBuffer.wrap(key));
    prediction.put("model_name", modelName);
    prediction.put("model_version", modelVersion);
    prediction.put("predicted_label", result.label());
    prediction.put("predicted_value", regressionValue(result));
    prediction.put("scores", result.scores());
    prediction.put("scored_at", scoredAt);
    prediction.put("event_time", eventTime);
    prediction.put("latency_ms", Math.max(0, scoredAt - recordTimestamp));
    prediction.put("challenger", challenger == null ? null : challengerRecord(challenger));
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

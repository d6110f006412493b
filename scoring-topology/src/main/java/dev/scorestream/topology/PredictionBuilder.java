package dev.scorestream.topology;

import dev.scorestream.model.ModelScorer;
import dev.scorestream.model.ScoreResult;
import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Builds {@code Prediction} records (schemas module, {@code Prediction.avsc}) from a scored event. Reads
 * the event id and event time from the configured fields of the reader schema.
 */
public final class PredictionBuilder {

  private final Schema predictionSchema;
  private final Schema challengerSchema;
  private final int eventIdPosition;
  private final int eventTimePosition;

  /**
   * @param eventIdField reader-schema field holding the event id
   * @param eventTimeField reader-schema field holding the event time (epoch millis), or empty for none
   * @throws IllegalArgumentException naming a field the reader schema lacks
   */
  public PredictionBuilder(Schema predictionSchema, Schema readerSchema, String eventIdField, String eventTimeField) {
    this.predictionSchema = predictionSchema;
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

  /**
   * @param key the input record's key bytes, or null
   * @param recordTimestamp the input record's Kafka timestamp, the start of the latency measurement
   */
  public GenericRecord build(GenericRecord event, byte[] key, ScoreResult result, String modelName,
      String modelVersion, EventScorer.Challenged challenger, long scoredAt, long recordTimestamp) {
    GenericRecord prediction = new GenericData.Record(predictionSchema);
    prediction.put("event_id", eventId(event));
    prediction.put("key", key == null ? null : ByteBuffer.wrap(key));
    prediction.put("model_name", modelName);
    prediction.put("model_version", modelVersion);
    prediction.put("predicted_label", result.label());
    Double value = result.scores().size() == 1 ? result.scores().get(ModelScorer.VALUE) : null;
    prediction.put("predicted_value", value);
    prediction.put("scores", result.scores());
    prediction.put("scored_at", scoredAt);
    Object eventTime = eventTimePosition < 0 ? null : event.get(eventTimePosition);
    prediction.put("event_time", eventTime instanceof Number time ? time.longValue() : null);
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

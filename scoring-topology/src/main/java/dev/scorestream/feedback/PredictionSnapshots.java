package dev.scorestream.feedback;

import dev.scorestream.codec.WireFormatEncoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * What the feedback join keeps of each prediction until its label arrives: the sanitized event (as
 * the feature extractor saw it) and the model's answer. Internal to the pipeline (a state store and
 * its changelog), never registered; encoded with the reader schema embedded. Not thread-safe: one
 * per task.
 */
public final class PredictionSnapshots {

  /** A stored prediction. */
  public record Snapshot(
      String eventId,
      String modelVersion,
      String predictedLabel,
      Double predictedValue,
      Map<String, Double> scores,
      long eventTime,
      GenericRecord event) {}

  private final Schema schema;
  private final WireFormatEncoder encoder;
  private final GenericDatumReader<GenericRecord> reader;
  private BinaryDecoder decoder;

  public PredictionSnapshots(Schema readerSchema) {
    Schema optionalDouble =
        Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.DOUBLE));
    this.schema =
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
    this.encoder = new WireFormatEncoder(schema, 0);
    this.reader = new GenericDatumReader<>(schema);
  }

  public byte[] encode(Snapshot snapshot) {
    GenericRecord record = new GenericData.Record(schema);
    record.put("event_id", snapshot.eventId());
    record.put("model_version", snapshot.modelVersion());
    record.put("predicted_label", snapshot.predictedLabel());
    record.put("predicted_value", snapshot.predictedValue());
    record.put("scores", snapshot.scores());
    record.put("event_time", snapshot.eventTime());
    record.put("event", snapshot.event());
    return encoder.encode(record);
  }

  @SuppressWarnings("unchecked")
  public Snapshot decode(byte[] bytes) {
    decoder = DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, decoder);
    try {
      GenericRecord record = reader.read(null, decoder);
      Map<String, Double> scores = new java.util.TreeMap<>();
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
}

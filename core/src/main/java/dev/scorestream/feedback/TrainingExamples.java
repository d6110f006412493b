package dev.scorestream.feedback;

import dev.scorestream.schemas.LabelledRecord;
import java.util.List;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * The {@code TrainingExample} contract of the training topic ({@code events.training}): a labelled
 * event exactly as the feature extractor saw it (the sanitized reader-schema record), with the
 * label's provenance. Its schema embeds the reader schema, so it is built from it, and Avro
 * resolution reads examples written under an older reader schema.
 *
 * <pre>
 *   TrainingExample { event_id: string, label: string, labelled_at: timestamp-millis,
 *                     predicted_label: [null, string], model_version: [null, string], event: &lt;reader schema&gt; }
 * </pre>
 */
public final class TrainingExamples {

  private final Schema schema;

  public TrainingExamples(Schema readerSchema) {
    Schema labelledAt = LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG));
    Schema optionalString =
        Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING));
    this.schema =
        Schema.createRecord(
            "TrainingExample",
            "A labelled event as the feature extractor saw it.",
            "dev.scorestream.avro",
            false,
            List.of(
                new Schema.Field("event_id", Schema.create(Schema.Type.STRING)),
                new Schema.Field("label", Schema.create(Schema.Type.STRING)),
                new Schema.Field("labelled_at", labelledAt),
                new Schema.Field(
                    "predicted_label", optionalString, null, Schema.Field.NULL_DEFAULT_VALUE),
                new Schema.Field(
                    "model_version", optionalString, null, Schema.Field.NULL_DEFAULT_VALUE),
                new Schema.Field("event", readerSchema)));
  }

  public Schema schema() {
    return schema;
  }

  public GenericRecord create(
      String eventId,
      String label,
      long labelledAt,
      String predictedLabel,
      String modelVersion,
      GenericRecord event) {
    GenericRecord example = new GenericData.Record(schema);
    example.put("event_id", eventId);
    example.put("label", label);
    example.put("labelled_at", labelledAt);
    example.put("predicted_label", predictedLabel);
    example.put("model_version", modelVersion);
    example.put("event", event);
    return example;
  }

  public static LabelledRecord toLabelled(GenericRecord example) {
    return new LabelledRecord(
        (GenericRecord) example.get("event"), example.get("label").toString());
  }
}

package dev.scorestream.feedback;

import dev.scorestream.schemas.LabelledRecord;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * The {@code TrainingExample} contract of the training topic ({@code events.training}): a labelled
 * event exactly as the feature extractor saw it (the sanitized reader-schema record), with the
 * label's provenance and both answers the stream gave it: the champion's scores, and the
 * challenger's when one scored it in shadow. Its schema embeds the reader schema, so it is built
 * from it, and Avro resolution reads examples written under an older reader schema; the fields
 * after {@code event} are optional, so examples written before them still read.
 *
 * <pre>
 *   TrainingExample { event_id: string, label: string, labelled_at: timestamp-millis,
 *                     predicted_label: [null, string], model_version: [null, string],
 *                     event: &lt;reader schema&gt;, event_time: [null, timestamp-millis],
 *                     scores: [null, map&lt;double&gt;],
 *                     challenger: [null, ChallengerAnswer { model_version: string,
 *                                  predicted_label: [null, string] (null: it failed),
 *                                  scores: [null, map&lt;double&gt;] }] }
 * </pre>
 */
public final class TrainingExamples {

  /**
   * The two answers of one labelled event, as the shadow comparison reads them.
   *
   * @param championScores the champion's scores, empty for examples written before they were kept
   * @param challenger the challenger's answer, or null when none scored the event
   */
  public record Answers(
      String label,
      String championVersion,
      String championLabel,
      Map<String, Double> championScores,
      PredictionSnapshots.Challenger challenger) {}

  private final Schema schema;
  private final Schema challengerSchema;

  public TrainingExamples(Schema readerSchema) {
    Schema timestamp = LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG));
    Schema optionalString = optional(Schema.create(Schema.Type.STRING));
    Schema optionalScores = optional(Schema.createMap(Schema.create(Schema.Type.DOUBLE)));
    this.challengerSchema =
        Schema.createRecord(
            "ChallengerAnswer",
            "The challenger's answer in shadow; predicted_label is null when it failed.",
            "dev.scorestream.avro",
            false,
            List.of(
                new Schema.Field("model_version", Schema.create(Schema.Type.STRING)),
                new Schema.Field(
                    "predicted_label", optionalString, null, Schema.Field.NULL_DEFAULT_VALUE),
                new Schema.Field("scores", optionalScores, null, Schema.Field.NULL_DEFAULT_VALUE)));
    this.schema =
        Schema.createRecord(
            "TrainingExample",
            "A labelled event as the feature extractor saw it.",
            "dev.scorestream.avro",
            false,
            List.of(
                new Schema.Field("event_id", Schema.create(Schema.Type.STRING)),
                new Schema.Field("label", Schema.create(Schema.Type.STRING)),
                new Schema.Field("labelled_at", timestamp),
                new Schema.Field(
                    "predicted_label", optionalString, null, Schema.Field.NULL_DEFAULT_VALUE),
                new Schema.Field(
                    "model_version", optionalString, null, Schema.Field.NULL_DEFAULT_VALUE),
                new Schema.Field("event", readerSchema),
                new Schema.Field(
                    "event_time",
                    optional(
                        LogicalTypes.timestampMillis()
                            .addToSchema(Schema.create(Schema.Type.LONG))),
                    null,
                    Schema.Field.NULL_DEFAULT_VALUE),
                new Schema.Field("scores", optionalScores, null, Schema.Field.NULL_DEFAULT_VALUE),
                new Schema.Field(
                    "challenger",
                    optional(challengerSchema),
                    null,
                    Schema.Field.NULL_DEFAULT_VALUE)));
  }

  private static Schema optional(Schema type) {
    return Schema.createUnion(Schema.create(Schema.Type.NULL), type);
  }

  public Schema schema() {
    return schema;
  }

  /** The training example of a prediction joined with its label at {@code labelledAt}. */
  public GenericRecord create(
      PredictionSnapshots.Snapshot prediction, String label, long labelledAt) {
    GenericRecord example = new GenericData.Record(schema);
    example.put("event_id", prediction.eventId());
    example.put("label", label);
    example.put("labelled_at", labelledAt);
    example.put("predicted_label", prediction.predictedLabel());
    example.put("model_version", prediction.modelVersion());
    example.put("event", prediction.event());
    example.put("event_time", prediction.eventTime());
    example.put("scores", prediction.scores());
    PredictionSnapshots.Challenger challenger = prediction.challenger();
    if (challenger != null) {
      GenericRecord answer = new GenericData.Record(challengerSchema);
      answer.put("model_version", challenger.version());
      answer.put("predicted_label", challenger.label());
      answer.put("scores", challenger.failed() ? null : challenger.scores());
      example.put("challenger", answer);
    }
    return example;
  }

  public static LabelledRecord toLabelled(GenericRecord example) {
    return new LabelledRecord(
        (GenericRecord) example.get("event"), example.get("label").toString());
  }

  /** The event time of an example, or null for examples written before it was kept. */
  public static Long eventTime(GenericRecord example) {
    return example.getSchema().getField("event_time") == null
        ? null
        : (Long) example.get("event_time");
  }

  /** Both answers of an example (read with this class's schema, or any that has its fields). */
  public static Answers answers(GenericRecord example) {
    GenericRecord challenger =
        example.getSchema().getField("challenger") == null
            ? null
            : (GenericRecord) example.get("challenger");
    return new Answers(
        example.get("label").toString(),
        text(example.get("model_version")),
        text(example.get("predicted_label")),
        example.getSchema().getField("scores") == null ? Map.of() : scores(example.get("scores")),
        challenger == null
            ? null
            : new PredictionSnapshots.Challenger(
                challenger.get("model_version").toString(),
                text(challenger.get("predicted_label")),
                scores(challenger.get("scores"))));
  }

  private static String text(Object value) {
    return value == null ? null : value.toString();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Double> scores(Object value) {
    if (value == null) {
      return Map.of();
    }
    Map<String, Double> scores = new HashMap<>();
    ((Map<CharSequence, Double>) value).forEach((k, v) -> scores.put(k.toString(), v));
    return scores;
  }
}

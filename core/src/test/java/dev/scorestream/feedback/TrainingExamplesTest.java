package dev.scorestream.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.payments.PaymentGenerator;
import dev.scorestream.schemas.Contracts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

/**
 * The training example carries both answers of a labelled event through Avro, and examples written
 * before the answers were kept still read.
 */
class TrainingExamplesTest {

  static final Schema READER = Contracts.paymentEvent();
  static final long EVENT_TIME = 1_764_000_000_123L;
  static final long LABELLED_AT = 1_764_000_600_000L;
  static final Map<String, Double> CHAMPION_SCORES = Map.of("FRAUD", 0.8, "LEGIT", 0.2);

  final TrainingExamples examples = new TrainingExamples(READER);
  final GenericRecord event = new PaymentGenerator(READER, 3).next(EVENT_TIME).record();

  PredictionSnapshots.Snapshot snapshot(PredictionSnapshots.Challenger challenger) {
    return new PredictionSnapshots.Snapshot(
        "e-1", "v3", "FRAUD", null, CHAMPION_SCORES, EVENT_TIME, event, challenger);
  }

  static byte[] encode(Schema schema, GenericRecord record) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
    new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
    encoder.flush();
    return bytes.toByteArray();
  }

  static GenericRecord decode(Schema writer, Schema reader, byte[] bytes) throws IOException {
    return new GenericDatumReader<GenericRecord>(writer, reader)
        .read(null, DecoderFactory.get().binaryDecoder(bytes, null));
  }

  /** Created, then written and read as the training topic's consumers read it. */
  GenericRecord throughAvro(PredictionSnapshots.Challenger challenger) throws IOException {
    GenericRecord created = examples.create(snapshot(challenger), "LEGIT", LABELLED_AT);
    assertThat(GenericData.get().validate(examples.schema(), created)).isTrue();
    return decode(examples.schema(), examples.schema(), encode(examples.schema(), created));
  }

  @Test
  void shouldCarryTheChampionsAndTheChallengersAnswers() throws IOException {
    PredictionSnapshots.Challenger challenger =
        new PredictionSnapshots.Challenger("v4", "LEGIT", Map.of("FRAUD", 0.3, "LEGIT", 0.7));

    GenericRecord example = throughAvro(challenger);

    assertThat(TrainingExamples.answers(example))
        .isEqualTo(
            new TrainingExamples.Answers("LEGIT", "v3", "FRAUD", CHAMPION_SCORES, challenger));
    assertThat(TrainingExamples.eventTime(example)).isEqualTo(EVENT_TIME);
    assertThat(example.get("labelled_at")).isEqualTo(LABELLED_AT);
    assertThat(TrainingExamples.toLabelled(example).label()).isEqualTo("LEGIT");
    assertThat(TrainingExamples.toLabelled(example).record()).hasToString(event.toString());
  }

  @Test
  void shouldCarryAChallengersFailureAsANullLabelWithoutScores() throws IOException {
    PredictionSnapshots.Challenger failed =
        new PredictionSnapshots.Challenger("v4", null, Map.of());

    GenericRecord example = throughAvro(failed);

    GenericRecord block = (GenericRecord) example.get("challenger");
    assertThat(block.get("model_version")).hasToString("v4");
    assertThat(block.get("predicted_label")).isNull();
    assertThat(block.get("scores")).isNull();
    TrainingExamples.Answers answers = TrainingExamples.answers(example);
    assertThat(answers.challenger()).isEqualTo(failed);
    assertThat(answers.challenger().failed()).isTrue();
    assertThat(answers.championScores()).isEqualTo(CHAMPION_SCORES);
  }

  @Test
  void shouldCarryNoChallengerWhenNoneScoredTheEvent() throws IOException {
    GenericRecord example = throughAvro(null);

    assertThat(example.get("challenger")).isNull();
    assertThat(TrainingExamples.answers(example))
        .isEqualTo(new TrainingExamples.Answers("LEGIT", "v3", "FRAUD", CHAMPION_SCORES, null));
  }

  /** TrainingExample as it was before event_time, scores and challenger: written out by hand. */
  static Schema oldSchema() {
    return new Schema.Parser()
        .parse(
            """
            {"type": "record", "name": "TrainingExample", "namespace": "dev.scorestream.avro",
             "fields": [
               {"name": "event_id", "type": "string"},
               {"name": "label", "type": "string"},
               {"name": "labelled_at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
               {"name": "predicted_label", "type": ["null", "string"], "default": null},
               {"name": "model_version", "type": ["null", "string"], "default": null},
               {"name": "event", "type": %s}]}
            """
                .formatted(READER));
  }

  @Test
  void shouldReadAnExampleWrittenBeforeTheAnswersWereKept() throws IOException {
    Schema old = oldSchema();
    GenericRecord written = new GenericData.Record(old);
    written.put("event_id", "e-old");
    written.put("label", "FRAUD");
    written.put("labelled_at", LABELLED_AT);
    written.put("predicted_label", "LEGIT");
    written.put("model_version", "v1");
    written.put("event", event);

    GenericRecord resolved = decode(old, examples.schema(), encode(old, written));

    for (GenericRecord example : List.of(resolved, written)) {
      assertThat(TrainingExamples.eventTime(example)).isNull();
      assertThat(TrainingExamples.answers(example))
          .isEqualTo(new TrainingExamples.Answers("FRAUD", "v1", "LEGIT", Map.of(), null));
    }
    assertThat(resolved.getSchema()).isEqualTo(examples.schema());
    assertThat(TrainingExamples.toLabelled(resolved).record().get("event_id"))
        .hasToString(event.get("event_id").toString());
  }
}

package dev.scorestream.topology;

import static dev.scorestream.topology.TopologyFixture.LABEL_ID;
import static dev.scorestream.topology.TopologyFixture.NOW;
import static dev.scorestream.topology.TopologyFixture.READER;
import static dev.scorestream.topology.TopologyFixture.READER_ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.scorestream.codec.DecodeResult;
import dev.scorestream.codec.WireFormatDecoder;
import dev.scorestream.codec.WireFormatEncoder;
import dev.scorestream.deadletter.DeadLetterHeaders;
import dev.scorestream.drift.DriftThresholds;
import dev.scorestream.feedback.FeedbackResult;
import dev.scorestream.model.BatchRecordingModel;
import dev.scorestream.model.ModelArtifact;
import dev.scorestream.model.ModelScorer;
import dev.scorestream.model.ReferenceModels;
import dev.scorestream.model.ScoreResult;
import dev.scorestream.payments.PaymentGenerator;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.training.TestModels;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.BytesDeserializer;
import org.apache.kafka.common.serialization.BytesSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The feedback join through the real topology: 1-minute label windows with 10 s grace, 1 h
 * retention.
 */
class FeedbackTopologyTest {

  static final long T0 = NOW.toEpochMilli();
  static final long LABELS_AT = T0 + 5 * 60_000;

  final WireFormatEncoder eventEncoder = new WireFormatEncoder(READER, READER_ID);
  final WireFormatEncoder labelEncoder = new WireFormatEncoder(Contracts.labelFeedback(), LABEL_ID);
  TopologyFixture fixture;
  TopologyTestDriver driver;
  TestInputTopic<Bytes, byte[]> events;
  TestInputTopic<Bytes, byte[]> labels;
  TestOutputTopic<Bytes, byte[]> predictions;
  TestOutputTopic<Bytes, byte[]> performance;
  TestOutputTopic<Bytes, byte[]> training;
  TestOutputTopic<Bytes, byte[]> deadLetters;

  @BeforeEach
  void start() {
    start(1);
  }

  /** Restarts the driver with the join spread over {@code partitions} partitions. */
  void start(int partitions) {
    if (driver != null) {
      driver.close();
    }
    fixture = new TopologyFixture(TestModels.logistic());
    driver =
        fixture.driver(
            TopologyFixture.analytics(
                DriftThresholds.DEFAULTS, Duration.ZERO, Duration.ZERO, partitions),
            OutcomeListener.NONE);
    events = driver.createInputTopic("events", new BytesSerializer(), new ByteArraySerializer());
    labels =
        driver.createInputTopic("events.labels", new BytesSerializer(), new ByteArraySerializer());
    predictions =
        driver.createOutputTopic(
            "events.predictions", new BytesDeserializer(), new ByteArrayDeserializer());
    performance =
        driver.createOutputTopic(
            "events.performance", new BytesDeserializer(), new ByteArrayDeserializer());
    training =
        driver.createOutputTopic(
            "events.training", new BytesDeserializer(), new ByteArrayDeserializer());
    deadLetters =
        driver.createOutputTopic(
            "events.dlq", new BytesDeserializer(), new ByteArrayDeserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  static Bytes key(String id) {
    return Bytes.wrap(id.getBytes(StandardCharsets.UTF_8));
  }

  /** Scores {@code count} events; returns event id -> prediction record. */
  Map<String, GenericRecord> score(int count) {
    PaymentGenerator generator = new PaymentGenerator(READER, 17);
    for (int i = 0; i < count; i++) {
      GenericRecord event = generator.next(T0 + i * 1000L).record();
      events.pipeInput(
          new TestRecord<>(
              key("customer-" + i),
              eventEncoder.encode(event),
              new RecordHeaders(),
              T0 + i * 1000L));
    }
    WireFormatDecoder decoder =
        new WireFormatDecoder(Contracts.prediction(), TopologyFixture.REGISTRY);
    Map<String, GenericRecord> byId = new LinkedHashMap<>();
    for (byte[] bytes : predictions.readValuesToList()) {
      GenericRecord prediction = ((DecodeResult.Decoded) decoder.decode(bytes)).record();
      byId.put(prediction.get("event_id").toString(), prediction);
    }
    assertThat(byId).hasSize(count);
    return byId;
  }

  void label(String eventId, String label, long labelTime) {
    GenericRecord feedback = new GenericData.Record(Contracts.labelFeedback());
    feedback.put("event_id", eventId);
    feedback.put("label", label);
    feedback.put("label_time", labelTime);
    labels.pipeInput(
        new TestRecord<>(
            key(eventId), labelEncoder.encode(feedback), new RecordHeaders(), labelTime));
  }

  static String other(String label) {
    return label.equals(PaymentGenerator.FRAUD) ? PaymentGenerator.LEGIT : PaymentGenerator.FRAUD;
  }

  static double score(GenericRecord prediction, String label) {
    @SuppressWarnings("unchecked")
    Map<Object, Double> scores = (Map<Object, Double>) prediction.get("scores");
    return scores.entrySet().stream()
        .filter(e -> e.getKey().toString().equals(label))
        .findFirst()
        .orElseThrow()
        .getValue();
  }

  List<GenericRecord> performanceReports() {
    WireFormatDecoder decoder =
        new WireFormatDecoder(Contracts.performanceReport(), TopologyFixture.REGISTRY);
    return performance.readValuesToList().stream()
        .map(bytes -> ((DecodeResult.Decoded) decoder.decode(bytes)).record())
        .toList();
  }

  @Test
  void shouldJoinLabelsToTheirPredictionsAndMeasureAKnownMix() {
    Map<String, GenericRecord> scored = score(40);
    List<String> ids = new ArrayList<>(scored.keySet());
    Map<String, String> truth = new HashMap<>();
    Map<String, long[]> perClass = new HashMap<>();
    double logLoss = 0;
    for (int i = 0; i < ids.size(); i++) {
      String predicted = scored.get(ids.get(i)).get("predicted_label").toString();
      String label = i % 4 == 3 ? other(predicted) : predicted; // 30 right, 10 wrong
      truth.put(ids.get(i), label);
      perClass.computeIfAbsent(label, l -> new long[3])[0]++;
      perClass.computeIfAbsent(predicted, l -> new long[3])[1]++;
      if (label.equals(predicted)) {
        perClass.get(label)[2]++;
      }
      logLoss += -Math.log(score(scored.get(ids.get(i)), label));
      label(ids.get(i), label, LABELS_AT + i * 100L);
    }
    label(ids.get(0), truth.get(ids.get(0)), LABELS_AT + 10_000);
    label(ids.get(1), truth.get(ids.get(1)), LABELS_AT + 10_000);
    for (int i = 0; i < 3; i++) {
      label("never-scored-" + i, PaymentGenerator.FRAUD, LABELS_AT + 20_000);
    }
    driver.advanceWallClockTime(
        TopologyFixture.LABEL_WAIT); // the unknown labels stop waiting: unmatched
    driver.advanceWallClockTime(Duration.ofSeconds(1));
    assertThat(performance.isEmpty()).as("label window still open").isTrue();
    label("closing-tick", PaymentGenerator.LEGIT, LABELS_AT + 5 * 60_000);
    driver.advanceWallClockTime(TopologyFixture.LABEL_WAIT);
    driver.advanceWallClockTime(Duration.ofSeconds(1));

    List<GenericRecord> reports = performanceReports();
    assertThat(reports).hasSize(2);
    GenericRecord model =
        reports.stream()
            .filter(r -> r.get("model_version").toString().equals("test-v1"))
            .findFirst()
            .orElseThrow();
    GenericRecord orphans =
        reports.stream()
            .filter(r -> r.get("model_version").toString().isEmpty())
            .findFirst()
            .orElseThrow();
    assertThat(model.get("window_start")).isEqualTo(LABELS_AT);
    assertThat(model.get("labels")).isEqualTo(42L);
    assertThat(model.get("matched")).isEqualTo(40L);
    assertThat(model.get("duplicates")).isEqualTo(2L);
    assertThat(model.get("unmatched")).isEqualTo(0L);
    assertThat((Double) model.get("accuracy")).isCloseTo(0.75, within(1e-12));
    assertThat((Double) model.get("baseline_accuracy"))
        .isEqualTo(TestModels.logistic().metadata().evaluation().accuracy());
    assertThat((Double) model.get("log_loss")).isCloseTo(logLoss / 40, within(1e-9));
    @SuppressWarnings("unchecked")
    Map<Object, GenericRecord> classes = (Map<Object, GenericRecord>) model.get("per_class");
    classes.forEach(
        (label, stats) -> {
          long[] expected = perClass.get(label.toString());
          assertThat(stats.get("support")).isEqualTo(expected[0]);
          assertThat(stats.get("predicted")).isEqualTo(expected[1]);
          assertThat(stats.get("true_positives")).isEqualTo(expected[2]);
          if (expected[1] > 0) {
            assertThat((Double) stats.get("precision"))
                .isCloseTo((double) expected[2] / expected[1], within(1e-12));
          }
          assertThat((Double) stats.get("recall"))
              .isCloseTo((double) expected[2] / expected[0], within(1e-12));
        });
    GenericRecord delay = (GenericRecord) model.get("label_delay");
    assertThat((Long) delay.get("max_ms"))
        .as("the first event waited longest")
        .isEqualTo(LABELS_AT - T0);
    assertThat((Double) delay.get("mean_ms")).isCloseTo(LABELS_AT - T0 - 19.5 * 900, within(1e-6));
    assertThat(((List<?>) delay.get("bucket_counts")).stream().mapToLong(c -> (Long) c).sum())
        .isEqualTo(40L);
    assertThat(orphans.get("unmatched")).isEqualTo(3L);
    assertThat(orphans.get("accuracy")).isNull();
  }

  @Test
  void shouldJoinALabelThatOvertookItsPrediction() {
    PaymentGenerator generator = new PaymentGenerator(READER, 23);
    GenericRecord event = generator.next(T0).record();
    String id = event.get("event_id").toString();
    label(id, PaymentGenerator.FRAUD, LABELS_AT);
    driver.advanceWallClockTime(TopologyFixture.LABEL_WAIT.minusSeconds(5));
    assertThat(training.isEmpty()).as("the label waits").isTrue();

    events.pipeInput(
        new TestRecord<>(key("c"), eventEncoder.encode(event), new RecordHeaders(), T0));
    assertThat(training.isEmpty()).as("the prediction does not look for labels").isTrue();
    driver.advanceWallClockTime(Duration.ofSeconds(1));

    WireFormatDecoder decoder =
        new WireFormatDecoder(TopologyFixture.TRAINING, TopologyFixture.REGISTRY);
    List<byte[]> examples = training.readValuesToList();
    assertThat(examples)
        .singleElement()
        .satisfies(
            bytes ->
                assertThat(((DecodeResult.Decoded) decoder.decode(bytes)).record().get("event_id"))
                    .hasToString(id));
    driver.advanceWallClockTime(TopologyFixture.LABEL_WAIT);
    label(id, PaymentGenerator.FRAUD, LABELS_AT + 1);
    assertThat(training.isEmpty()).as("a later label is a duplicate").isTrue();
  }

  @Test
  void shouldCountALabelAsUnmatchedOnlyAfterItsWait() {
    List<FeedbackResult> results = new ArrayList<>();
    driver.close();
    driver =
        new TopologyFixture(TestModels.logistic())
            .driver(
                TopologyFixture.analytics(DriftThresholds.DEFAULTS),
                new OutcomeListener() {
                  @Override
                  public void label(FeedbackResult result) {
                    results.add(result);
                  }
                });
    labels =
        driver.createInputTopic("events.labels", new BytesSerializer(), new ByteArraySerializer());
    label("unknown", PaymentGenerator.FRAUD, LABELS_AT);
    label("unknown", PaymentGenerator.FRAUD, LABELS_AT + 1);
    driver.advanceWallClockTime(TopologyFixture.LABEL_WAIT.minusSeconds(1));
    assertThat(results).singleElement().isInstanceOf(FeedbackResult.Duplicate.class);

    driver.advanceWallClockTime(Duration.ofSeconds(1));
    assertThat(results).hasSize(2).last().isInstanceOf(FeedbackResult.Unmatched.class);
  }

  @ParameterizedTest(name = "join over {0} partition(s)")
  @ValueSource(ints = {1, 4})
  void shouldWriteEachJoinedPairOnceAsATrainingExample(int partitions) {
    start(partitions);
    Map<String, GenericRecord> scored = score(12);
    List<String> ids = new ArrayList<>(scored.keySet());
    // The driver runs as partition 0: with 4 partitions, snapshots of ids hashing elsewhere travel
    // through the repartition topic, the others stay. Both kinds are here.
    long travelling =
        ids.stream()
            .filter(
                id ->
                    Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8)))
                            % partitions
                        != 0)
            .count();
    assertThat(travelling).isBetween(partitions == 1 ? 0L : 1L, partitions == 1 ? 0L : 11L);
    for (String id : ids) {
      label(id, PaymentGenerator.FRAUD, LABELS_AT);
    }
    label(ids.get(2), PaymentGenerator.LEGIT, LABELS_AT + 1);

    // Labels keyed by event id on their prediction's partition go straight to the join; only the
    // others take the labels repartition topic.
    long labelsElsewhere =
        travelling
            + (Utils.toPositive(Utils.murmur2(ids.get(2).getBytes(StandardCharsets.UTF_8)))
                        % partitions
                    != 0
                ? 1
                : 0);
    assertThat(
            TopologyFixture.output(driver, "scoring-test-feedback-labels-repartition")
                .getQueueSize())
        .isEqualTo(labelsElsewhere);
    WireFormatDecoder decoder =
        new WireFormatDecoder(TopologyFixture.TRAINING, TopologyFixture.REGISTRY);
    List<TestRecord<Bytes, byte[]>> examples = training.readRecordsToList();
    assertThat(examples).hasSize(12);
    for (TestRecord<Bytes, byte[]> record : examples) {
      GenericRecord example = ((DecodeResult.Decoded) decoder.decode(record.value())).record();
      String id = example.get("event_id").toString();
      assertThat(new String(record.key().get(), StandardCharsets.UTF_8)).isEqualTo(id);
      assertThat(example.get("label")).hasToString(PaymentGenerator.FRAUD);
      assertThat(example.get("predicted_label"))
          .hasToString(scored.get(id).get("predicted_label").toString());
      assertThat(example.get("model_version")).hasToString("test-v1");
      GenericRecord event = (GenericRecord) example.get("event");
      assertThat(event.get("event_id")).hasToString(id);
      assertThat(event.get("amount")).isNotNull();
    }
    assertThat(examples.stream().map(r -> new String(r.key().get(), StandardCharsets.UTF_8)))
        .containsExactlyInAnyOrderElementsOf(ids);
  }

  /** Labels every scored event FRAUD; returns the training examples the join wrote, by event id. */
  Map<String, GenericRecord> labelledExamples(Map<String, GenericRecord> scored) {
    for (String id : scored.keySet()) {
      label(id, PaymentGenerator.FRAUD, LABELS_AT);
    }
    WireFormatDecoder decoder =
        new WireFormatDecoder(TopologyFixture.TRAINING, TopologyFixture.REGISTRY);
    Map<String, GenericRecord> byId = new LinkedHashMap<>();
    for (byte[] bytes : training.readValuesToList()) {
      GenericRecord example = ((DecodeResult.Decoded) decoder.decode(bytes)).record();
      byId.put(example.get("event_id").toString(), example);
    }
    assertThat(byId.keySet()).containsExactlyInAnyOrderElementsOf(scored.keySet());
    return byId;
  }

  static Map<String, Double> scores(Object avroMap) {
    assertThat(avroMap).as("scores").isNotNull();
    Map<String, Double> scores = new HashMap<>();
    ((Map<?, ?>) avroMap).forEach((k, v) -> scores.put(k.toString(), (Double) v));
    return scores;
  }

  @Test
  void shouldCarryTheChampionsAndTheChallengersAnswersInEachTrainingExample() {
    ModelScorer challenger = new ModelScorer(ReferenceModels.load(ReferenceModels.LOGISTIC_V2));
    fixture.model.setChallenger(challenger);

    Map<String, GenericRecord> scored = score(12);
    Map<String, GenericRecord> examples = labelledExamples(scored);

    examples.forEach(
        (id, example) -> {
          GenericRecord prediction = scored.get(id);
          GenericRecord event = (GenericRecord) example.get("event");
          assertThat(example.get("model_version")).hasToString("test-v1");
          assertThat(scores(example.get("scores"))).isEqualTo(scores(prediction.get("scores")));
          assertThat(example.get("event_time"))
              .isEqualTo(prediction.get("event_time"))
              .isEqualTo(event.get("event_time"));
          ScoreResult expected =
              challenger.score(challenger.example(event, TestModels.extractor()));
          GenericRecord shadow = (GenericRecord) example.get("challenger");
          assertThat(shadow).as("the challenger's block").isNotNull();
          assertThat(shadow.get("model_version")).hasToString(ReferenceModels.LOGISTIC_V2);
          assertThat(shadow.get("predicted_label")).hasToString(expected.label());
          scores(shadow.get("scores"))
              .forEach(
                  (label, score) ->
                      assertThat(score).isCloseTo(expected.scores().get(label), within(1e-12)));
          assertThat(scores(shadow.get("scores"))).containsOnlyKeys(expected.scores().keySet());
        });
    assertThat(fixture.model.challengerScored()).isEqualTo(12);
  }

  @Test
  void shouldMarkTheChallengersFailureWithANullLabelInItsBlock() {
    ModelArtifact real = ReferenceModels.load(ReferenceModels.LOGISTIC_V2);
    GenericRecord victim = new PaymentGenerator(READER, 17).next(T0).record();
    double poison = (Double) victim.get("amount");
    BatchRecordingModel refusing = BatchRecordingModel.refusing(real.model(), "amount", poison);
    fixture.model.setChallenger(
        new ModelScorer(
            new ModelArtifact(null, refusing, real.metadata(), real.baseline(), List.of())));

    Map<String, GenericRecord> scored = score(6);
    Map<String, GenericRecord> examples = labelledExamples(scored);

    GenericRecord failed = examples.get(victim.get("event_id").toString());
    GenericRecord block = (GenericRecord) failed.get("challenger");
    assertThat(block).as("the failed challenger still has its block").isNotNull();
    assertThat(block.get("model_version")).hasToString(ReferenceModels.LOGISTIC_V2);
    assertThat(block.get("predicted_label")).isNull();
    assertThat(block.get("scores")).isNull();
    assertThat(failed.get("predicted_label"))
        .as("the champion's answer stands")
        .hasToString(
            scored.get(victim.get("event_id").toString()).get("predicted_label").toString());
    assertThat(examples.values())
        .filteredOn(example -> example != failed)
        .hasSize(5)
        .allSatisfy(
            example ->
                assertThat(((GenericRecord) example.get("challenger")).get("predicted_label"))
                    .isNotNull());
    assertThat(fixture.model.challengerFailed()).isEqualTo(1);
  }

  @Test
  void shouldDeadLetterLabelsWhoseEventIdOrLabelIsNotUtf8() {
    byte[] badId = {'e', '-', (byte) 0xC3, '1'};
    GenericRecord feedback = new GenericData.Record(Contracts.labelFeedback());
    feedback.put("event_id", "ignored: the key is the id");
    feedback.put("label", PaymentGenerator.FRAUD);
    feedback.put("label_time", LABELS_AT);
    byte[] keyed = labelEncoder.encode(feedback);
    labels.pipeInput(new TestRecord<>(Bytes.wrap(badId), keyed, new RecordHeaders(), LABELS_AT));

    feedback.put("event_id", new Utf8(badId));
    byte[] byField = labelEncoder.encode(feedback);
    labels.pipeInput(new TestRecord<>((Bytes) null, byField, new RecordHeaders(), LABELS_AT));

    feedback.put("event_id", "e-3");
    feedback.put("label", new Utf8(new byte[] {'F', (byte) 0xFF}));
    byte[] badLabel = labelEncoder.encode(feedback);
    labels.pipeInput(new TestRecord<>(key("e-3"), badLabel, new RecordHeaders(), LABELS_AT));

    List<TestRecord<Bytes, byte[]>> letters = deadLetters.readRecordsToList();
    assertThat(letters).extracting(TestRecord::value).containsExactly(keyed, byField, badLabel);
    assertThat(letters)
        .extracting(
            letter ->
                new String(
                    letter.headers().lastHeader(DeadLetterHeaders.RULES).value(),
                    StandardCharsets.UTF_8))
        .containsExactly(
            LabelDecodingProcessor.RULE_EVENT_ID_UTF8,
            LabelDecodingProcessor.RULE_EVENT_ID_UTF8,
            LabelDecodingProcessor.RULE_LABEL_UTF8);
    assertThat(training.isEmpty()).isTrue();
  }

  @Test
  void shouldDeadLetterALabelFromBefore1970AndKeepJoiningTheOthers() {
    GenericRecord feedback = new GenericData.Record(Contracts.labelFeedback());
    feedback.put("event_id", "e-1");
    feedback.put("label", PaymentGenerator.FRAUD);
    feedback.put("label_time", -14_036_375_487L);
    byte[] bytes = labelEncoder.encode(feedback);
    labels.pipeInput(new TestRecord<>(key("e-1"), bytes, new RecordHeaders(), LABELS_AT));

    List<TestRecord<Bytes, byte[]>> letters = deadLetters.readRecordsToList();
    assertThat(letters)
        .singleElement()
        .satisfies(letter -> assertThat(letter.value()).isEqualTo(bytes));
    assertThat(
            new String(
                letters.get(0).headers().lastHeader(DeadLetterHeaders.RULES).value(),
                StandardCharsets.UTF_8))
        .isEqualTo(LabelDecodingProcessor.RULE_LABEL_TIME);
  }

  @Test
  void shouldDeadLetterALabelWithoutLabelOrValue() {
    GenericRecord feedback = new GenericData.Record(Contracts.labelFeedback());
    feedback.put("event_id", "e-1");
    feedback.put("label_time", LABELS_AT);
    byte[] bytes = labelEncoder.encode(feedback);
    labels.pipeInput(new TestRecord<>(key("e-1"), bytes, new RecordHeaders(), LABELS_AT));
    labels.pipeInput(
        new TestRecord<>(key("e-2"), new byte[] {1, 2, 3}, new RecordHeaders(), LABELS_AT));

    List<TestRecord<Bytes, byte[]>> letters = deadLetters.readRecordsToList();
    assertThat(letters).hasSize(2);
    assertThat(letters.get(0).value()).isEqualTo(bytes);
    assertThat(
            new String(
                letters.get(0).headers().lastHeader(DeadLetterHeaders.REASON).value(),
                StandardCharsets.UTF_8))
        .isEqualTo("RULE_VIOLATION");
    assertThat(
            new String(
                letters.get(0).headers().lastHeader(DeadLetterHeaders.RULES).value(),
                StandardCharsets.UTF_8))
        .contains(LabelDecodingProcessor.RULE_LABEL);
    assertThat(
            new String(
                letters.get(0).headers().lastHeader(DeadLetterHeaders.TOPIC).value(),
                StandardCharsets.UTF_8))
        .isEqualTo("events.labels");
    assertThat(
            new String(
                letters.get(1).headers().lastHeader(DeadLetterHeaders.REASON).value(),
                StandardCharsets.UTF_8))
        .isEqualTo("NOT_WIRE_FORMAT");
    assertThat(training.isEmpty()).isTrue();
  }
}

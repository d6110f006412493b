package dev.scorestream.topology;

import static dev.scorestream.topology.TopologyFixture.NOW;
import static dev.scorestream.topology.TopologyFixture.READER;
import static dev.scorestream.topology.TopologyFixture.READER_ID;
import static dev.scorestream.topology.TopologyFixture.key;
import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.codec.DecodeResult;
import dev.scorestream.codec.WireFormatDecoder;
import dev.scorestream.codec.WireFormatEncoder;
import dev.scorestream.deadletter.DeadLetterHeaders;
import dev.scorestream.drift.DriftThresholds;
import dev.scorestream.enrichment.EntityHistory;
import dev.scorestream.feedback.TrainingExamples;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.schemas.Reason;
import dev.scorestream.training.CustomerActivity;
import dev.scorestream.training.TestModels;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.BytesDeserializer;
import org.apache.kafka.common.serialization.BytesSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A customer's recent payments as features through the topology: the history store read before and
 * written after each event, point in time by record timestamp, with and without the repartition by
 * customer, and a model that learned card testing (a third payment within a minute is fraud).
 */
class EntityFeaturesTopologyTest {

  static final long T0 = NOW.toEpochMilli();

  final Map<EntityHistory.Recorded, Integer> recorded = new EnumMap<>(EntityHistory.Recorded.class);
  final OutcomeListener listener =
      new OutcomeListener() {
        @Override
        public void entity(String entity, EntityHistory.Recorded outcome) {
          assertThat(entity).isEqualTo("customer");
          recorded.merge(outcome, 1, Integer::sum);
        }
      };

  final Schema training =
      new TrainingExamples(CustomerActivity.spec(false).enrichedSchema()).schema();
  final WireFormatEncoder eventEncoder = new WireFormatEncoder(READER, READER_ID);
  TopologyTestDriver driver;
  TestInputTopic<Bytes, byte[]> events;
  TestInputTopic<Bytes, byte[]> labels;
  TestOutputTopic<Bytes, byte[]> predictions;
  TestOutputTopic<Bytes, byte[]> deadLetters;
  TestOutputTopic<Bytes, byte[]> examples;
  final List<Double> amounts = new ArrayList<>();

  void start(boolean keyedInput) {
    TopologyFixture fixture = new TopologyFixture(CustomerActivity.model("burst-v1"));
    fixture.enrichment = CustomerActivity.spec(keyedInput);
    driver =
        fixture.driver(
            TopologyFixture.analytics(
                DriftThresholds.DEFAULTS, Duration.ZERO, Duration.ZERO, 1, training),
            listener);
    events = driver.createInputTopic("events", new BytesSerializer(), new ByteArraySerializer());
    labels =
        driver.createInputTopic("events.labels", new BytesSerializer(), new ByteArraySerializer());
    predictions =
        driver.createOutputTopic(
            "events.predictions", new BytesDeserializer(), new ByteArrayDeserializer());
    deadLetters =
        driver.createOutputTopic(
            "events.dlq", new BytesDeserializer(), new ByteArrayDeserializer());
    examples =
        driver.createOutputTopic(
            "events.training", new BytesDeserializer(), new ByteArrayDeserializer());
  }

  @AfterEach
  void stop() {
    if (driver != null) {
      driver.close();
    }
  }

  /** A payment of {@code customer} at {@code T0 + offset}, keyed by its event id. */
  void pay(String customer, String eventId, long offsetMillis) {
    pay(customer, eventId, offsetMillis, key(eventId));
  }

  void pay(String customer, String eventId, long offsetMillis, Bytes key) {
    GenericRecord payment = TestModels.payments(1, eventId.hashCode()).get(0).record();
    payment.put("customer_id", customer);
    payment.put("event_id", eventId);
    amounts.add((Double) payment.get("amount"));
    RecordHeaders headers = new RecordHeaders();
    headers.add("trace", eventId.getBytes(StandardCharsets.UTF_8));
    events.pipeInput(
        new TestRecord<>(key, eventEncoder.encode(payment), headers, T0 + offsetMillis));
  }

  /** The predicted label of the next prediction, checking it kept its event's key and headers. */
  String nextPrediction(String eventId) {
    TestRecord<Bytes, byte[]> record = predictions.readRecord();
    assertThat(record.key()).as("the prediction keeps its event's key").isEqualTo(key(eventId));
    assertThat(record.headers().toArray())
        .extracting(Header::key)
        .as("no internal header leaks into a prediction")
        .noneMatch(k -> k.startsWith("scorer.internal"));
    DecodeResult result =
        new WireFormatDecoder(Contracts.prediction(), TopologyFixture.REGISTRY)
            .decode(record.value());
    GenericRecord prediction = ((DecodeResult.Decoded) result).record();
    assertThat(prediction.get("event_id")).hasToString(eventId);
    return prediction.get("predicted_label").toString();
  }

  /** The enriched event a label's training example carries: what the model saw. */
  GenericRecord served(String eventId) {
    GenericRecord label = new GenericData.Record(Contracts.labelFeedback());
    label.put("event_id", eventId);
    label.put("label", "LEGIT");
    label.put("label_time", T0);
    labels.pipeInput(
        new TestRecord<>(
            key(eventId),
            new WireFormatEncoder(Contracts.labelFeedback(), TopologyFixture.LABEL_ID)
                .encode(label),
            new RecordHeaders(),
            T0));
    DecodeResult decoded =
        new WireFormatDecoder(training, id -> training).decode(examples.readValue());
    return (GenericRecord) ((DecodeResult.Decoded) decoded).record().get("event");
  }

  @Test
  void shouldFlagTheThirdPaymentOfABurstAfterRepartitioningByCustomer() {
    start(false);
    for (int i = 0; i < 4; i++) {
      pay("burst", "b" + i, i * 5_000L);
      pay("calm", "c" + i, i * 600_000L);
    }

    List<String> burst = new ArrayList<>();
    List<String> calm = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      burst.add(nextPrediction("b" + i));
      calm.add(nextPrediction("c" + i));
    }
    assertThat(burst).containsExactly("LEGIT", "LEGIT", "FRAUD", "FRAUD");
    assertThat(calm).containsExactly("LEGIT", "LEGIT", "LEGIT", "LEGIT");
    assertThat(driver.producedTopicNames())
        .as("events keyed by event id are repartitioned by customer")
        .contains("scoring-test-entity-customer-repartition")
        .contains("scoring-test-entity-customer-changelog");
    assertThat(recorded).containsEntry(EntityHistory.Recorded.RECORDED, 8).hasSize(1);
  }

  @Test
  void shouldServeAndTrainOnTheFeaturesOfTheEarlierPaymentsOnly() {
    start(false);
    pay("erin", "e0", 0);
    pay("erin", "e1", 20_000);
    pay("erin", "e2", 50_000);
    pay("erin", "e3", 90_000);

    GenericRecord third = served("e2");
    assertThat(third.get("customer_count_1m")).isEqualTo(2.0);
    assertThat((Double) third.get("customer_sum_amount_1m"))
        .isCloseTo(amounts.get(0) + amounts.get(1), org.assertj.core.data.Offset.offset(1e-9));
    assertThat(third.get("customer_max_amount_1m"))
        .isEqualTo(Math.max(amounts.get(0), amounts.get(1)));
    assertThat(third.get("customer_since_previous_s")).isEqualTo(30.0);
    GenericRecord fourth = served("e3");
    assertThat(fourth.get("customer_count_1m"))
        .as("e0 and e1 are over a minute old")
        .isEqualTo(1.0);
    assertThat(fourth.get("customer_count_1h")).isEqualTo(3.0);
    assertThat(served("e0").get("customer_since_previous_s"))
        .as("nothing before the first")
        .isEqualTo(-1.0);
  }

  @Test
  void shouldGiveALatePaymentOnlyWhatHappenedBeforeItsTimestamp() {
    start(false);
    pay("frank", "f0", 0);
    pay("frank", "f1", 40_000);
    pay("frank", "f2", 50_000);
    pay("frank", "late", 10_000); // arrives last, happened second

    GenericRecord late = served("late");
    assertThat(late.get("customer_count_1m")).as("only f0 is earlier").isEqualTo(1.0);
    assertThat(late.get("customer_since_previous_s")).isEqualTo(10.0);
    GenericRecord f2 = served("f2");
    assertThat(f2.get("customer_count_1m")).as("the late one had not arrived").isEqualTo(2.0);

    pay("frank", "after", 55_000);
    assertThat(served("after").get("customer_count_1m"))
        .as("but later payments count it")
        .isEqualTo(4.0);
    pay("frank", "too-late", 50_000 - 121_000);
    assertThat(recorded).containsEntry(EntityHistory.Recorded.LATE, 1);
  }

  @Test
  void shouldDeadLetterUnderTheSourceKeyAndCoordinatesAfterTheRepartition() {
    start(false);
    pay("gina", "g0", 0);
    RecordHeaders headers = new RecordHeaders();
    headers.add("trace", "broken".getBytes(StandardCharsets.UTF_8));
    events.pipeInput(
        new TestRecord<>(
            key("broken-key"), "not avro".getBytes(StandardCharsets.UTF_8), headers, T0));

    TestRecord<Bytes, byte[]> letter = deadLetters.readRecord();
    assertThat(letter.key()).isEqualTo(key("broken-key"));
    assertThat(letter.value()).isEqualTo("not avro".getBytes(StandardCharsets.UTF_8));
    assertThat(DeadLetterHeaders.get(letter.headers(), DeadLetterHeaders.REASON))
        .contains(Reason.NOT_WIRE_FORMAT.name());
    assertThat(DeadLetterHeaders.get(letter.headers(), DeadLetterHeaders.TOPIC)).contains("events");
    assertThat(DeadLetterHeaders.get(letter.headers(), DeadLetterHeaders.OFFSET)).contains("1");
    assertThat(DeadLetterHeaders.get(letter.headers(), "trace")).contains("broken");
    assertThat(letter.headers().toArray())
        .extracting(Header::key)
        .noneMatch(k -> k.startsWith("scorer.internal"));
    assertThat(nextPrediction("g0")).isEqualTo("LEGIT");
  }

  @Test
  void shouldNotRepartitionAnInputKeyedByTheCustomer() {
    start(true);
    for (int i = 0; i < 3; i++) {
      pay("hal", "h" + i, i * 1_000L, key("hal"));
    }

    List<String> labels = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      TestRecord<Bytes, byte[]> record = predictions.readRecord();
      assertThat(record.key()).isEqualTo(key("hal"));
      labels.add(
          ((DecodeResult.Decoded)
                  new WireFormatDecoder(Contracts.prediction(), TopologyFixture.REGISTRY)
                      .decode(record.value()))
              .record()
              .get("predicted_label")
              .toString());
    }
    assertThat(labels).containsExactly("LEGIT", "LEGIT", "FRAUD");
    assertThat(driver.producedTopicNames())
        .doesNotContain("scoring-test-entity-customer-repartition")
        .contains("scoring-test-entity-customer-changelog");
    KeyValueStore<Bytes, byte[]> histories = driver.getKeyValueStore("entity-customer");
    assertThat(EntityHistory.latest(histories.get(key("hal")))).isEqualTo(T0 + 2_000);
    assertThat(recorded).doesNotContainKey(EntityHistory.Recorded.MISKEYED);

    pay("hal", "h-wrong", 3_000, key("h-wrong"));
    assertThat(recorded)
        .as("a record keyed by its event id on a topic declared keyed by customer")
        .containsEntry(EntityHistory.Recorded.MISKEYED, 1);
  }

  @Test
  void shouldForgetCustomersQuietForLongerThanTheHorizon() {
    start(true);
    pay("ivy", "i0", 0, key("ivy"));
    KeyValueStore<Bytes, byte[]> histories = driver.getKeyValueStore("entity-customer");
    assertThat(histories.get(key("ivy"))).isNotNull();

    // An hour and two minutes (longest window + grace) later, stream time has left ivy behind.
    pay("jo", "j0", 3_720_001L + 15 * 60_000L, key("jo"));

    assertThat(histories.get(key("ivy"))).isNull();
    assertThat(histories.get(key("jo"))).isNotNull();
  }
}

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
import dev.scorestream.enrichment.Enricher;
import dev.scorestream.enrichment.EnrichmentSpec;
import dev.scorestream.feedback.TrainingExamples;
import dev.scorestream.registry.SchemaLookup;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.schemas.Reason;
import dev.scorestream.training.CustomerTable;
import dev.scorestream.training.TestModels;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.BytesDeserializer;
import org.apache.kafka.common.serialization.BytesSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Reference data through the topology: a {@code customers} table (a global table fed by its topic)
 * joined onto each payment by {@code customer_id}, and a model that learned that customers of the
 * {@code risky} segment commit fraud. The model's answer follows the table, row by row.
 */
class EnrichmentTopologyTest {

  static final int CUSTOMER_ID = 30;

  static final SchemaLookup REGISTRY =
      id -> id == CUSTOMER_ID ? CustomerTable.CUSTOMER : TopologyFixture.REGISTRY.schemaById(id);

  final Map<Enricher.Found, Integer> lookups = new EnumMap<>(Enricher.Found.class);
  final OutcomeListener listener =
      new OutcomeListener() {
        @Override
        public void reference(String table, Enricher.Found found) {
          assertThat(table).isEqualTo("customers");
          lookups.merge(found, 1, Integer::sum);
        }
      };

  TopologyTestDriver driver;
  TestInputTopic<Bytes, byte[]> customers;
  TestInputTopic<Bytes, byte[]> events;
  TestOutputTopic<Bytes, byte[]> predictions;
  TestOutputTopic<Bytes, byte[]> deadLetters;
  final WireFormatEncoder eventEncoder = new WireFormatEncoder(READER, READER_ID);
  final WireFormatEncoder customerEncoder =
      new WireFormatEncoder(CustomerTable.CUSTOMER, CUSTOMER_ID);

  static EnrichmentSpec spec(boolean required) {
    return CustomerTable.spec("customers", required);
  }

  void start(boolean required) throws Exception {
    start(required, ScoringTopology.Analytics.NONE);
  }

  void start(boolean required, ScoringTopology.Analytics analytics) throws Exception {
    EnrichmentSpec spec = spec(required);
    TopologyFixture fixture = new TopologyFixture(CustomerTable.model("ctx-v1"));
    fixture.enrichment = spec;
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "scoring-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    driver = new TopologyTestDriver(fixture.topology(REGISTRY, listener, analytics), props, NOW);
    customers =
        driver.createInputTopic("customers", new BytesSerializer(), new ByteArraySerializer());
    events = driver.createInputTopic("events", new BytesSerializer(), new ByteArraySerializer());
    predictions =
        driver.createOutputTopic(
            "events.predictions", new BytesDeserializer(), new ByteArrayDeserializer());
    deadLetters =
        driver.createOutputTopic(
            "events.dlq", new BytesDeserializer(), new ByteArrayDeserializer());
  }

  @AfterEach
  void stop() {
    if (driver != null) {
      driver.close();
    }
  }

  void publish(String customerId, String segment) {
    customers.pipeInput(
        key(customerId), segment == null ? null : CustomerTable.row(customerEncoder, segment, 1));
  }

  /** Scores one payment of {@code customerId}; answers its predicted label. */
  String score(String customerId) {
    return score(customerId, "e-" + customerId);
  }

  String score(String customerId, String eventId) {
    GenericRecord payment = TestModels.payments(1, customerId.hashCode()).get(0).record();
    payment.put("customer_id", customerId);
    payment.put("event_id", eventId);
    events.pipeInput(
        new TestRecord<>(key(eventId), eventEncoder.encode(payment), new RecordHeaders(), NOW));
    DecodeResult result =
        new WireFormatDecoder(Contracts.prediction(), TopologyFixture.REGISTRY)
            .decode(predictions.readValue());
    return ((DecodeResult.Decoded) result).record().get("predicted_label").toString();
  }

  @Test
  void shouldScoreWithTheRowTheTableHoldsWhenTheEventArrives() throws Exception {
    start(false);
    publish("alice", "risky");
    publish("bob", "standard");

    assertThat(score("alice")).isEqualTo("FRAUD");
    assertThat(score("bob")).isEqualTo("LEGIT");

    publish("alice", "standard");
    publish("bob", "risky");
    assertThat(score("alice")).as("an updated row serves later events").isEqualTo("LEGIT");
    assertThat(score("bob")).isEqualTo("FRAUD");

    publish("bob", null);
    assertThat(score("bob")).as("a deleted row falls back to the defaults").isEqualTo("LEGIT");
    assertThat(lookups)
        .containsEntry(Enricher.Found.HIT, 4)
        .containsEntry(Enricher.Found.MISSING, 1);
    assertThat(deadLetters.isEmpty()).isTrue();
  }

  /**
   * The training example of a labelled event carries the row its prediction was made with, even
   * when the row changed before the label came: what the model saw, not what the table holds now.
   */
  @Test
  void shouldGiveTheTrainingExampleTheContextTheEventWasScoredWith() throws Exception {
    Schema training = new TrainingExamples(spec(false).enrichedSchema()).schema();
    start(
        false,
        TopologyFixture.analytics(
            DriftThresholds.DEFAULTS, Duration.ZERO, Duration.ZERO, 1, training));
    TestInputTopic<Bytes, byte[]> labels =
        driver.createInputTopic("events.labels", new BytesSerializer(), new ByteArraySerializer());
    TestOutputTopic<Bytes, byte[]> examples =
        driver.createOutputTopic(
            "events.training", new BytesDeserializer(), new ByteArrayDeserializer());
    publish("erin", "risky");
    assertThat(score("erin", "e-42")).isEqualTo("FRAUD");
    publish("erin", "standard");

    GenericRecord label = new GenericData.Record(Contracts.labelFeedback());
    label.put("event_id", "e-42");
    label.put("label", "FRAUD");
    label.put("label_time", NOW.toEpochMilli());
    labels.pipeInput(
        new TestRecord<>(
            key("e-42"),
            new WireFormatEncoder(Contracts.labelFeedback(), TopologyFixture.LABEL_ID)
                .encode(label),
            new RecordHeaders(),
            NOW.toEpochMilli()));

    DecodeResult decoded =
        new WireFormatDecoder(training, id -> training).decode(examples.readValue());
    GenericRecord event = (GenericRecord) ((DecodeResult.Decoded) decoded).record().get("event");
    assertThat(event.get("customer_id")).hasToString("erin");
    assertThat(event.get("customers_segment")).hasToString("risky");
    assertThat(event.get("customers_chargebacks_90d")).isEqualTo(1);
    assertThat(event.get("customers_missing")).isEqualTo(false);
  }

  @Test
  void shouldDeadLetterAnEventWhoseRequiredRowIsMissingAndCountARowThatDoesNotDecode()
      throws Exception {
    start(true);
    customers.pipeInput(key("carol"), "not avro".getBytes(StandardCharsets.UTF_8));

    TestRecord<Bytes, byte[]> letter = null;
    for (String customer : List.of("dave", "carol")) {
      GenericRecord payment = TestModels.payments(1, 3).get(0).record();
      payment.put("customer_id", customer);
      events.pipeInput(
          new TestRecord<>(key(customer), eventEncoder.encode(payment), new RecordHeaders(), NOW));
      letter = deadLetters.readRecord();
      assertThat(DeadLetterHeaders.get(letter.headers(), DeadLetterHeaders.REASON))
          .contains(Reason.REFERENCE_MISSING.name());
      assertThat(DeadLetterHeaders.get(letter.headers(), DeadLetterHeaders.MESSAGE).orElseThrow())
          .contains(
              "reference table customers (required) has no row for customer_id '" + customer + "'");
    }
    assertThat(predictions.isEmpty()).isTrue();
    assertThat(lookups)
        .containsEntry(Enricher.Found.MISSING, 1)
        .containsEntry(Enricher.Found.UNDECODABLE, 1);
  }
}

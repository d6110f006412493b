package dev.scorestream.topology;

import static dev.scorestream.topology.TopologyFixture.EVOLVED_ID;
import static dev.scorestream.topology.TopologyFixture.NOW;
import static dev.scorestream.topology.TopologyFixture.PREDICTION_ID;
import static dev.scorestream.topology.TopologyFixture.READER;
import static dev.scorestream.topology.TopologyFixture.READER_ID;
import static dev.scorestream.topology.TopologyFixture.WALLET_ID;
import static dev.scorestream.topology.TopologyFixture.key;
import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.codec.DecodeResult;
import dev.scorestream.codec.WireFormatDecoder;
import dev.scorestream.codec.WireFormatEncoder;
import dev.scorestream.deadletter.DeadLetterHeaders;
import dev.scorestream.model.BatchRecordingModel;
import dev.scorestream.model.ModelArtifact;
import dev.scorestream.model.ModelScorer;
import dev.scorestream.payments.PaymentGenerator;
import dev.scorestream.registry.RegistryUnavailableException;
import dev.scorestream.samples.SampleSchemas;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.schemas.Reason;
import dev.scorestream.training.TestModels;
import dev.scorestream.training.TrainerKind;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.BytesDeserializer;
import org.apache.kafka.common.serialization.BytesSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

class ScoringTopologyTest {

  static final long EVENT_TIMESTAMP = NOW.toEpochMilli() - 250;

  TopologyFixture fixture;
  TopologyTestDriver driver;
  TestInputTopic<Bytes, byte[]> events;
  TestOutputTopic<Bytes, byte[]> predictions;
  TestOutputTopic<Bytes, byte[]> deadLetters;
  final PaymentGenerator generator = new PaymentGenerator(READER, 11);

  @BeforeEach
  void start() {
    start(TestModels.logistic());
  }

  void start(ModelArtifact artifact) {
    if (driver != null) {
      driver.close();
    }
    fixture = new TopologyFixture(artifact);
    driver = fixture.driver();
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
    driver.close();
  }

  GenericRecord payment() {
    return generator.next(EVENT_TIMESTAMP).record();
  }

  static byte[] encode(Schema schema, int id, GenericRecord record) {
    return new WireFormatEncoder(schema, id).encode(record);
  }

  void pipe(String key, byte[] value, Headers headers) {
    events.pipeInput(new TestRecord<>(key(key), value, headers, EVENT_TIMESTAMP));
  }

  GenericRecord decodePrediction(byte[] bytes) {
    DecodeResult result =
        new WireFormatDecoder(Contracts.prediction(), TopologyFixture.REGISTRY).decode(bytes);
    assertThat(result).isInstanceOf(DecodeResult.Decoded.class);
    assertThat(result.schemaId()).isEqualTo(PREDICTION_ID);
    return ((DecodeResult.Decoded) result).record();
  }

  @Test
  void shouldScoreValidEventWithModelVersionAndSameKey() {
    GenericRecord event = payment();
    pipe("k1", encode(READER, READER_ID, event), new RecordHeaders());

    TestRecord<Bytes, byte[]> out = predictions.readRecord();
    GenericRecord prediction = decodePrediction(out.value());
    assertThat(out.key()).isEqualTo(key("k1"));
    assertThat(out.timestamp()).isEqualTo(EVENT_TIMESTAMP);
    assertThat(prediction.get("event_id")).hasToString(event.get("event_id").toString());
    assertThat(prediction.get("model_version")).hasToString("test-v1");
    assertThat(prediction.get("model_name")).hasToString("fraud");
    assertThat(prediction.get("predicted_label").toString())
        .isIn(PaymentGenerator.FRAUD, PaymentGenerator.LEGIT);
    @SuppressWarnings("unchecked")
    Map<Object, Double> scores = (Map<Object, Double>) prediction.get("scores");
    assertThat(scores.values().stream().mapToDouble(Double::doubleValue).sum())
        .isCloseTo(1.0, within());
    assertThat(prediction.get("latency_ms")).isEqualTo(250L);
    assertThat(prediction.get("event_time")).isEqualTo(EVENT_TIMESTAMP);
    assertThat(deadLetters.isEmpty()).isTrue();
  }

  @Test
  void shouldScoreEventWrittenWithEvolvedCompatibleSchema() {
    GenericRecord event = payment();
    Schema evolved = SampleSchemas.evolved();
    GenericRecord written = new GenericData.Record(evolved);
    for (Schema.Field field : evolved.getFields()) {
      Schema.Field readerField = READER.getField(field.name());
      Object value = readerField == null ? "device-9" : event.get(field.name());
      if (field.name().equals("channel")) {
        value = new GenericData.EnumSymbol(field.schema(), value.toString());
      }
      written.put(field.name(), value);
    }
    pipe("k2", encode(evolved, EVOLVED_ID, written), new RecordHeaders());

    GenericRecord prediction = decodePrediction(predictions.readValue());
    assertThat(prediction.get("event_id")).hasToString(event.get("event_id").toString());
    assertThat(deadLetters.isEmpty()).isTrue();
  }

  @Test
  void shouldSanitizeBeforeRules() {
    GenericRecord event = payment();
    event.put("currency", "  eur ");
    event.put("merchant_category", "GROCERY");
    event.put("account_age_days", 99_999);

    pipe("k3", encode(READER, READER_ID, event), new RecordHeaders());

    assertThat(predictions.readValue()).isNotNull();
    assertThat(deadLetters.isEmpty()).isTrue();
  }

  @Test
  void shouldDeadLetterJsonAsNotWireFormat() {
    byte[] json = "{\"event_id\":\"e1\",\"amount\":12.0}".getBytes(StandardCharsets.UTF_8);

    TestRecord<Bytes, byte[]> letter = deadLetterOf("k", json, Reason.NOT_WIRE_FORMAT);

    assertThat(header(letter, DeadLetterHeaders.SCHEMA_ID)).isEmpty();
    assertThat(header(letter, DeadLetterHeaders.MESSAGE)).contains("JSON");
  }

  @Test
  void shouldDeadLetterUnregisteredSchemaIdAsRetryable() {
    byte[] value = encode(READER, 4242, payment());

    TestRecord<Bytes, byte[]> letter = deadLetterOf("k", value, Reason.UNKNOWN_SCHEMA_ID);

    assertThat(header(letter, DeadLetterHeaders.SCHEMA_ID)).isEqualTo("4242");
    assertThat(header(letter, DeadLetterHeaders.DISPOSITION)).isEqualTo("retryable");
  }

  @Test
  void shouldDeadLetterTruncatedBytesAsUndecodable() {
    byte[] valid = encode(READER, READER_ID, payment());

    TestRecord<Bytes, byte[]> letter =
        deadLetterOf("k", Arrays.copyOf(valid, valid.length / 2), Reason.UNDECODABLE);

    assertThat(header(letter, DeadLetterHeaders.SCHEMA_ID)).isEqualTo("1");
    assertThat(header(letter, DeadLetterHeaders.EXCEPTION)).isEqualTo("java.io.EOFException");
  }

  @Test
  void shouldDeadLetterUnknownEnumSymbolAsIncompatibleSchema() {
    Schema wallet = SampleSchemas.walletChannel();
    GenericRecord event = payment();
    GenericRecord written = new GenericData.Record(wallet);
    wallet.getFields().forEach(field -> written.put(field.name(), event.get(field.name())));
    written.put(
        "channel", new GenericData.EnumSymbol(wallet.getField("channel").schema(), "WALLET"));

    TestRecord<Bytes, byte[]> letter =
        deadLetterOf("k", encode(wallet, WALLET_ID, written), Reason.INCOMPATIBLE_SCHEMA);

    assertThat(header(letter, DeadLetterHeaders.SCHEMA_ID)).isEqualTo("3");
    assertThat(header(letter, DeadLetterHeaders.MESSAGE)).contains("WALLET");
  }

  @Test
  void shouldDeadLetterEveryViolatedRule() {
    GenericRecord event = payment();
    event.put("amount", 250_000.0);
    event.put("currency", "XXX");
    event.put("customer_id", null);

    TestRecord<Bytes, byte[]> letter =
        deadLetterOf("k", encode(READER, READER_ID, event), Reason.RULE_VIOLATION);

    assertThat(header(letter, DeadLetterHeaders.RULES))
        .isEqualTo("customer_id.required,amount.max,currency.allowed");
    assertThat(header(letter, DeadLetterHeaders.MESSAGE)).startsWith("3 rules violated");
    assertThat(header(letter, DeadLetterHeaders.MODEL_VERSION)).isEqualTo("test-v1");
  }

  @Test
  void shouldDeadLetterNaNAsOneFiniteViolation() {
    GenericRecord event = payment();
    event.put("amount", Double.NaN);

    TestRecord<Bytes, byte[]> letter =
        deadLetterOf("k", encode(READER, READER_ID, event), Reason.RULE_VIOLATION);

    assertThat(header(letter, DeadLetterHeaders.RULES)).isEqualTo("amount.finite");
  }

  @Test
  void shouldDeadLetterRecordWithNoFeatureKnownToModel() {
    start(modelKnowingOnly("channel=MOTO", "channel=ATM"));
    GenericRecord event = payment();
    event.put("channel", new GenericData.EnumSymbol(READER.getField("channel").schema(), "POS"));

    TestRecord<Bytes, byte[]> letter =
        deadLetterOf("k", encode(READER, READER_ID, event), Reason.NO_FEATURES);

    assertThat(header(letter, DeadLetterHeaders.MODEL_VERSION)).isEqualTo("narrow");
  }

  @Test
  void shouldDeadLetterModelFailureAsScoringError() {
    ModelArtifact real = TestModels.logistic();
    start(
        new ModelArtifact(
            null,
            BatchRecordingModel.failing(real.model()),
            real.metadata(),
            real.baseline(),
            List.of()));

    TestRecord<Bytes, byte[]> letter =
        deadLetterOf("k", encode(READER, READER_ID, payment()), Reason.SCORING_ERROR);

    assertThat(header(letter, DeadLetterHeaders.EXCEPTION))
        .isEqualTo(IllegalStateException.class.getName());
    assertThat(header(letter, DeadLetterHeaders.STACKTRACE)).contains("model exploded on purpose");
  }

  @Test
  void shouldReplaceEarlierDeadLetterHeadersOfReplayedRecordAndKeepItsReplayCount() {
    Headers headers = new RecordHeaders();
    headers.add("trace-id", "t-1".getBytes(StandardCharsets.UTF_8));
    headers.add(DeadLetterHeaders.REASON, "UNKNOWN_SCHEMA_ID".getBytes(StandardCharsets.UTF_8));
    headers.add(DeadLetterHeaders.TOPIC, "older-topic".getBytes(StandardCharsets.UTF_8));
    headers.add(DeadLetterHeaders.REPLAY_COUNT, "2".getBytes(StandardCharsets.UTF_8));

    pipe("k", new byte[] {1, 2, 3}, headers);

    TestRecord<Bytes, byte[]> letter = deadLetters.readRecord();
    assertThat(header(letter, DeadLetterHeaders.REASON)).isEqualTo("NOT_WIRE_FORMAT");
    assertThat(header(letter, DeadLetterHeaders.TOPIC)).isEqualTo("events");
    assertThat(header(letter, DeadLetterHeaders.REPLAY_COUNT)).isEqualTo("2");
    assertThat(header(letter, "trace-id")).isEqualTo("t-1");
    assertThat(letter.headers().headers(DeadLetterHeaders.REASON)).hasSize(1);
    assertThat(letter.headers().headers(DeadLetterHeaders.TOPIC)).hasSize(1);
  }

  @Test
  void shouldNeverDeadLetterForRegistryOutage() {
    driver.close();
    fixture = new TopologyFixture(TestModels.logistic());
    driver =
        fixture.driver(
            id -> {
              throw new RegistryUnavailableException("registry down", null);
            });
    events = driver.createInputTopic("events", new BytesSerializer(), new ByteArraySerializer());
    deadLetters =
        driver.createOutputTopic(
            "events.dlq", new BytesDeserializer(), new ByteArrayDeserializer());
    predictions =
        driver.createOutputTopic(
            "events.predictions", new BytesDeserializer(), new ByteArrayDeserializer());

    byte[] value = encode(READER, READER_ID, payment());
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> pipe("k", value, new RecordHeaders()))
        .hasRootCauseInstanceOf(RegistryUnavailableException.class);

    assertThat(deadLetters.isEmpty()).isTrue();
    assertThat(predictions.isEmpty()).isTrue();
    assertThat(fixture.health.registryReachable()).isFalse();
  }

  @Test
  void shouldCarryChallengerResultWithoutChangingChampionFields() {
    GenericRecord event = payment();
    byte[] value = encode(READER, READER_ID, event);
    pipe("plain", value, new RecordHeaders());
    GenericRecord alone = decodePrediction(predictions.readValue());

    fixture.model.setChallenger(
        new ModelScorer(TestModels.train("challenger-v2", TrainerKind.CART, 2000, 21)));
    pipe("shadowed", value, new RecordHeaders());
    GenericRecord shadowed = decodePrediction(predictions.readValue());

    for (String field :
        List.of(
            "event_id", "model_name", "model_version", "predicted_label", "scores", "event_time")) {
      assertThat(shadowed.get(field)).as(field).isEqualTo(alone.get(field));
    }
    assertThat(alone.get("challenger")).isNull();
    GenericRecord challenger = (GenericRecord) shadowed.get("challenger");
    assertThat(challenger.get("model_version")).hasToString("challenger-v2");
    assertThat(challenger.get("predicted_label").toString())
        .isIn(PaymentGenerator.FRAUD, PaymentGenerator.LEGIT);
    assertThat(fixture.model.challengerScored()).isEqualTo(1);
    assertThat(fixture.model.challengerAgreed())
        .isEqualTo(
            challenger
                    .get("predicted_label")
                    .toString()
                    .equals(alone.get("predicted_label").toString())
                ? 1
                : 0);
  }

  @Test
  void shouldWritePredictedValueForRegressionModel() {
    start(TestModels.trainRegression("cost-1", TrainerKind.LINEAR_REGRESSION, 2000, 6));

    pipe("k", encode(READER, READER_ID, payment()), new RecordHeaders());

    GenericRecord prediction = decodePrediction(predictions.readValue());
    assertThat(prediction.get("model_version")).hasToString("cost-1");
    double value = (Double) prediction.get("predicted_value");
    assertThat(prediction.get("predicted_label")).hasToString(Double.toString(value));
    assertThat((Map<?, ?>) prediction.get("scores")).hasSize(1);
  }

  @Test
  void shouldWriteChampionPredictionWhenChallengerFails() {
    ModelArtifact real = TestModels.logistic();
    fixture.model.setChallenger(
        new ModelScorer(
            new ModelArtifact(
                null,
                BatchRecordingModel.failing(real.model()),
                real.metadata(),
                real.baseline(),
                List.of())));

    pipe("k", encode(READER, READER_ID, payment()), new RecordHeaders());

    GenericRecord prediction = decodePrediction(predictions.readValue());
    assertThat(prediction.get("model_version")).hasToString("test-v1");
    assertThat(prediction.get("challenger")).isNull();
    assertThat(fixture.model.challengerFailed()).isEqualTo(1);
    assertThat(deadLetters.isEmpty()).isTrue();
  }

  /**
   * Pipes {@code value} and checks the one dead letter it must produce: reason, contract, original
   * bytes.
   */
  TestRecord<Bytes, byte[]> deadLetterOf(String key, byte[] value, Reason reason) {
    Headers original = new RecordHeaders();
    original.add("producer", "demo".getBytes(StandardCharsets.UTF_8));
    pipe(key, value, original);

    assertThat(predictions.isEmpty()).as("no prediction for a dead letter").isTrue();
    TestRecord<Bytes, byte[]> letter = deadLetters.readRecord();
    assertThat(deadLetters.isEmpty()).isTrue();
    assertThat(letter.value()).as("dead letter value is the original bytes").isEqualTo(value);
    assertThat(letter.key()).isEqualTo(key(key));
    assertThat(letter.timestamp()).isEqualTo(EVENT_TIMESTAMP);
    assertThat(header(letter, "producer")).isEqualTo("demo");
    assertThat(header(letter, DeadLetterHeaders.REASON)).isEqualTo(reason.name());
    assertThat(header(letter, DeadLetterHeaders.DISPOSITION))
        .isEqualTo(reason.disposition().code());
    assertThat(header(letter, DeadLetterHeaders.TOPIC)).isEqualTo("events");
    assertThat(header(letter, DeadLetterHeaders.PARTITION)).isEqualTo("0");
    assertThat(header(letter, DeadLetterHeaders.OFFSET)).matches("\\d+");
    assertThat(header(letter, DeadLetterHeaders.APP_VERSION)).isEqualTo("test-app");
    assertThat(header(letter, DeadLetterHeaders.FAILED_AT)).isEqualTo(NOW.toString());
    assertThat(header(letter, DeadLetterHeaders.REPLAY_COUNT)).isEqualTo("0");
    assertThat(header(letter, DeadLetterHeaders.MESSAGE)).isNotBlank();
    assertThat(letter.headers().lastHeader(DeadLetterHeaders.EXCEPTION)).isNotNull();
    assertThat(letter.headers().lastHeader(DeadLetterHeaders.STACKTRACE)).isNotNull();
    return letter;
  }

  static String header(TestRecord<Bytes, byte[]> record, String key) {
    return DeadLetterHeaders.get(record.headers(), key)
        .orElseThrow(() -> new AssertionError("missing header " + key));
  }

  static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-9);
  }

  /** A real logistic model whose only features are {@code names}. */
  static ModelArtifact modelKnowingOnly(String... names) {
    LabelFactory factory = new LabelFactory();
    MutableDataset<Label> data =
        new MutableDataset<>(new SimpleDataSourceProvenance("narrow", factory), factory);
    for (int i = 0; i < 20; i++) {
      String name = names[i % names.length];
      data.add(
          new ArrayExample<>(
              new Label(i % 2 == 0 ? "A" : "B"), new String[] {name}, new double[] {1.0}));
    }
    var model = new LogisticRegressionTrainer().train(data);
    ModelArtifact template = TestModels.logistic();
    var metadata =
        new dev.scorestream.model.ModelMetadata(
            1,
            "narrow",
            "narrow",
            NOW,
            "",
            "x",
            "",
            "logistic",
            "classification",
            "label",
            List.of("A", "B"),
            names.length,
            20,
            null);
    return new ModelArtifact(null, model, metadata, template.baseline(), List.of());
  }
}

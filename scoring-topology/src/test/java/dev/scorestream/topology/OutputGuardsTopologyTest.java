package dev.scorestream.topology;

import static dev.scorestream.topology.TopologyFixture.NOW;
import static dev.scorestream.topology.TopologyFixture.READER;
import static dev.scorestream.topology.TopologyFixture.READER_ID;
import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.codec.WireFormatEncoder;
import dev.scorestream.deadletter.DeadLetterFit;
import dev.scorestream.deadletter.DeadLetterHeaders;
import dev.scorestream.deadletter.RecordSize;
import dev.scorestream.drift.DriftThresholds;
import dev.scorestream.payments.PaymentGenerator;
import dev.scorestream.training.TestModels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.header.Header;
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
import org.junit.jupiter.api.Test;

/**
 * One record can never stop the pipeline at its outputs: every output whose size depends on the
 * input is checked against its topic's limit, and what does not fit is degraded or skipped, with
 * every input still accounted for by exactly one prediction or dead letter.
 */
class OutputGuardsTopologyTest {

  static final long LIMIT = 32 * 1024;
  static final long EVENT_TIMESTAMP = NOW.toEpochMilli() - 250;

  /** Limits per topic; the internal (repartition, changelog) one separately. */
  record Limits(Map<String, Long> topics, long internal) implements OutputLimits {
    @Override
    public long maxRecordBytes(String topic) {
      return topics.getOrDefault(topic, Long.MAX_VALUE);
    }

    @Override
    public long maxInternalRecordBytes() {
      return internal;
    }
  }

  final List<String> skipped = new ArrayList<>();
  final List<List<String>> degraded = new ArrayList<>();
  final OutcomeListener listener =
      new OutcomeListener() {
        @Override
        public void deadLetterDegraded(List<String> steps) {
          degraded.add(steps);
        }

        @Override
        public void outputSkipped(String output) {
          skipped.add(output);
        }
      };
  final PaymentGenerator generator = new PaymentGenerator(READER, 23);
  TopologyFixture fixture;
  TopologyTestDriver driver;
  TestInputTopic<Bytes, byte[]> events;
  TestOutputTopic<Bytes, byte[]> predictions;
  TestOutputTopic<Bytes, byte[]> deadLetters;
  TestOutputTopic<Bytes, byte[]> training;

  void start(OutputGuards guards, boolean analytics) {
    fixture = new TopologyFixture(TestModels.logistic());
    fixture.guards = guards;
    driver =
        analytics
            ? fixture.driver(TopologyFixture.analytics(DriftThresholds.DEFAULTS), listener)
            : fixture.driver(listener);
    events = driver.createInputTopic("events", new BytesSerializer(), new ByteArraySerializer());
    predictions =
        driver.createOutputTopic(
            "events.predictions", new BytesDeserializer(), new ByteArrayDeserializer());
    deadLetters =
        driver.createOutputTopic(
            "events.dlq", new BytesDeserializer(), new ByteArrayDeserializer());
    if (analytics) {
      training =
          driver.createOutputTopic(
              "events.training", new BytesDeserializer(), new ByteArrayDeserializer());
    }
  }

  void start(long predictionLimit, long deadLetterLimit) {
    start(
        new OutputGuards(
            new Limits(
                Map.of("events.predictions", predictionLimit, "events.dlq", deadLetterLimit),
                Long.MAX_VALUE),
            new OversizedOutputs(),
            PredictionHeaders.DEFAULT),
        false);
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  byte[] payment() {
    return payment(generator.next(EVENT_TIMESTAMP).record());
  }

  static byte[] payment(GenericRecord event) {
    return new WireFormatEncoder(READER, READER_ID).encode(event);
  }

  void pipe(byte[] key, byte[] value, Headers headers) {
    events.pipeInput(
        new TestRecord<>(key == null ? null : Bytes.wrap(key), value, headers, EVENT_TIMESTAMP));
  }

  static String header(Headers headers, String key) {
    return DeadLetterHeaders.get(headers, key).orElse(null);
  }

  static List<String> keys(Headers headers) {
    return Arrays.stream(headers.toArray()).map(Header::key).toList();
  }

  @Test
  void shouldDegradeADeadLetterAtJustBelowAtAndJustAboveTheLimit() {
    start(LIMIT, LIMIT);
    // Zeros: magic byte 0, schema id 0 (never registered), so every one fails the same way and
    // carries the same dead-letter headers; sized around what fits once those are added.
    byte[] probe = new byte[16];
    pipe("k".getBytes(), probe, new RecordHeaders());
    TestRecord<Bytes, byte[]> small = deadLetters.readRecord();
    long overhead = RecordSize.upperBound(small.key().get(), probe, small.headers()) - probe.length;
    int fits = (int) (LIMIT - overhead);
    for (int size : new int[] {fits - 1, fits, fits + 1, 200_000}) {
      pipe("k".getBytes(), new byte[size], new RecordHeaders());
    }

    List<TestRecord<Bytes, byte[]>> letters = deadLetters.readRecordsToList();
    assertThat(letters).hasSize(4);
    assertThat(letters.get(0).value()).hasSize(fits - 1);
    assertThat(letters.get(1).value()).hasSize(fits);
    assertThat(header(letters.get(1).headers(), DeadLetterHeaders.DEGRADED)).isNull();
    assertThat(header(letters.get(2).headers(), DeadLetterHeaders.DEGRADED))
        .isEqualTo("stacktrace");
    assertThat(letters.get(2).value()).hasSize(fits + 1);
    assertThat(letters.get(3).value()).isNull();
    assertThat(header(letters.get(3).headers(), DeadLetterHeaders.VALUE_SIZE)).isEqualTo("200000");
    assertThat(header(letters.get(3).headers(), DeadLetterHeaders.VALUE_SHA256))
        .isEqualTo(DeadLetterFit.sha256(new byte[200_000]));
    assertThat(header(letters.get(3).headers(), DeadLetterHeaders.REASON))
        .isEqualTo("UNKNOWN_SCHEMA_ID");
    for (TestRecord<Bytes, byte[]> letter : letters) {
      assertThat(RecordSize.upperBound(letter.key().get(), letter.value(), letter.headers()))
          .isLessThanOrEqualTo(LIMIT);
    }
    assertThat(degraded).containsExactly(List.of("stacktrace"), List.of("stacktrace", "value"));
  }

  @Test
  void shouldTurnAPredictionThatCannotFitIntoAnOutputTooLargeDeadLetter() {
    start(LIMIT, LIMIT);
    byte[] hugeKey = new byte[40_000];
    Arrays.fill(hugeKey, (byte) 'k');
    byte[] value = payment();
    pipe(hugeKey, value, new RecordHeaders());
    pipe("normal".getBytes(), payment(), new RecordHeaders());

    assertThat(predictions.readKeyValuesToList())
        .extracting(kv -> new String(kv.key.get(), StandardCharsets.UTF_8))
        .containsExactly("normal");
    TestRecord<Bytes, byte[]> letter = deadLetters.readRecord();
    assertThat(header(letter.headers(), DeadLetterHeaders.REASON)).isEqualTo("OUTPUT_TOO_LARGE");
    assertThat(header(letter.headers(), DeadLetterHeaders.SCHEMA_ID))
        .isEqualTo(Integer.toString(READER_ID));
    assertThat(letter.value()).isEqualTo(value);
    assertThat(letter.key()).as("the key itself is too large for the dead-letter topic").isNull();
    assertThat(header(letter.headers(), DeadLetterHeaders.KEY_SHA256))
        .isEqualTo(DeadLetterFit.sha256(hugeKey));
    assertThat(deadLetters.isEmpty()).isTrue();
  }

  @Test
  void shouldLeaveHugeInputHeadersBehindRatherThanTheHeaderPolicyOrThePrediction() {
    start(LIMIT, LIMIT);
    Headers headers = new RecordHeaders();
    headers.add("trace-id", "t-1".getBytes(StandardCharsets.UTF_8));
    headers.add("attachment", new byte[50_000]);
    pipe("k".getBytes(), payment(), headers);

    TestRecord<Bytes, byte[]> prediction = predictions.readRecord();
    assertThat(keys(prediction.headers())).containsExactly(PredictionHeaders.HEADERS_OMITTED);
    assertThat(header(prediction.headers(), PredictionHeaders.HEADERS_OMITTED)).isEqualTo("2");
    assertThat(deadLetters.isEmpty()).isTrue();
  }

  @Test
  void shouldNotCopySpoofedDeadLetterHeadersOntoPredictions() {
    start(LIMIT, LIMIT);
    Headers headers = new RecordHeaders();
    headers.add("trace-id", "t-1".getBytes(StandardCharsets.UTF_8));
    headers.add(DeadLetterHeaders.REASON, "RULE_VIOLATION".getBytes(StandardCharsets.UTF_8));
    headers.add(DeadLetterHeaders.EXCEPTION, "x".getBytes(StandardCharsets.UTF_8));
    headers.add("trace-id", "t-2".getBytes(StandardCharsets.UTF_8));
    headers.add("binary", new byte[] {0, (byte) 0xFF});
    pipe("k".getBytes(), payment(), headers);

    TestRecord<Bytes, byte[]> prediction = predictions.readRecord();
    assertThat(keys(prediction.headers())).containsExactly("trace-id", "trace-id", "binary");
    assertThat(prediction.headers().lastHeader("binary").value()).containsExactly(0, 0xFF);
  }

  @Test
  void shouldCopyNoHeadersWhenThePolicyExcludesAll() {
    start(
        new OutputGuards(
            OutputLimits.UNLIMITED, new OversizedOutputs(), new PredictionHeaders(List.of("*"))),
        false);
    Headers headers = new RecordHeaders();
    headers.add("trace-id", "t-1".getBytes(StandardCharsets.UTF_8));
    pipe("k".getBytes(), payment(), headers);

    assertThat(predictions.readRecord().headers().toArray()).isEmpty();
  }

  @Test
  void shouldWriteEverythingDegradedForAnInputWhoseOutputsWereRefusedBefore() {
    OversizedOutputs refused = new OversizedOutputs();
    // The test driver gives the first records of partition 0 offsets 0 and 1.
    refused.remember(new OversizedOutputs.Source("events", 0, 0), "events.predictions");
    refused.remember(new OversizedOutputs.Source("events", 0, 1), "events.dlq");
    start(new OutputGuards(OutputLimits.UNLIMITED, refused, PredictionHeaders.DEFAULT), false);

    pipe("a".getBytes(), payment(), new RecordHeaders());
    pipe("b".getBytes(), new byte[] {9, 9}, new RecordHeaders());
    pipe("c".getBytes(), payment(), new RecordHeaders());

    List<TestRecord<Bytes, byte[]>> letters = deadLetters.readRecordsToList();
    assertThat(letters).hasSize(2);
    assertThat(header(letters.get(0).headers(), DeadLetterHeaders.REASON))
        .isEqualTo("OUTPUT_TOO_LARGE");
    assertThat(header(letters.get(1).headers(), DeadLetterHeaders.REASON))
        .isEqualTo("NOT_WIRE_FORMAT");
    assertThat(header(letters.get(1).headers(), DeadLetterHeaders.DEGRADED)).isEqualTo("value,key");
    assertThat(predictions.readKeyValuesToList()).hasSize(1);
  }

  @Test
  void shouldSkipAFeedbackSnapshotTooLargeForTheInternalTopicsButStillPredict() {
    // The bundled schema caps its strings, so no snapshot of it is large: make the limit small.
    start(
        new OutputGuards(
            new Limits(Map.of(), 200), new OversizedOutputs(), PredictionHeaders.DEFAULT),
        true);
    pipe("a".getBytes(), payment(), new RecordHeaders());
    pipe("b".getBytes(), payment(), new RecordHeaders());

    assertThat(predictions.readKeyValuesToList()).hasSize(2);
    assertThat(deadLetters.isEmpty()).isTrue();
    assertThat(skipped).containsExactly("feedback_snapshot", "feedback_snapshot");
  }
}

package dev.scorestream.topology;

import static dev.scorestream.topology.TopologyFixture.NOW;
import static dev.scorestream.topology.TopologyFixture.READER;
import static dev.scorestream.topology.TopologyFixture.READER_ID;
import static dev.scorestream.topology.TopologyFixture.key;
import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.codec.WireFormatEncoder;
import dev.scorestream.deadletter.DeadLetterHeaders;
import dev.scorestream.payments.PaymentGenerator;
import dev.scorestream.training.TestModels;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.BytesDeserializer;
import org.apache.kafka.common.serialization.BytesSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * Micro-batching through the topology. TopologyTestDriver commits after every input record, so
 * every record a batch holds is scored by the commit that follows it: what this pins is that the
 * commit scores and writes it, and that the outputs are the unbatched ones, byte for byte.
 */
class ScoringBatchTopologyTest {

  static final long TIMESTAMP = NOW.toEpochMilli() - 100;

  record Batch(int records, OutcomeListener.BatchTrigger trigger) {}

  final List<Batch> batches = new ArrayList<>();
  final OutcomeListener listener =
      new OutcomeListener() {
        @Override
        public void batch(int records, OutcomeListener.BatchTrigger trigger) {
          batches.add(new Batch(records, trigger));
        }
      };

  record Driven(
      TopologyTestDriver driver,
      TestOutputTopic<Bytes, byte[]> predictions,
      TestOutputTopic<Bytes, byte[]> deadLetters) {

    void pipe(TestRecord<Bytes, byte[]> record) {
      driver
          .createInputTopic("events", new BytesSerializer(), new ByteArraySerializer())
          .pipeInput(record);
    }
  }

  Driven driven(ScoringTopology.Batching batching) {
    TopologyFixture fixture = new TopologyFixture(TestModels.logistic());
    fixture.batching = batching;
    TopologyTestDriver driver = fixture.driver(listener);
    return new Driven(
        driver,
        driver.createOutputTopic(
            "events.predictions", new BytesDeserializer(), new ByteArrayDeserializer()),
        driver.createOutputTopic(
            "events.dlq", new BytesDeserializer(), new ByteArrayDeserializer()));
  }

  /** Valid payments with a rule violation, random bytes and an unknown schema id among them. */
  static List<TestRecord<Bytes, byte[]>> traffic() {
    PaymentGenerator generator = new PaymentGenerator(READER, 17);
    WireFormatEncoder encoder = new WireFormatEncoder(READER, READER_ID);
    List<TestRecord<Bytes, byte[]>> records = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      GenericRecord event = generator.next(TIMESTAMP).record();
      byte[] value = encoder.encode(event);
      if (i == 5) {
        event.put("amount", -1.0);
        value = encoder.encode(event);
      } else if (i == 11) {
        value = "not avro".getBytes(StandardCharsets.UTF_8);
      } else if (i == 17) {
        value[4] = 99; // schema id 99, never registered
      }
      RecordHeaders headers = new RecordHeaders();
      headers.add("trace-id", ("t-" + i).getBytes(StandardCharsets.UTF_8));
      records.add(new TestRecord<>(key("k" + i), value, headers, TIMESTAMP + i));
    }
    return records;
  }

  @Test
  void shouldWriteWhatABatchHoldsAtTheNextCommitExactlyAsUnbatched() {
    Driven unbatched =
        driven(new ScoringTopology.Batching(ScoringTopology.Batching.Mode.OFF, 256, ms(20)));
    Driven batched =
        driven(
            new ScoringTopology.Batching(
                ScoringTopology.Batching.Mode.ON, 1_000, Duration.ofMinutes(1)));
    try {
      int valid = 0;
      for (TestRecord<Bytes, byte[]> record : traffic()) {
        unbatched.pipe(copy(record));
        batched.pipe(copy(record));

        List<TestRecord<Bytes, byte[]>> expected = unbatched.predictions().readRecordsToList();
        List<TestRecord<Bytes, byte[]>> actual = batched.predictions().readRecordsToList();
        assertSame(actual, expected);
        assertSame(
            batched.deadLetters().readRecordsToList(), unbatched.deadLetters().readRecordsToList());
        valid += expected.size();
      }
      assertThat(valid).isEqualTo(21);
      assertThat(batches)
          .as("every valid record held, then scored by its commit")
          .hasSize(21)
          .allMatch(
              batch ->
                  batch.records() == 1 && batch.trigger() == OutcomeListener.BatchTrigger.COMMIT);
    } finally {
      unbatched.driver().close();
      batched.driver().close();
    }
  }

  @Test
  void shouldScoreOneRecordAtATimeForAModelThatGainsNothingFromBatches() {
    Driven auto = driven(ScoringTopology.Batching.DEFAULT);
    try {
      traffic().forEach(auto::pipe);

      assertThat(auto.predictions().readRecordsToList()).hasSize(21);
      assertThat(batches).as("logistic regression is not batched by default").isEmpty();
    } finally {
      auto.driver().close();
    }
  }

  private static Duration ms(long millis) {
    return Duration.ofMillis(millis);
  }

  private static TestRecord<Bytes, byte[]> copy(TestRecord<Bytes, byte[]> record) {
    return new TestRecord<>(
        record.key(),
        record.value().clone(),
        new RecordHeaders(record.headers().toArray()),
        record.timestamp());
  }

  private static List<String> withoutStackTrace(org.apache.kafka.common.header.Headers headers) {
    List<String> kept = new ArrayList<>();
    for (org.apache.kafka.common.header.Header header : headers) {
      if (!header.key().equals(DeadLetterHeaders.STACKTRACE)) {
        kept.add(header.key() + "=" + new String(header.value(), StandardCharsets.UTF_8));
      }
    }
    return kept;
  }

  private static void assertSame(
      List<TestRecord<Bytes, byte[]>> actual, List<TestRecord<Bytes, byte[]>> expected) {
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < actual.size(); i++) {
      assertThat(actual.get(i).key()).isEqualTo(expected.get(i).key());
      assertThat(actual.get(i).value()).isEqualTo(expected.get(i).value());
      // The stack trace of a dead letter names the test line that piped it, which differs.
      assertThat(withoutStackTrace(actual.get(i).headers()))
          .isEqualTo(withoutStackTrace(expected.get(i).headers()));
      assertThat(actual.get(i).timestamp()).isEqualTo(expected.get(i).timestamp());
    }
  }
}

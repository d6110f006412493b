package dev.scorestream.metrics;

import static dev.scorestream.topology.TopologyFixture.NOW;
import static dev.scorestream.topology.TopologyFixture.READER;
import static dev.scorestream.topology.TopologyFixture.READER_ID;
import static dev.scorestream.topology.TopologyFixture.key;
import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.codec.WireFormatEncoder;
import dev.scorestream.payments.PaymentGenerator;
import dev.scorestream.topology.TopologyFixture;
import dev.scorestream.training.TestModels;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.BytesSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The topology reports each outcome to the app's metrics (PipelineMetrics as its OutcomeListener).
 */
class PipelineMetricsTopologyTest {

  static final long EVENT_TIMESTAMP = NOW.toEpochMilli() - 250;

  final PaymentGenerator generator = new PaymentGenerator(READER, 11);
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  TopologyTestDriver driver;
  TestInputTopic<Bytes, byte[]> events;

  @BeforeEach
  void start() {
    driver = new TopologyFixture(TestModels.logistic()).driver(new PipelineMetrics(registry));
    events = driver.createInputTopic("events", new BytesSerializer(), new ByteArraySerializer());
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

  @Test
  void shouldReportEveryOutcomeToTheListener() {
    pipe("a", encode(READER, READER_ID, payment()), new RecordHeaders());
    pipe("b", "{}".getBytes(StandardCharsets.UTF_8), new RecordHeaders());
    pipe("c", encode(READER, 4242, payment()), new RecordHeaders());

    assertThat(registry.get("scorer.records").tag("outcome", "prediction").counter().count())
        .isEqualTo(1);
    assertThat(registry.get("scorer.records").tag("reason", "NOT_WIRE_FORMAT").counter().count())
        .isEqualTo(1);
    assertThat(registry.get("scorer.records").tag("reason", "UNKNOWN_SCHEMA_ID").counter().count())
        .isEqualTo(1);
    assertThat(registry.get("scorer.end.to.end.latency").timer().count()).isEqualTo(1);
  }
}

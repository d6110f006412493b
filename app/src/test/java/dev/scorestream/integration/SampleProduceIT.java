package dev.scorestream.integration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.codec.DecodeResult;
import dev.scorestream.codec.WireFormatDecoder;
import dev.scorestream.fixtures.CliRun;
import dev.scorestream.registry.RegistrySettings;
import dev.scorestream.registry.SchemaRegistryClient;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.testkit.EmbeddedStack;
import dev.scorestream.testkit.OutputCollector;
import dev.scorestream.testkit.RealComponents;
import dev.scorestream.validation.RecordValidator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code scorer sample produce} against a real broker and registry: every event arrives, the valid
 * ones decode onto the reader schema and pass its rules, each malformed one fails the way the
 * pipeline dead-letters it (not the wire format, undecodable, a rule violation), and each valid
 * one's label arrives keyed by its event id.
 */
@ExtendWith(RealComponents.class)
class SampleProduceIT {

  static final String TOPIC = "sample-produce.events";
  static final String LABELS = "sample-produce.labels";
  static final Schema READER = Contracts.paymentEvent();

  @Test
  void shouldSendValidAndMalformedEventsAtTheFractionAndRateWithTheValidOnesLabels(
      EmbeddedStack stack) throws Exception {
    try (var admin = stack.kafka().admin()) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(TOPIC, Optional.of(2), Optional.empty()),
                  new NewTopic(LABELS, Optional.of(2), Optional.empty())))
          .all()
          .get(30, TimeUnit.SECONDS);
    }

    CliRun produce =
        CliRun.of(
            "sample",
            "produce",
            "--topic",
            TOPIC,
            "--events",
            "300",
            "--rate",
            "1000",
            "--malformed-fraction",
            "0.3",
            "--seed",
            "5",
            "--labels-topic",
            LABELS,
            "--bootstrap-server",
            stack.kafka().bootstrapServers(),
            "--registry",
            stack.registry().url());

    assertThat(produce.exit()).as(produce.out() + produce.err()).isZero();
    Matcher summary =
        Pattern.compile(
                "sent 300 events to "
                    + TOPIC
                    + " \\((\\d+) malformed, schema id \\d+\\) and (\\d+) labels to "
                    + LABELS
                    + " in (\\d+\\.\\d) s")
            .matcher(produce.out());
    assertThat(summary.find()).as(produce.out()).isTrue();
    int malformed = Integer.parseInt(summary.group(1));
    assertThat(malformed).isBetween(60, 120);
    assertThat(Integer.parseInt(summary.group(2))).isEqualTo(300 - malformed);
    // 300 events at 1,000 a second take at least 0.3 s
    assertThat(Double.parseDouble(summary.group(3))).isGreaterThanOrEqualTo(0.2);

    Map<String, Integer> outcomes = new HashMap<>();
    WireFormatDecoder decoder =
        new WireFormatDecoder(
            READER, new SchemaRegistryClient(RegistrySettings.of(stack.registry().url())));
    RecordValidator validator = RecordValidator.forSchema(READER);
    try (OutputCollector collector =
        new OutputCollector(stack.kafka().bootstrapServers(), List.of(TOPIC))) {
      assertThat(
              collector.pollUntil(
                  () -> collector.records().size() >= 300, Duration.ofSeconds(30), r -> {}))
          .isTrue();
      collector.drain(Duration.ofMillis(500), r -> {});
      assertThat(collector.records()).hasSize(300);
      for (ConsumerRecord<byte[], byte[]> record : collector.records()) {
        String outcome = outcome(decoder, validator, record);
        outcomes.merge(outcome, 1, Integer::sum);
      }
    }

    assertThat(outcomes.get("VALID")).isEqualTo(300 - malformed);
    // Each valid payment's truth, keyed by its event id, as the label join reads it.
    WireFormatDecoder labels =
        new WireFormatDecoder(
            Contracts.labelFeedback(),
            new SchemaRegistryClient(RegistrySettings.of(stack.registry().url())));
    try (OutputCollector collector =
        new OutputCollector(stack.kafka().bootstrapServers(), List.of(LABELS))) {
      assertThat(
              collector.pollUntil(
                  () -> collector.records().size() >= 300 - malformed,
                  Duration.ofSeconds(30),
                  r -> {}))
          .isTrue();
      for (ConsumerRecord<byte[], byte[]> record : collector.records()) {
        GenericRecord label = ((DecodeResult.Decoded) labels.decode(record.value())).record();
        assertThat(label.get("event_id"))
            .hasToString(new String(record.key(), StandardCharsets.UTF_8));
        assertThat(label.get("label").toString()).isIn("FRAUD", "LEGIT");
      }
    }
    assertThat(outcomes.keySet())
        .containsExactlyInAnyOrder("VALID", "NOT_WIRE_FORMAT", "UNDECODABLE", "RULE_VIOLATION");
  }

  /** VALID, or the dead-letter reason the pipeline would give the record. */
  private static String outcome(
      WireFormatDecoder decoder, RecordValidator validator, ConsumerRecord<byte[], byte[]> record) {
    DecodeResult result = decoder.decode(record.value());
    if (result instanceof DecodeResult.Failed failed) {
      return failed.failure().name();
    }
    GenericRecord event = ((DecodeResult.Decoded) result).record();
    if (!validator.sanitizeAndValidate(event).isEmpty()) {
      return "RULE_VIOLATION";
    }
    assertThat(new String(record.key(), StandardCharsets.UTF_8))
        .isEqualTo(event.get("event_id").toString());
    assertThat((Double) event.get("amount")).isPositive();
    return "VALID";
  }
}

package dev.scorestream.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.scorestream.codec.DecodeResult;
import dev.scorestream.codec.WireFormatDecoder;
import dev.scorestream.codec.WireFormatEncoder;
import dev.scorestream.config.ScorerConfig;
import dev.scorestream.fixtures.RunningPipeline;
import dev.scorestream.payments.PaymentGenerator;
import dev.scorestream.registry.RegistrySettings;
import dev.scorestream.registry.SchemaRegistryClient;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.testkit.EmbeddedStack;
import dev.scorestream.testkit.OutputCollector;
import dev.scorestream.testkit.RealComponents;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * drift.idle.timeout on the real broker, across a restart: a stream that stops gets its last window
 * reported without any newer event; after the scorer restarts, stragglers for that window are late
 * (the moved clock came back from the changelog), so the window is never reported twice.
 */
@ExtendWith(RealComponents.class)
class IdleWindowsIT {

  // Recent event times: the broker's 7-day retention deletes records with older timestamps from the
  // report topic, and the second run's reader starts from the beginning.
  final long T0 = System.currentTimeMillis() / 60_000 * 60_000 - 20 * 60_000;
  static final Map<String, Object> CONFIG =
      Map.of(
          ScorerConfig.DRIFT_WINDOW,
          "1m",
          ScorerConfig.DRIFT_GRACE,
          "0s",
          ScorerConfig.DRIFT_FLUSH_INTERVAL,
          "200ms",
          ScorerConfig.DRIFT_IDLE_TIMEOUT,
          "2s",
          ScorerConfig.FEEDBACK_ENABLED,
          false,
          // Kafka Streams does not leave the group on close: the restarted instance waits out the
          // old member.
          "kafka.session.timeout.ms",
          6_000);

  @TempDir Path dir;

  @Test
  void shouldReportAQuietStreamsLastWindowOnceEvenAcrossARestart(EmbeddedStack stack)
      throws Exception {
    SchemaRegistryClient registry =
        new SchemaRegistryClient(RegistrySettings.of(stack.registry().url()));
    WireFormatEncoder encoder =
        new WireFormatEncoder(
            Contracts.paymentEvent(),
            registry.register("idle-events-value", Contracts.paymentEvent()));
    PaymentGenerator generator = new PaymentGenerator(Contracts.paymentEvent(), 77);
    List<GenericRecord> reports = new ArrayList<>();

    try (RunningPipeline pipeline =
            RunningPipeline.start(
                stack.kafka(), stack.registry().url(), "idle-", dir.resolve("first"), CONFIG, 2);
        OutputCollector outputs =
            new OutputCollector(stack.kafka().bootstrapServers(), List.of(pipeline.drift))) {
      List<ProducerRecord<byte[], byte[]>> window = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        window.add(
            event(pipeline, encoder, generator, T0 + i * 595L)); // up to T0 + 58.9 s, then silence
      }
      pipeline.produce(window);

      assertThat(
              outputs.pollUntil(
                  () -> outputs.records().size() >= 1, Duration.ofSeconds(60), r -> {}))
          .as("the window closes with no newer event")
          .isTrue();
      outputs.drain(Duration.ofSeconds(3), r -> {});
      reports.addAll(decode(registry, outputs.records()));
    }
    assertThat(reports)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.get("window_start")).isEqualTo(T0);
              assertThat(r.get("event_count")).isEqualTo(100L);
              assertThat(r.get("late_events")).isEqualTo(0L);
            });

    try (RunningPipeline pipeline =
            RunningPipeline.start(
                stack.kafka(), stack.registry().url(), "idle-", dir.resolve("second"), CONFIG, 2);
        OutputCollector outputs =
            new OutputCollector(stack.kafka().bootstrapServers(), List.of(pipeline.drift))) {
      List<ProducerRecord<byte[], byte[]>> stragglers = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        stragglers.add(event(pipeline, encoder, generator, T0 + 1_000 + i));
      }
      pipeline.produce(stragglers);
      // Only the clock restored from the changelog makes them late: no newer event has moved it in
      // this run.
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(
                          pipeline.app().meters().get("scorer.drift.late.events").counter().count())
                      .isEqualTo(5.0));
      // An event 10 minutes on (while idle, the clock has moved with the wall clock since T0 + 58.9
      // s), at the end of its window so the next idle timeout closes it.
      pipeline.produce(List.of(event(pipeline, encoder, generator, T0 + 10 * 60_000 + 59_000)));

      assertThat(
              outputs.pollUntil(
                  () -> outputs.records().size() >= 2, Duration.ofSeconds(60), r -> {}))
          .as("all reports on the topic: the first run's and the next window's")
          .isTrue();
      outputs.drain(
          Duration.ofSeconds(4),
          r -> {}); // two more idle timeouts: a second report of T0 would show
      List<GenericRecord> all = decode(registry, outputs.records());

      assertThat(all).hasSize(2);
      assertThat(all.get(1).get("window_start")).isEqualTo(T0 + 10 * 60_000);
      assertThat(all.get(1).get("event_count")).isEqualTo(1L);
      assertThat(all.get(1).get("late_events")).as("the stragglers").isEqualTo(5L);
    }
  }

  private static ProducerRecord<byte[], byte[]> event(
      RunningPipeline pipeline, WireFormatEncoder encoder, PaymentGenerator generator, long time) {
    GenericRecord event = generator.next(time).record();
    return new ProducerRecord<>(
        pipeline.events,
        null,
        time,
        event.get("event_id").toString().getBytes(StandardCharsets.UTF_8),
        encoder.encode(event));
  }

  private static List<GenericRecord> decode(
      SchemaRegistryClient registry, List<ConsumerRecord<byte[], byte[]>> records) {
    WireFormatDecoder decoder = new WireFormatDecoder(Contracts.driftReport(), registry);
    List<GenericRecord> reports = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      reports.add(((DecodeResult.Decoded) decoder.decode(record.value())).record());
    }
    return reports;
  }
}

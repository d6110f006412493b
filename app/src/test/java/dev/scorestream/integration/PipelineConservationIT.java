package dev.scorestream.integration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.codec.DecodeResult;
import dev.scorestream.codec.WireFormatDecoder;
import dev.scorestream.deadletter.DeadLetterHeaders;
import dev.scorestream.fixtures.RunningPipeline;
import dev.scorestream.registry.RegistrySettings;
import dev.scorestream.registry.SchemaRegistryClient;
import dev.scorestream.samples.SampleSchemas;
import dev.scorestream.samples.SampleTraffic;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.schemas.Reason;
import dev.scorestream.testkit.EmbeddedStack;
import dev.scorestream.testkit.OutputCollector;
import dev.scorestream.testkit.RealComponents;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * 10,000 events with every malformed kind through the real pipeline (real broker, real registry,
 * exactly_once_v2, 4 partitions): each event comes out exactly once, as a prediction or as a dead
 * letter carrying its original bytes and the expected reason.
 */
@ExtendWith(RealComponents.class)
class PipelineConservationIT {

  static final int EVENTS = 10_000;

  @TempDir Path dir;

  @Test
  void shouldTurnEveryEventIntoExactlyOnePredictionOrDeadLetter(EmbeddedStack stack) {
    SchemaRegistryClient registry =
        new SchemaRegistryClient(RegistrySettings.of(stack.registry().url()));
    String subject = "conservation-events-value";
    int reader = registry.register(subject, Contracts.paymentEvent());
    int evolved = registry.register(subject, SampleSchemas.evolved());
    int wallet = registry.register(subject, SampleSchemas.walletChannel());
    SampleTraffic.SchemaIds ids = new SampleTraffic.SchemaIds(reader, evolved, wallet, 900_001);
    List<SampleTraffic.Event> events =
        new SampleTraffic(Contracts.paymentEvent(), ids, 2026).events(EVENTS, 1_764_000_000_000L);
    Map<String, SampleTraffic.Event> byKey = new HashMap<>();
    events.forEach(event -> byKey.put(new String(event.key(), StandardCharsets.UTF_8), event));
    assertThat(events.stream().map(SampleTraffic.Event::kind).distinct())
        .containsExactlyInAnyOrder(SampleTraffic.Kind.values());

    try (RunningPipeline pipeline =
            RunningPipeline.start(
                stack.kafka(), stack.registry().url(), "conservation-", dir, Map.of());
        OutputCollector collector =
            new OutputCollector(
                stack.kafka().bootstrapServers(),
                List.of(pipeline.predictions, pipeline.deadLetters))) {
      pipeline.produce(
          events.stream()
              .map(
                  e ->
                      new ProducerRecord<>(
                          pipeline.events, null, e.timestamp(), e.key(), e.value()))
              .toList());

      assertThat(
              collector.pollUntil(
                  () -> collector.records().size() >= EVENTS, Duration.ofMinutes(3), r -> {}))
          .as("all outputs arrive, got %d", collector.records().size())
          .isTrue();
      collector.drain(Duration.ofSeconds(3), r -> {});

      List<ConsumerRecord<byte[], byte[]>> out = collector.records();
      assertThat(out).hasSize(EVENTS);
      Set<String> keys = new HashSet<>();
      Map<Reason, Long> expectedByReason = new EnumMap<>(Reason.class);
      Map<Reason, Long> actualByReason = new EnumMap<>(Reason.class);
      events.forEach(
          e -> e.kind().expected().ifPresent(r -> expectedByReason.merge(r, 1L, Long::sum)));
      WireFormatDecoder predictionDecoder = new WireFormatDecoder(Contracts.prediction(), registry);
      for (ConsumerRecord<byte[], byte[]> record : out) {
        String key = new String(record.key(), StandardCharsets.UTF_8);
        assertThat(keys.add(key)).as("no duplicate for " + key).isTrue();
        SampleTraffic.Event event = byKey.get(key);
        assertThat(event).as("output %s matches a produced event", key).isNotNull();
        if (record.topic().equals(pipeline.predictions)) {
          assertThat(event.kind().expected())
              .as("%s (%s) should have been a dead letter", key, event.kind())
              .isEmpty();
          DecodeResult prediction = predictionDecoder.decode(record.value());
          assertThat(prediction).isInstanceOf(DecodeResult.Decoded.class);
          assertThat(((DecodeResult.Decoded) prediction).record().get("model_version"))
              .hasToString("test-v1");
        } else {
          Reason reason = DeadLetterHeaders.reason(record.headers()).orElseThrow();
          actualByReason.merge(reason, 1L, Long::sum);
          assertThat(event.kind().expected()).as("%s (%s)", key, event.kind()).contains(reason);
          assertThat(record.value())
              .as("dead letter %s keeps its bytes", key)
              .isEqualTo(event.value());
          assertThat(record.timestamp()).isEqualTo(event.timestamp());
          assertThat(DeadLetterHeaders.get(record.headers(), DeadLetterHeaders.TOPIC))
              .contains(pipeline.events);
        }
      }
      assertThat(actualByReason).isEqualTo(expectedByReason);
      assertThat(pipeline.app().isReady()).isTrue();
    }
  }
}

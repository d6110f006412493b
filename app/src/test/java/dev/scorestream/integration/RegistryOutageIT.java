package dev.scorestream.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.scorestream.codec.WireFormatEncoder;
import dev.scorestream.config.ScorerConfig;
import dev.scorestream.fixtures.RunningPipeline;
import dev.scorestream.payments.PaymentGenerator;
import dev.scorestream.registry.RegistrySettings;
import dev.scorestream.registry.SchemaRegistryClient;
import dev.scorestream.samples.SampleSchemas;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.testkit.EmbeddedRegistry;
import dev.scorestream.testkit.EmbeddedStack;
import dev.scorestream.testkit.OutputCollector;
import dev.scorestream.testkit.RealComponents;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry goes away for 20 s while events with a schema id the pipeline has not seen yet keep
 * arriving: none of them may become a dead letter, all must be predicted once it is back, and the
 * pipeline must report itself unhealthy meanwhile. The schema change those events bring is analysed
 * once the registry answers again: the outage delays its report but loses nothing, and it is
 * reported once. A registry of its own (the shared one keeps running), a 10 s outage wait, so
 * stream threads are replaced during the outage too, and no registry poll, so only the events find
 * the new schema.
 */
@ExtendWith(RealComponents.class)
class RegistryOutageIT {

  @TempDir Path dir;

  @Test
  void shouldWaitOutRegistryOutageWithoutDeadLetters(EmbeddedStack stack) throws Exception {
    try (EmbeddedRegistry registry =
        EmbeddedRegistry.start(EmbeddedRegistry.locateHome(), dir.resolve("apicurio.log"))) {
      SchemaRegistryClient client = new SchemaRegistryClient(RegistrySettings.of(registry.url()));
      int readerId = client.register("outage-events-value", Contracts.paymentEvent());
      int evolvedId = client.register("outage-events-value", SampleSchemas.evolved());
      try (RunningPipeline pipeline =
              RunningPipeline.start(
                  stack.kafka(),
                  registry.url(),
                  "outage-",
                  dir,
                  Map.of(
                      ScorerConfig.REGISTRY_OUTAGE_MAX_BLOCK,
                      "10s",
                      ScorerConfig.REGISTRY_MAX_ATTEMPTS,
                      2,
                      ScorerConfig.SCHEMA_CHANGES_POLL_INTERVAL,
                      "0ms"));
          OutputCollector outputs =
              new OutputCollector(
                  stack.kafka().bootstrapServers(),
                  List.of(pipeline.predictions, pipeline.deadLetters))) {
        PaymentGenerator payments = new PaymentGenerator(Contracts.paymentEvent(), 9);
        WireFormatEncoder reader = new WireFormatEncoder(Contracts.paymentEvent(), readerId);
        WireFormatEncoder evolved = new WireFormatEncoder(SampleSchemas.evolved(), evolvedId);

        pipeline.produce(
            batch(
                pipeline.events,
                "before-",
                100,
                i -> reader.encode(payments.next(now()).record())));
        assertThat(
                outputs.pollUntil(
                    () -> outputs.records().size() >= 100, Duration.ofSeconds(60), r -> {}))
            .isTrue();

        registry.stop();
        long outageStart = System.nanoTime();
        AtomicBoolean sawNotReady = new AtomicBoolean();
        int produced = 100;
        for (int second = 0;
            System.nanoTime() - outageStart < Duration.ofSeconds(20).toNanos();
            second++) {
          pipeline.produce(
              batch(
                  pipeline.events,
                  "during-" + second + "-",
                  10,
                  i -> evolved.encode(toEvolved(payments.next(now()).record()))));
          produced += 10;
          outputs.pollUntil(() -> false, Duration.ofMillis(900), r -> {});
          if (!pipeline.app().health().registryReachable() && readyStatus(pipeline) == 503) {
            sawNotReady.set(true);
          }
        }
        assertThat(Duration.ofNanos(System.nanoTime() - outageStart))
            .isGreaterThanOrEqualTo(Duration.ofSeconds(20));
        assertThat(sawNotReady).as("/health/pipeline answered 503 during the outage").isTrue();
        assertThat(outputs.records()).as("nothing written while the registry is away").hasSize(100);

        registry.restart();
        // In-memory storage starts empty: register in the same order, the ids come back the same.
        assertThat(client.register("outage-events-value", Contracts.paymentEvent()))
            .isEqualTo(readerId);
        assertThat(client.register("outage-events-value", SampleSchemas.evolved()))
            .isEqualTo(evolvedId);

        int expected = produced;
        assertThat(
                outputs.pollUntil(
                    () -> outputs.records().size() >= expected, Duration.ofSeconds(120), r -> {}))
            .as("all %d outputs after the outage, got %d", expected, outputs.records().size())
            .isTrue();
        outputs.drain(Duration.ofSeconds(3), r -> {});
        Set<String> keys = new HashSet<>();
        outputs
            .records()
            .forEach(
                r -> {
                  assertThat(r.topic())
                      .as("no dead letter for an outage")
                      .isEqualTo(pipeline.predictions);
                  assertThat(keys.add(new String(r.key(), StandardCharsets.UTF_8))).isTrue();
                });
        assertThat(keys).hasSize(expected);
        await().atMost(Duration.ofSeconds(30)).until(() -> readyStatus(pipeline) == 200);
        assertThat(pipeline.app().health().registryOutageWaits()).isPositive();
        assertReportedOnce(stack, pipeline, readerId, evolvedId);
      }
    }
  }

  /** Each writer schema's change is on the topic once. */
  static void assertReportedOnce(EmbeddedStack stack, RunningPipeline pipeline, int... ids) {
    try (OutputCollector changes =
        new OutputCollector(stack.kafka().bootstrapServers(), List.of(pipeline.schemaChanges))) {
      assertThat(
              changes.pollUntil(
                  () -> changes.records().size() >= ids.length, Duration.ofSeconds(30), r -> {}))
          .as("a report for each writer schema after the outage")
          .isTrue();
      changes.drain(Duration.ofSeconds(2), r -> {});
      assertThat(changes.records())
          .extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
          .containsExactlyInAnyOrder(
              Arrays.stream(ids)
                  .mapToObj(id -> "outage-events-value/" + id)
                  .toArray(String[]::new));
    }
  }

  static int readyStatus(RunningPipeline pipeline) throws IOException, InterruptedException {
    String url = pipeline.app().managementUrl().orElseThrow() + "/health/pipeline";
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  static long now() {
    return System.currentTimeMillis();
  }

  static List<ProducerRecord<byte[], byte[]>> batch(
      String topic, String prefix, int count, IntFunction<byte[]> value) {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      records.add(
          new ProducerRecord<>(
              topic, (prefix + i).getBytes(StandardCharsets.UTF_8), value.apply(i)));
    }
    return records;
  }

  static GenericRecord toEvolved(GenericRecord payment) {
    Schema evolved = SampleSchemas.evolved();
    GenericRecord record = new GenericData.Record(evolved);
    for (Schema.Field field : evolved.getFields()) {
      Object value =
          payment.getSchema().getField(field.name()) == null
              ? "device-1"
              : payment.get(field.name());
      if (value instanceof GenericData.EnumSymbol symbol) {
        value = new GenericData.EnumSymbol(field.schema(), symbol.toString());
      }
      record.put(field.name(), value);
    }
    return record;
  }
}

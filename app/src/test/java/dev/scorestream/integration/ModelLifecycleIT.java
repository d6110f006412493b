package dev.scorestream.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scorestream.codec.DecodeResult;
import dev.scorestream.codec.WireFormatDecoder;
import dev.scorestream.codec.WireFormatEncoder;
import dev.scorestream.config.ScorerConfig;
import dev.scorestream.features.JsonEvents;
import dev.scorestream.fixtures.RunningPipeline;
import dev.scorestream.model.ModelArtifact;
import dev.scorestream.payments.PaymentGenerator;
import dev.scorestream.registry.RegistrySettings;
import dev.scorestream.registry.SchemaRegistryClient;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.testkit.EmbeddedStack;
import dev.scorestream.testkit.OutputCollector;
import dev.scorestream.testkit.RealComponents;
import dev.scorestream.training.TestModels;
import dev.scorestream.training.TrainerKind;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Hot swap mid-stream and REST scoring, against the real pipeline. */
@ExtendWith(RealComponents.class)
class ModelLifecycleIT {

  static final ObjectMapper JSON = new ObjectMapper();

  final EmbeddedStack stack;
  final SchemaRegistryClient registry;
  @TempDir Path dir;

  ModelLifecycleIT(EmbeddedStack stack) {
    this.stack = stack;
    this.registry = new SchemaRegistryClient(RegistrySettings.of(stack.registry().url()));
  }

  Path publish(ModelArtifact artifact, Path models, String name) throws IOException {
    Path staging = dir.resolve("staging-" + name);
    artifact.save(staging);
    return Files.move(staging, models.resolve(name), StandardCopyOption.ATOMIC_MOVE);
  }

  GenericRecord prediction(byte[] value) {
    DecodeResult result = new WireFormatDecoder(Contracts.prediction(), registry).decode(value);
    assertThat(result).isInstanceOf(DecodeResult.Decoded.class);
    return ((DecodeResult.Decoded) result).record();
  }

  @Test
  void shouldSwapModelMidStreamWithoutRestartLossOrDuplicates() throws Exception {
    Path models = Files.createDirectories(dir.resolve("models"));
    publish(TestModels.logistic(), models, "fraud-v1");
    int schemaId = registry.register("hotswap-events-value", Contracts.paymentEvent());
    WireFormatEncoder encoder = new WireFormatEncoder(Contracts.paymentEvent(), schemaId);
    PaymentGenerator payments = new PaymentGenerator(Contracts.paymentEvent(), 31);
    try (RunningPipeline pipeline =
            RunningPipeline.start(
                stack.kafka(),
                stack.registry().url(),
                "hotswap-",
                dir,
                Map.of(
                    ScorerConfig.MODEL_DIR,
                    models.toString(),
                    ScorerConfig.MODEL_POLL_INTERVAL,
                    "200ms"));
        OutputCollector outputs =
            new OutputCollector(
                stack.kafka().bootstrapServers(),
                List.of(pipeline.predictions, pipeline.deadLetters))) {
      assertThat(pipeline.app().model().current().version()).isEqualTo("test-v1");
      int total = 0;
      for (int round = 0; round < 10; round++) {
        List<ProducerRecord<byte[], byte[]>> batch = new ArrayList<>();
        for (int i = 0; i < 100; i++, total++) {
          batch.add(
              new ProducerRecord<>(
                  pipeline.events,
                  ("e-" + total).getBytes(StandardCharsets.UTF_8),
                  encoder.encode(payments.next(System.currentTimeMillis()).record())));
        }
        pipeline.produce(batch);
        if (round == 3) {
          Path broken =
              publish(
                  TestModels.train("broken", TrainerKind.LOGISTIC, 300, 5), models, "fraud-broken");
          Files.writeString(broken.resolve(ModelArtifact.METADATA_FILE), "{}");
          await()
              .atMost(Duration.ofSeconds(20))
              .until(() -> pipeline.app().watcher().orElseThrow().rejected() == 1);
          assertThat(pipeline.app().model().current().version())
              .as("invalid candidate ignored")
              .isEqualTo("test-v1");
        }
        if (round == 5) {
          publish(TestModels.train("test-v2", TrainerKind.CART, 3000, 8), models, "fraud-v2");
          await()
              .atMost(Duration.ofSeconds(20))
              .until(() -> pipeline.app().model().current().version().equals("test-v2"));
        }
      }
      int expected = total;
      assertThat(
              outputs.pollUntil(
                  () -> outputs.records().size() >= expected, Duration.ofSeconds(90), r -> {}))
          .isTrue();
      outputs.drain(Duration.ofSeconds(2), r -> {});

      Set<String> keys = new HashSet<>();
      Map<Integer, List<String>> versionsByPartition = new HashMap<>();
      for (ConsumerRecord<byte[], byte[]> record : outputs.records()) {
        assertThat(record.topic()).isEqualTo(pipeline.predictions);
        assertThat(keys.add(new String(record.key(), StandardCharsets.UTF_8))).isTrue();
        versionsByPartition
            .computeIfAbsent(record.partition(), p -> new ArrayList<>())
            .add(prediction(record.value()).get("model_version").toString());
      }
      assertThat(keys).hasSize(1000);
      List<String> all = versionsByPartition.values().stream().flatMap(List::stream).toList();
      assertThat(all).contains("test-v1", "test-v2").containsOnly("test-v1", "test-v2");
      versionsByPartition
          .values()
          .forEach(
              versions -> {
                int firstV2 = versions.indexOf("test-v2");
                if (firstV2 >= 0) {
                  assertThat(versions.subList(firstV2, versions.size()))
                      .as("no v1 after v2 in a partition")
                      .containsOnly("test-v2");
                }
              });
    }
  }

  @Test
  void shouldScoreOverRestExactlyAsTheStreamDoes() throws Exception {
    int schemaId = registry.register("rest-events-value", Contracts.paymentEvent());
    GenericRecord event =
        new PaymentGenerator(Contracts.paymentEvent(), 77)
            .next(System.currentTimeMillis())
            .record();
    try (RunningPipeline pipeline =
            RunningPipeline.start(stack.kafka(), stack.registry().url(), "rest-", dir, Map.of());
        OutputCollector outputs =
            new OutputCollector(stack.kafka().bootstrapServers(), List.of(pipeline.predictions))) {
      String url = pipeline.app().httpUrl().orElseThrow();
      pipeline.produce(
          List.of(
              new ProducerRecord<>(
                  pipeline.events,
                  "one".getBytes(StandardCharsets.UTF_8),
                  new WireFormatEncoder(Contracts.paymentEvent(), schemaId).encode(event))));
      assertThat(
              outputs.pollUntil(
                  () -> outputs.records().size() == 1, Duration.ofSeconds(60), r -> {}))
          .isTrue();
      GenericRecord streamed = prediction(outputs.records().get(0).value());

      HttpResponse<String> scored = post(url + "/v1/score", JsonEvents.toJson(event).toString());
      assertThat(scored.statusCode()).as(scored.body()).isEqualTo(200);
      JsonNode rest = JSON.readTree(scored.body());
      assertThat(rest.get("predicted_label").asText())
          .isEqualTo(streamed.get("predicted_label").toString());
      assertThat(rest.get("model_version").asText())
          .isEqualTo(streamed.get("model_version").toString());
      assertThat(rest.get("event_id").asText()).isEqualTo(streamed.get("event_id").toString());
      @SuppressWarnings("unchecked")
      Map<Object, Double> streamedScores = (Map<Object, Double>) streamed.get("scores");
      streamedScores.forEach(
          (label, score) ->
              assertThat(rest.get("scores").get(label.toString()).asDouble())
                  .isCloseTo(score, offset(1e-12)));

      assertThat(post(url + "/v1/score", "{not json").statusCode()).isEqualTo(400);
      ObjectNode violating = JsonEvents.toJson(event);
      violating.put("amount", -3.0);
      HttpResponse<String> rejected = post(url + "/v1/score", violating.toString());
      assertThat(rejected.statusCode()).isEqualTo(422);
      assertThat(JSON.readTree(rejected.body()).get("rules").toString())
          .isEqualTo("[\"amount.min\"]");

      HttpResponse<String> model =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(url + "/v1/model")).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(model.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(model.body()).get("champion").get("version").asText())
          .isEqualTo("test-v1");
      assertThat(post(url + "/v1/model", "{}").statusCode()).isEqualTo(405);

      String management = pipeline.app().managementUrl().orElseThrow();
      assertThat(get(url + "/metrics").statusCode())
          .as("metrics moved to the management port")
          .isEqualTo(404);
      String metrics = get(management + "/metrics").body();
      assertThat(metrics)
          .contains("scorer_records_total{outcome=\"prediction\"} 1.0")
          .containsPattern(
              "scorer_model_info\\{name=\"fraud\",role=\"champion\",version=\"test-v1\"} 1(\\.0)?\n")
          .contains("scorer_scoring_latency_seconds_count 1")
          .containsPattern("scorer_inference_ready 1(\\.0)?\n")
          .containsPattern("scorer_pipeline_healthy 1(\\.0)?\n")
          .contains("kafka_stream_")
          .contains("jvm_memory_used_bytes");
      assertThat(get(management + "/health/live").statusCode()).isEqualTo(200);
      HttpResponse<String> ready = get(management + "/health/ready");
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(ready.body()).get("model_version").asText()).isEqualTo("test-v1");
      HttpResponse<String> pipelineHealth = get(management + "/health/pipeline");
      assertThat(pipelineHealth.statusCode()).as(pipelineHealth.body()).isEqualTo(200);
      assertThat(JSON.readTree(pipelineHealth.body()).get("streams").asText()).isEqualTo("RUNNING");
      assertThat(JSON.readTree(pipelineHealth.body()).get("broker_reachable").asBoolean()).isTrue();
    }
  }

  static HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> post(String url, String body)
      throws IOException, InterruptedException {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }
}

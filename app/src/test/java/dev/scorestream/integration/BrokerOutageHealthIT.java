package dev.scorestream.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scorestream.app.ScorerApp;
import dev.scorestream.config.ScorerConfig;
import dev.scorestream.testkit.BrokerProcess;
import dev.scorestream.testkit.EmbeddedStack;
import dev.scorestream.testkit.RealComponents;
import dev.scorestream.training.TestModels;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker goes away under a running scorer with the default health settings: Kafka Streams stays
 * RUNNING (its clients retry), but pipeline health must turn DOWN with the broker named, in {@code
 * /health/pipeline} and in {@code scorer_broker_reachable}, well within the minute the alert
 * promises; inference readiness stays up and REST V2 scoring keeps answering. When the broker is
 * back, the pipeline is healthy again.
 */
@ExtendWith(RealComponents.class)
class BrokerOutageHealthIT {

  static final ObjectMapper JSON = new ObjectMapper();
  final HttpClient http = HttpClient.newHttpClient();

  @TempDir Path dir;

  @Test
  void shouldReportABrokerOutageAsPipelineHealthNotAsInferenceReadiness(EmbeddedStack stack)
      throws Exception {
    try (BrokerProcess broker = BrokerProcess.start(dir.resolve("broker"))) {
      broker.createTopics(
          Map.of("outage.events", 2, "outage.predictions", 2, "outage.dlq", 1), Map.of());
      Path model = dir.resolve("model");
      TestModels.logistic().save(model);
      Map<String, Object> values = new HashMap<>();
      values.put(ScorerConfig.BOOTSTRAP_SERVERS, broker.bootstrapServers());
      values.put(ScorerConfig.REGISTRY_URL, stack.registry().url());
      values.put(ScorerConfig.MODEL_DIR, model.toString());
      values.put(ScorerConfig.APPLICATION_ID, "outage-health");
      values.put(ScorerConfig.TOPIC_EVENTS, "outage.events");
      values.put(ScorerConfig.TOPIC_PREDICTIONS, "outage.predictions");
      values.put(ScorerConfig.TOPIC_DLQ, "outage.dlq");
      values.put(ScorerConfig.STATE_DIR, dir.resolve("state").toString());
      values.put(ScorerConfig.HTTP_PORT, 0);
      values.put(ScorerConfig.GRPC_PORT, -1);
      values.put(ScorerConfig.MANAGEMENT_PORT, 0);
      values.put(ScorerConfig.DRIFT_ENABLED, false);
      values.put(ScorerConfig.FEEDBACK_ENABLED, false);
      try (ScorerApp app = ScorerApp.start(ScorerConfig.of(values), Clock.systemUTC())) {
        String base = app.managementUrl().orElseThrow();
        String scoring = app.httpUrl().orElseThrow();
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> get(base + "/health/pipeline").statusCode() == 200);
        assertThat(metric(base, "scorer_broker_reachable")).isEqualTo(1.0);

        broker.kill();
        long down = System.nanoTime();

        await()
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(250))
            .until(() -> get(base + "/health/pipeline").statusCode() == 503);
        Duration noticed = Duration.ofNanos(System.nanoTime() - down);
        JsonNode pipeline = JSON.readTree(get(base + "/health/pipeline").body());
        assertThat(pipeline.get("broker_reachable").asBoolean()).isFalse();
        assertThat(pipeline.get("broker_down_since").asText()).isNotEmpty();
        assertThat(pipeline.get("problems").toString()).contains("no Kafka broker answers");
        assertThat(metric(base, "scorer_broker_reachable")).isEqualTo(0.0);
        assertThat(metric(base, "scorer_pipeline_healthy")).isEqualTo(0.0);
        // Kafka Streams itself never noticed: that is why the broker is asked directly
        assertThat(app.streams().state()).isEqualTo(KafkaStreams.State.RUNNING);
        System.out.printf("broker outage noticed after %d ms%n", noticed.toMillis());

        assertThat(get(base + "/health/ready").statusCode()).isEqualTo(200);
        assertThat(get(scoring + "/v2/health/ready").statusCode()).isEqualTo(200);
        assertThat(metric(base, "scorer_inference_ready")).isEqualTo(1.0);
        HttpResponse<String> metadata = get(scoring + "/v2/models/fraud");
        assertThat(metadata.statusCode()).isEqualTo(200);

        broker.start();

        await()
            .atMost(Duration.ofSeconds(90))
            .pollInterval(Duration.ofMillis(500))
            .until(() -> get(base + "/health/pipeline").statusCode() == 200);
        assertThat(metric(base, "scorer_broker_reachable")).isEqualTo(1.0);
      }
    }
  }

  HttpResponse<String> get(String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  double metric(String base, String name) throws Exception {
    for (String line : get(base + "/metrics").body().split("\n")) {
      if (line.startsWith(name + " ")) {
        return Double.parseDouble(line.substring(name.length() + 1).trim());
      }
    }
    throw new AssertionError(name + " not in /metrics");
  }
}

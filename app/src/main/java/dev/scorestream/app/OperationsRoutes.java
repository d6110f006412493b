package dev.scorestream.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scorestream.http.ScorerHttpServer;
import dev.scorestream.http.ScorerHttpServer.Response;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * {@code /metrics} (Prometheus text format) and the health endpoints, for probes, scrapers and
 * people:
 *
 * <ul>
 *   <li>{@code /health/live}: the process answers;
 *   <li>{@code /health/ready}: inference readiness, the model is loaded and REST and gRPC answer
 *       (the same as {@code /v2/health/ready}); 503 only while the scorer stops;
 *   <li>{@code /health/pipeline}: pipeline health, 200 while Kafka Streams runs, a broker and the
 *       registry answer and waiting input is processed, else 503 with every reason.
 * </ul>
 */
final class OperationsRoutes {

  private static final ObjectMapper JSON = new ObjectMapper();

  private OperationsRoutes() {}

  static void register(ScorerHttpServer http, ScorerApp app) {
    http.route(
        "/metrics",
        Map.of(
            "GET",
            (method, body) ->
                new Response(
                    200,
                    "text/plain; version=0.0.4; charset=utf-8",
                    app.meters().scrape().getBytes(StandardCharsets.UTF_8))));
    http.route(
        "/health/live",
        Map.of(
            "GET",
            (method, body) -> Response.json(200, JSON.createObjectNode().put("status", "UP"))));
    http.route(
        "/health/ready",
        Map.of(
            "GET",
            (method, body) -> {
              boolean ready = app.isReady();
              ObjectNode status = JSON.createObjectNode();
              status.put("status", ready ? "UP" : "DOWN");
              status.put("model_version", app.model().current().version());
              app.model()
                  .challenger()
                  .ifPresent(c -> status.put("challenger_version", c.version()));
              return Response.json(ready ? 200 : 503, status);
            }));
    http.route(
        "/health/pipeline",
        Map.of(
            "GET",
            (method, body) -> {
              PipelineHealth.Status pipeline = app.pipelineStatus();
              ObjectNode status = JSON.createObjectNode();
              status.put("status", pipeline.healthy() ? "UP" : "DOWN");
              status.put("streams", pipeline.streams());
              status.put("broker_reachable", pipeline.brokerReachable());
              if (pipeline.brokerDownSince() != null) {
                status.put("broker_down_since", pipeline.brokerDownSince().toString());
              }
              status.put("registry_reachable", pipeline.registryReachable());
              if (pipeline.registryDownSince() != null) {
                status.put("registry_down_since", pipeline.registryDownSince().toString());
              }
              if (!Double.isNaN(pipeline.lag())) {
                status.put("consumer_lag", (long) pipeline.lag());
              }
              status.put("stalled", pipeline.stalled());
              ArrayNode problems = status.putArray("problems");
              pipeline.problems().forEach(problems::add);
              return Response.json(pipeline.healthy() ? 200 : 503, status);
            }));
  }
}

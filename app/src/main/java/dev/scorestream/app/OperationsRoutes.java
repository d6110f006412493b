package dev.scorestream.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scorestream.http.ScorerHttpServer;
import dev.scorestream.http.ScorerHttpServer.Response;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * {@code /metrics} (Prometheus text format), {@code /health/live} (the process answers) and {@code
 * /health/ready} (200 while Kafka Streams is RUNNING and the registry reachable, 503 otherwise,
 * with the reasons), for probes, scrapers and load balancers.
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
              ObjectNode status = JSON.createObjectNode();
              boolean ready = app.isReady();
              status.put("status", ready ? "UP" : "DOWN");
              status.put("streams", app.streams().state().name());
              status.put("registry_reachable", app.health().registryReachable());
              if (app.health().registryDownSince() != null) {
                status.put("registry_down_since", app.health().registryDownSince().toString());
              }
              status.put("model_version", app.model().current().version());
              return Response.json(ready ? 200 : 503, status);
            }));
  }
}

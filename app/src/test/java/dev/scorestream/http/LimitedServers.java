package dev.scorestream.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A scoring server with one thread and one queue slot, whose {@code /slow} route holds its thread
 * until released, beside a management server with {@code /health/live}: what the limit tests
 * saturate and probe. {@link #main} runs them in a JVM of their own, with a 1-second request
 * timeout (the JDK reads it once per JVM), and prints both ports.
 */
final class LimitedServers implements AutoCloseable {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String PORTS = "ports: ";

  final CountDownLatch release = new CountDownLatch(1);
  final ScorerHttpServer scoring;
  final ScorerHttpServer management;

  LimitedServers() {
    scoring =
        ScorerHttpServer.start(
            "127.0.0.1",
            0,
            new ScorerHttpServer.Options("scoring-test", 1, 1),
            http -> {
              http.route("/slow", Map.of("GET", (method, body) -> hold()));
              http.route("/fast", Map.of("GET", (method, body) -> ok()));
            });
    management =
        ScorerHttpServer.start(
            "127.0.0.1",
            0,
            ScorerHttpServer.Options.MANAGEMENT,
            http -> http.route("/health/live", Map.of("GET", (method, body) -> ok())));
  }

  private ScorerHttpServer.Response hold() {
    try {
      release.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return ok();
  }

  private static ScorerHttpServer.Response ok() {
    return ScorerHttpServer.Response.json(200, JSON.createObjectNode().put("status", "UP"));
  }

  @Override
  public void close() {
    release.countDown();
    scoring.close();
    management.close();
  }

  /** Prints {@code ports: SCORING MANAGEMENT}, then serves until stdin closes. */
  public static void main(String[] args) throws Exception {
    ScorerHttpServer.limitConnections(Duration.ofSeconds(1), Duration.ofSeconds(30), 1000);
    try (LimitedServers servers = new LimitedServers()) {
      System.out.println(PORTS + servers.scoring.port() + " " + servers.management.port());
      System.out.flush();
      while (System.in.read() >= 0) {
        // serve until the parent closes our stdin
      }
    }
  }
}

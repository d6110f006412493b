package dev.scorestream.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scorer's HTTP server (JDK {@code HttpServer}: no extra dependency for a handful of
 * endpoints). {@code POST /v1/score}, {@code GET /v1/model}; further routes (health, metrics) are
 * added with {@link #route}. Bodies over 1 MiB are refused with 413.
 */
public final class ScorerHttpServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ScorerHttpServer.class);
  static final int MAX_BODY = 1 << 20;

  /** A route's answer: status, content type, body. */
  public record Response(int status, String contentType, byte[] body) {
    public static Response json(int status, JsonNode body) {
      return new Response(
          status, "application/json", body.toString().getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Handles one request: method and body in, response out. */
  @FunctionalInterface
  public interface Route {
    Response handle(String method, String body);
  }

  private final HttpServer server;
  private final ExecutorService executor =
      Executors.newFixedThreadPool(
          4,
          runnable -> {
            Thread thread = new Thread(runnable, "http");
            thread.setDaemon(true);
            return thread;
          });

  private ScorerHttpServer(HttpServer server) {
    this.server = server;
  }

  /** Binds {@code host:port} (port 0: any free port) and serves the scoring routes. */
  public static ScorerHttpServer start(String host, int port, JsonScorer scorer) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(host, port), 64);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind HTTP server to " + host + ":" + port, e);
    }
    ScorerHttpServer http = new ScorerHttpServer(server);
    http.route(
        "/v1/score",
        Map.of(
            "POST",
            (method, body) -> {
              JsonScorer.Answer answer = scorer.score(body);
              return Response.json(answer.status(), answer.body());
            }));
    http.route(
        "/v1/model", Map.of("GET", (method, body) -> Response.json(200, scorer.modelInfo())));
    server.setExecutor(http.executor);
    server.start();
    LOG.info("HTTP server listening on {}", http.url());
    return http;
  }

  /** Adds a route answering the given methods; other methods get 405. */
  public void route(String path, Map<String, Route> byMethod) {
    server.createContext(path, exchange -> handle(exchange, path, byMethod));
  }

  private static void handle(HttpExchange exchange, String path, Map<String, Route> byMethod)
      throws IOException {
    try (exchange) {
      if (!exchange.getRequestURI().getPath().equals(path)) {
        send(
            exchange,
            new Response(404, "text/plain", "not found\n".getBytes(StandardCharsets.UTF_8)));
        return;
      }
      Route route = byMethod.get(exchange.getRequestMethod());
      if (route == null) {
        exchange.getResponseHeaders().add("Allow", String.join(", ", byMethod.keySet()));
        send(
            exchange,
            new Response(
                405, "text/plain", "method not allowed\n".getBytes(StandardCharsets.UTF_8)));
        return;
      }
      byte[] body = readBody(exchange.getRequestBody());
      if (body == null) {
        send(
            exchange,
            new Response(413, "text/plain", "body over 1 MiB\n".getBytes(StandardCharsets.UTF_8)));
        return;
      }
      Response response;
      try {
        response =
            route.handle(exchange.getRequestMethod(), new String(body, StandardCharsets.UTF_8));
      } catch (RuntimeException e) {
        LOG.warn("{} {} failed", exchange.getRequestMethod(), path, e);
        response =
            new Response(
                500,
                "text/plain",
                ("internal error: " + e.getClass().getSimpleName() + "\n")
                    .getBytes(StandardCharsets.UTF_8));
      }
      send(exchange, response);
    }
  }

  private static byte[] readBody(InputStream in) throws IOException {
    byte[] body = in.readNBytes(MAX_BODY + 1);
    return body.length > MAX_BODY ? null : body;
  }

  private static void send(HttpExchange exchange, Response response) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", response.contentType());
    exchange.sendResponseHeaders(
        response.status(), response.body().length == 0 ? -1 : response.body().length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(response.body());
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public String url() {
    return "http://" + server.getAddress().getHostString() + ":" + port();
  }

  @Override
  public void close() {
    server.stop(1);
    executor.shutdownNow();
  }
}

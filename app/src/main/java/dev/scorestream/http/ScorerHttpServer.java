package dev.scorestream.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.scorestream.codec.StrictUtf8;
import dev.scorestream.security.BearerAuth;
import dev.scorestream.security.PemTls;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scorer's HTTP server (JDK {@code HttpServer}: no extra dependency for a handful of
 * endpoints). {@code POST /v1/score}, {@code GET /v1/model}; further routes (health, metrics) are
 * added with {@link #route}. A request body must be JSON in UTF-8: another Content-Type gets 415,
 * bytes that are not well-formed UTF-8 get 400, more than 1 MiB gets 413; an unknown path 404 and
 * an unknown method 405. Every error is {@code {"error": CODE, "message": ...}}.
 *
 * <p>Abuse limits: a server has a fixed number of threads and a bounded queue ({@link Options}); a
 * request beyond them is answered 503 {@code OVERLOADED} with {@code Retry-After: 1} at once.
 * {@link #limitConnections} caps, JVM-wide, how long a request may take to arrive, how long a
 * connection may idle and how many may be open.
 */
public final class ScorerHttpServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ScorerHttpServer.class);
  static final int MAX_BODY = 1 << 20;
  static final String NODELAY = "sun.net.httpserver.nodelay";
  static final String MAX_REQ_TIME = "sun.net.httpserver.maxReqTime";
  static final String IDLE_INTERVAL = "sun.net.httpserver.idleInterval";
  static final String MAX_CONNECTIONS = "jdk.httpserver.maxConnections";

  /**
   * A server's threads, authentication and TLS: {@code threads} read and answer requests, at most
   * {@code queue} more wait for one; {@code name} names the threads; {@code auth}, when not null,
   * refuses every request without an accepted bearer token with 401; {@code tls}, when not null,
   * serves HTTPS only (and asks for a client certificate when it is mutual).
   */
  public record Options(String name, int threads, int queue, BearerAuth auth, PemTls tls) {

    /** The scoring server's defaults (http.threads, http.queue). */
    public static final Options DEFAULT = new Options("http", 4, 64);

    /** A management server's: probes and scrapes are few and quick, and need no token. */
    public static final Options MANAGEMENT = new Options("management", 2, 16);

    /** Without authentication, without TLS. */
    public Options(String name, int threads, int queue) {
      this(name, threads, queue, null, null);
    }
  }

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

  /**
   * Handles every path below a prefix: method, full path and body in, response out; answers unknown
   * paths and methods itself.
   */
  @FunctionalInterface
  public interface Tree {
    Response handle(String method, String path, String body);
  }

  /**
   * How a route family spells errors: scorestream's {@code {"error": CODE, "message": ...}}, or the
   * Open Inference Protocol's {@code {"error": "CODE: message"}}.
   */
  public enum ErrorStyle {
    SCORER,
    OPEN_INFERENCE;

    Response error(int status, String code, String message) {
      if (this == OPEN_INFERENCE) {
        return Response.json(
            status, JsonScorer.JSON.createObjectNode().put("error", code + ": " + message));
      }
      return ScorerHttpServer.error(status, code, message);
    }
  }

  private final HttpServer server;
  private final BoundedExecutor executor;
  private final BearerAuth auth;

  private ScorerHttpServer(HttpServer server, BoundedExecutor executor, BearerAuth auth) {
    this.server = server;
    this.executor = executor;
    this.auth = auth;
  }

  /** Binds {@code host:port} (port 0: any free port) and serves the scoring routes. */
  public static ScorerHttpServer start(String host, int port, JsonScorer scorer) {
    return start(host, port, Options.DEFAULT, scorer);
  }

  /** Binds {@code host:port} with {@code options} and serves the scoring routes. */
  public static ScorerHttpServer start(String host, int port, Options options, JsonScorer scorer) {
    ScorerHttpServer http = bind(host, port, options);
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
    http.server.start();
    LOG.info("HTTP server listening on {}", http.url());
    return http;
  }

  /**
   * Binds {@code host:port} and serves only the routes {@code routes} adds (health and metrics of a
   * process that scores nothing, such as the retraining controller).
   */
  public static ScorerHttpServer start(
      String host, int port, java.util.function.Consumer<ScorerHttpServer> routes) {
    return start(host, port, Options.MANAGEMENT, routes);
  }

  /**
   * Binds {@code host:port} with {@code options} and serves only the routes {@code routes} adds.
   */
  public static ScorerHttpServer start(
      String host,
      int port,
      Options options,
      java.util.function.Consumer<ScorerHttpServer> routes) {
    ScorerHttpServer http = bind(host, port, options);
    routes.accept(http);
    http.server.start();
    LOG.info("HTTP server listening on {}", http.url());
    return http;
  }

  /**
   * Caps, for every JDK HTTP server of this JVM, how long a request may take from its first byte
   * until its answer starts ({@code sun.net.httpserver.maxReqTime}: a client that sends byte by
   * byte, or never finishes, is disconnected and its thread freed), how long a connection may idle
   * ({@code idleInterval}) and how many may be open ({@code jdk.httpserver.maxConnections}). The
   * JDK reads them once, when the first server starts; an explicit {@code -D} wins.
   */
  public static void limitConnections(
      Duration requestTimeout, Duration idleTimeout, int maxConnections) {
    setIfAbsent(MAX_REQ_TIME, Long.toString(Math.max(1, requestTimeout.toSeconds())));
    setIfAbsent(IDLE_INTERVAL, Long.toString(Math.max(1, idleTimeout.toSeconds())));
    setIfAbsent(MAX_CONNECTIONS, Integer.toString(maxConnections));
  }

  private static void setIfAbsent(String property, String value) {
    if (System.getProperty(property) == null) {
      System.setProperty(property, value);
    }
  }

  private static ScorerHttpServer bind(String host, int port, Options options) {
    // The JDK server leaves Nagle's algorithm on: a response written as headers, then body, waits
    // for the client's delayed ACK, about 40 ms per request on Linux. Read once, when the first
    // server starts; an explicit -Dsun.net.httpserver.nodelay wins.
    setIfAbsent(NODELAY, "true");
    HttpServer server;
    try {
      server =
          options.tls() == null
              ? HttpServer.create(new InetSocketAddress(host, port), 64)
              : https(new InetSocketAddress(host, port), options.tls());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind HTTP server to " + host + ":" + port, e);
    }
    BoundedExecutor executor =
        new BoundedExecutor(options.name(), options.threads(), options.queue());
    server.setExecutor(executor);
    return new ScorerHttpServer(server, executor, options.auth());
  }

  /** An HTTPS server with {@code tls}'s reloading certificate; plaintext gets no answer. */
  private static HttpsServer https(InetSocketAddress address, PemTls tls) throws IOException {
    HttpsServer server = HttpsServer.create(address, 64);
    server.setHttpsConfigurator(
        new HttpsConfigurator(tls.sslContext()) {
          @Override
          public void configure(HttpsParameters parameters) {
            SSLParameters ssl = getSSLContext().getDefaultSSLParameters();
            ssl.setNeedClientAuth(tls.mutual());
            parameters.setSSLParameters(ssl);
          }
        });
    return server;
  }

  /** Adds a route answering the given methods; other methods get 405. */
  public void route(String path, Map<String, Route> byMethod) {
    server.createContext(
        path,
        exchange -> {
          if (refusedAsOverloaded(exchange, ErrorStyle.SCORER)
              || refusedUnauthenticated(exchange, ErrorStyle.SCORER)) {
            return;
          }
          String requested = exchange.getRequestURI().getPath();
          if (!requested.equals(path)) {
            try (exchange) {
              send(exchange, error(404, "NOT_FOUND", "no route " + requested));
            }
            return;
          }
          Route route = byMethod.get(exchange.getRequestMethod());
          if (route == null) {
            try (exchange) {
              exchange.getResponseHeaders().add("Allow", String.join(", ", byMethod.keySet()));
              send(
                  exchange,
                  error(
                      405,
                      "METHOD_NOT_ALLOWED",
                      path + " answers " + String.join(", ", byMethod.keySet())));
            }
            return;
          }
          handle(
              exchange,
              ErrorStyle.SCORER,
              false,
              (method, fullPath, body) -> route.handle(method, body));
        });
  }

  /**
   * Adds a route family: every path equal to {@code prefix} or below it goes to {@code tree}, with
   * errors in {@code style}. An Open Inference Protocol body without a Content-Type is read as JSON
   * (its clients do not all send one); a declared type must still be JSON.
   */
  public void routeTree(String prefix, ErrorStyle style, Tree tree) {
    server.createContext(
        prefix,
        exchange -> {
          if (refusedAsOverloaded(exchange, style) || refusedUnauthenticated(exchange, style)) {
            return;
          }
          String requested = exchange.getRequestURI().getPath();
          if (!requested.equals(prefix) && !requested.startsWith(prefix + "/")) {
            try (exchange) {
              send(exchange, style.error(404, "NOT_FOUND", "no route " + requested));
            }
            return;
          }
          handle(exchange, style, style == ErrorStyle.OPEN_INFERENCE, tree);
        });
  }

  /** On an overflow thread: answers 503 without reading the body, and says so. */
  private static boolean refusedAsOverloaded(HttpExchange exchange, ErrorStyle style)
      throws IOException {
    if (!BoundedExecutor.overloaded()) {
      return false;
    }
    try (exchange) {
      exchange.getResponseHeaders().set("Retry-After", "1");
      send(
          exchange,
          style.error(
              503, "OVERLOADED", "every thread is busy and the queue is full; retry later"));
    }
    return true;
  }

  /**
   * Without an accepted bearer token (when this server asks for one): answers 401 with {@code
   * WWW-Authenticate: Bearer}, without reading the body, and says so.
   */
  private boolean refusedUnauthenticated(HttpExchange exchange, ErrorStyle style)
      throws IOException {
    if (auth == null) {
      return false;
    }
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    Optional<String> refusal = auth.refusal(authorization);
    if (refusal.isEmpty()) {
      return false;
    }
    try (exchange) {
      exchange
          .getResponseHeaders()
          .set(
              "WWW-Authenticate",
              authorization == null
                  ? BearerAuth.CHALLENGE
                  : BearerAuth.CHALLENGE + ", error=\"invalid_token\"");
      send(exchange, style.error(401, "UNAUTHENTICATED", refusal.get()));
    }
    return true;
  }

  private static void handle(
      HttpExchange exchange, ErrorStyle style, boolean contentTypeOptional, Tree tree)
      throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      byte[] body = readBody(exchange.getRequestBody());
      if (body == null) {
        send(exchange, style.error(413, "PAYLOAD_TOO_LARGE", "the body is over 1 MiB"));
        return;
      }
      String text = "";
      if (body.length > 0 || "POST".equals(exchange.getRequestMethod())) {
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (!isJson(contentType) && !(contentTypeOptional && contentType == null)) {
          send(
              exchange,
              style.error(
                  415,
                  "UNSUPPORTED_MEDIA_TYPE",
                  "Content-Type must be application/json (UTF-8), got "
                      + (contentType == null ? "none" : contentType)));
          return;
        }
        Optional<String> decoded = StrictUtf8.decode(body);
        if (decoded.isEmpty()) {
          send(exchange, style.error(400, "INVALID_UTF8", "the body is not well-formed UTF-8"));
          return;
        }
        text = decoded.get();
      }
      Response response;
      try {
        response = tree.handle(exchange.getRequestMethod(), path, text);
      } catch (RuntimeException e) {
        LOG.warn("{} {} failed", exchange.getRequestMethod(), path, e);
        response = style.error(500, "INTERNAL", e.getClass().getSimpleName());
      }
      send(exchange, response);
    }
  }

  /**
   * {@code application/json}, or a {@code +json} type, with no charset or UTF-8 (RFC 8259: JSON
   * exchanged between systems is UTF-8).
   */
  static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    String[] parts = contentType.split(";");
    String type = parts[0].strip().toLowerCase(Locale.ROOT);
    if (!type.equals("application/json")
        && !(type.startsWith("application/") && type.endsWith("+json"))) {
      return false;
    }
    for (int i = 1; i < parts.length; i++) {
      String[] parameter = parts[i].strip().split("=", 2);
      if (parameter[0].strip().equalsIgnoreCase("charset")
          && (parameter.length < 2
              || !parameter[1].strip().replace("\"", "").equalsIgnoreCase("utf-8"))) {
        return false;
      }
    }
    return true;
  }

  /** An error in the shape every JSON route uses: {@code {"error": CODE, "message": ...}}. */
  public static Response error(int status, String code, String message) {
    JsonScorer.Answer answer = JsonScorer.error(status, code, message);
    return Response.json(answer.status(), answer.body());
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
    return (server instanceof HttpsServer ? "https://" : "http://")
        + server.getAddress().getHostString()
        + ":"
        + port();
  }

  @Override
  public void close() {
    server.stop(1);
    executor.shutdownNow();
  }
}

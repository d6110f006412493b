package dev.scorestream.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Failure semantics of the client against a scripted HTTP stub: the cases a real registry cannot be
 * made to produce on demand (5xx bursts, a wrong base path, slow answers). The happy path against
 * real Apicurio is covered by {@code SchemaRegistryClientIT} in the topology module.
 */
class SchemaRegistryClientTest {

  static final Schema SCHEMA = SchemaBuilder.record("T").fields().requiredString("a").endRecord();

  HttpServer server;
  final Deque<Reply> replies = new ArrayDeque<>();
  final AtomicInteger requests = new AtomicInteger();
  final AtomicReference<String> lastAuthorization = new AtomicReference<>();

  /** Answer without a Content-Length, as a registry streaming its body does. */
  volatile boolean chunked;

  record Reply(int status, String body, long delayMillis) {}

  @BeforeEach
  void startStub() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::answer);
    server.start();
  }

  @AfterEach
  void stopStub() {
    server.stop(0);
  }

  void answer(HttpExchange exchange) throws IOException {
    requests.incrementAndGet();
    lastAuthorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
    Reply reply = replies.isEmpty() ? new Reply(500, "{}", 0) : replies.poll();
    if (reply.delayMillis() > 0) {
      try {
        // The stub plays a slow registry: this is the latency under test, not a wait for a
        // condition.
        Thread.sleep(reply.delayMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(reply.status(), chunked ? 0 : body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/apis/ccompat/v7/";
  }

  SchemaRegistryClient client(int attempts) {
    String url = baseUrl();
    return new SchemaRegistryClient(
        RegistrySettings.of(url)
            .withRetries(attempts, Duration.ofMillis(1), Duration.ofMillis(5))
            .withRequestTimeout(Duration.ofMillis(500)));
  }

  static String schemaBody() {
    return "{\"schema\":" + quote(SCHEMA.toString()) + "}";
  }

  static String quote(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  @Test
  void shouldCacheSchemaByIdAfterFirstFetch() throws Exception {
    replies.add(new Reply(200, schemaBody(), 0));
    SchemaRegistryClient client = client(1);

    assertThat(client.schemaById(7)).isEqualTo(SCHEMA);
    assertThat(client.schemaById(7)).isEqualTo(SCHEMA);

    assertThat(requests).hasValue(1);
    assertThat(client.stats().cacheHits()).isEqualTo(1);
  }

  @Test
  void shouldRetryServerErrorsThenSucceed() throws Exception {
    replies.add(new Reply(503, "{}", 0));
    replies.add(new Reply(500, "{}", 0));
    replies.add(new Reply(200, schemaBody(), 0));

    assertThat(client(3).schemaById(1)).isEqualTo(SCHEMA);
    assertThat(requests).hasValue(3);
  }

  @Test
  void shouldReportOutageAfterBoundedAttempts() {
    SchemaRegistryClient client = client(3);

    assertThatThrownBy(() -> client.schemaById(1))
        .isInstanceOf(RegistryUnavailableException.class)
        .hasMessageContaining("after 3 attempts")
        .hasMessageContaining("HTTP 500");
    assertThat(requests).hasValue(3);
    assertThat(client.isReachable()).isFalse();
    assertThat(client.stats().errors()).isEqualTo(3);
  }

  @Test
  void shouldTreatTimeoutAsOutage() {
    replies.add(new Reply(200, schemaBody(), 1500));

    assertThatThrownBy(() -> client(1).schemaById(1))
        .isInstanceOf(RegistryUnavailableException.class);
  }

  @Test
  void shouldTreatRefusedConnectionAsOutage() {
    SchemaRegistryClient client = client(2);
    server.stop(0);

    assertThatThrownBy(() -> client.schemaById(1)).isInstanceOf(RegistryUnavailableException.class);
  }

  @Test
  void shouldReportUnknownIdOnlyForRegistrysOwnNotFoundCode() {
    replies.add(new Reply(404, "{\"error_code\":40403,\"message\":\"Schema not found\"}", 0));

    assertThatThrownBy(() -> client(1).schemaById(42))
        .isInstanceOf(SchemaNotFoundException.class)
        .hasMessageContaining("42");
  }

  @Test
  void shouldAnswerARepeatedUnknownIdFromMemoryWithinItsTtl() {
    for (int i = 0; i < 3; i++) {
      replies.add(new Reply(404, "{\"error_code\":40403,\"message\":\"Schema not found\"}", 0));
    }
    SchemaRegistryClient remembering =
        new SchemaRegistryClient(
            RegistrySettings.of(baseUrl())
                .withRetries(1, Duration.ofMillis(1), Duration.ofMillis(1))
                .withUnknownIdTtl(Duration.ofHours(1)));
    for (int i = 0; i < 5; i++) {
      assertThatThrownBy(() -> remembering.schemaById(42))
          .isInstanceOf(SchemaNotFoundException.class)
          .hasMessageContaining("42");
    }
    assertThat(requests).as("one HTTP call for five lookups").hasValue(1);

    SchemaRegistryClient asking =
        new SchemaRegistryClient(
            RegistrySettings.of(baseUrl())
                .withRetries(1, Duration.ofMillis(1), Duration.ofMillis(1))
                .withUnknownIdTtl(Duration.ZERO));
    assertThatThrownBy(() -> asking.schemaById(42)).isInstanceOf(SchemaNotFoundException.class);
    assertThatThrownBy(() -> asking.schemaById(42)).isInstanceOf(SchemaNotFoundException.class);
    assertThat(requests).as("a zero TTL asks every time").hasValue(3);
  }

  @Test
  void shouldTreatPlain404FromWrongBaseUrlAsOutageNotUnknownId() {
    replies.add(new Reply(404, "<html>Not Found</html>", 0));

    assertThatThrownBy(() -> client(1).schemaById(42))
        .isInstanceOf(RegistryUnavailableException.class);
  }

  @Test
  void shouldRefuseIncompatibleRegistrationDefinitely() {
    replies.add(new Reply(409, "{\"error_code\":409,\"message\":\"Incompatible\"}", 0));
    replies.add(new Reply(404, "{\"error_code\":40403,\"message\":\"Schema not found\"}", 0));

    assertThatThrownBy(() -> client(3).register("t-value", SCHEMA))
        .isInstanceOf(RegistryRejectedException.class)
        .hasMessageContaining("t-value")
        .hasMessageContaining("Incompatible");
    assertThat(requests).as("the registration, then the lookup that finds nothing").hasValue(2);
  }

  /** Apicurio's answer when another instance registered the same schema a moment earlier. */
  @Test
  void shouldReturnTheIdOfTheSameSchemaRegisteredConcurrently() {
    replies.add(
        new Reply(
            409,
            "{\"error_code\":409,\"message\":\"An artifact with ID 't-value' in group 'null'"
                + " already exists.\"}",
            0));
    replies.add(
        new Reply(200, "{\"subject\":\"t-value\",\"id\":7,\"version\":1,\"schema\":\"{}\"}", 0));

    assertThat(client(3).register("t-value", SCHEMA)).isEqualTo(7);
    assertThat(requests).hasValue(2);
  }

  /**
   * The first POST registered the schema but its answer came too late; the retry is told it exists.
   */
  @Test
  void shouldReturnTheIdWhenARetriedRegistrationFindsItsOwnFirstAttempt() {
    replies.add(new Reply(200, "{\"id\":7}", 800));
    replies.add(new Reply(409, "{\"error_code\":409,\"message\":\"already exists\"}", 0));
    replies.add(
        new Reply(200, "{\"subject\":\"t-value\",\"id\":7,\"version\":1,\"schema\":\"{}\"}", 0));

    assertThat(client(3).register("t-value", SCHEMA)).isEqualTo(7);
    assertThat(requests).hasValue(3);
  }

  @Test
  void shouldSendBasicAuthOverPlainHttpOnlyWhenExplicitlyAllowed() throws Exception {
    replies.add(new Reply(200, "{\"id\":3}", 0));
    String url = "http://127.0.0.1:" + server.getAddress().getPort();
    RegistrySettings settings = RegistrySettings.of(url).withBasicAuth("ops:s3cret");

    assertThatThrownBy(() -> new SchemaRegistryClient(settings))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("refusing to send registry credentials over plain http")
        .hasMessageNotContaining("s3cret");
    assertThatThrownBy(
            () ->
                new SchemaRegistryClient(
                    RegistrySettings.of(url).withBearerTokenFile(Path.of("token"))))
        .isInstanceOf(IllegalArgumentException.class);
    SchemaRegistryClient client = new SchemaRegistryClient(settings.withInsecureAuthAllowed(true));
    assertThat(client.register("t-value", SCHEMA)).isEqualTo(3);
    assertThat(lastAuthorization.get()).isEqualTo("Basic b3BzOnMzY3JldA==");
  }

  @Test
  void shouldNeverShowTheBasicAuthPasswordInSettings() {
    RegistrySettings settings =
        RegistrySettings.of("https://ops:inurl@registry:8081").withBasicAuth("ops:s3cret");

    assertThat(settings.toString())
        .contains("basic auth as ops (password hidden)", "https://registry:8081")
        .doesNotContain("s3cret", "inurl");
    assertThat(
            RegistrySettings.of("https://r").withBearerTokenFile(Path.of("/run/token")).toString())
        .contains("bearer token from /run/token");
  }

  @Test
  void shouldRefuseAResponseLargerThanTheCapAsAnOutageNotAnUnknownId() {
    String huge = "{\"schema\":\"" + "x".repeat(5000) + "\"}";
    replies.add(new Reply(200, huge, 0));
    replies.add(new Reply(404, "{\"error_code\":40403,\"x\":\"" + "y".repeat(5000) + "\"}", 0));
    SchemaRegistryClient client =
        new SchemaRegistryClient(
            RegistrySettings.of(baseUrl())
                .withRetries(3, Duration.ofMillis(1), Duration.ofMillis(1))
                .withMaxResponseBytes(4096));

    assertThatThrownBy(() -> client.schemaById(1))
        .isInstanceOf(RegistryUnavailableException.class)
        .hasMessageContaining("more than the cap of 4096 bytes");
    assertThatThrownBy(() -> client.schemaById(2))
        .isInstanceOf(RegistryUnavailableException.class)
        .hasMessageContaining("than the cap of 4096 bytes");
    assertThat(requests).as("never retried").hasValue(2);
    assertThat(client.isReachable()).isFalse();
  }

  @Test
  void shouldCutOffAChunkedResponseAtTheCap() {
    chunked = true;
    replies.add(new Reply(200, "[" + "1,".repeat(100_000) + "1]", 0));
    SchemaRegistryClient client =
        new SchemaRegistryClient(RegistrySettings.of(baseUrl()).withMaxResponseBytes(4096));

    assertThatThrownBy(() -> client.versions("s"))
        .isInstanceOf(RegistryUnavailableException.class)
        .hasMessageContaining("is larger than the cap of 4096 bytes");
  }

  @Test
  void shouldTreatMissingSubjectAsCompatible() {
    replies.add(new Reply(404, "{\"error_code\":40401,\"message\":\"Subject not found\"}", 0));

    assertThat(client(1).isCompatible("new-subject", SCHEMA)).isTrue();
  }

  @Test
  void shouldEvictLeastRecentlyUsedWhenCacheIsBounded() throws Exception {
    for (int i = 0; i < 4; i++) {
      replies.add(new Reply(200, schemaBody(), 0));
    }
    String url = "http://127.0.0.1:" + server.getAddress().getPort();
    SchemaRegistryClient client =
        new SchemaRegistryClient(RegistrySettings.of(url).withCacheSize(2));

    client.schemaById(1);
    client.schemaById(2);
    client.schemaById(1);
    client.schemaById(3);
    client.schemaById(1);
    client.schemaById(2);

    assertThat(requests).as("2 was evicted by 3, 1 stayed because it was used").hasValue(4);
  }

  @Test
  void shouldListASubjectsVersionsAscending() {
    replies.add(new Reply(200, "[3,1,2]", 0));

    assertThat(client(1).versions("t-value")).containsExactly(1, 2, 3);
  }

  @Test
  void shouldAnswerNoVersionsForAnUnknownSubjectRatherThanAnOutage() {
    replies.add(new Reply(404, "{\"error_code\":40401,\"message\":\"No artifact\"}", 0));

    assertThat(client(1).versions("never-value")).isEmpty();
  }

  @Test
  void shouldTreatAVersionListThatIsNoListAsOutage() {
    replies.add(new Reply(200, "{\"versions\":[1]}", 0));

    assertThatThrownBy(() -> client(1).versions("t-value"))
        .isInstanceOf(RegistryUnavailableException.class)
        .hasMessageContaining("expected a JSON array");
  }

  @Test
  void shouldFetchAVersionOnceAndCacheItsSchemaById() throws Exception {
    replies.add(
        new Reply(
            200,
            "{\"id\":7,\"subject\":\"t-value\",\"version\":2,\"schema\":"
                + quote(SCHEMA.toString())
                + "}",
            0));
    SchemaRegistryClient client = client(1);

    assertThat(client.version("t-value", 2)).isEqualTo(new SubjectVersion("t-value", 2, 7, SCHEMA));
    assertThat(client.version("t-value", 2).id()).isEqualTo(7);
    assertThat(client.schemaById(7)).isEqualTo(SCHEMA);
    assertThat(requests).hasValue(1);
  }

  @Test
  void shouldAnswerAMissingVersionDefinitely() {
    replies.add(new Reply(404, "{\"error_code\":40402,\"message\":\"No version '9'\"}", 0));

    assertThatThrownBy(() -> client(1).version("t-value", 9))
        .isInstanceOf(SchemaNotFoundException.class)
        .hasMessageContaining("t-value has no version 9");
  }

  @Test
  void shouldFindAWritersVersionAndTheOneBeforeIt() throws Exception {
    Schema v2 = SchemaBuilder.record("T").fields().requiredString("a").optionalInt("b").endRecord();
    replies.add(new Reply(200, "{\"schema\":" + quote(v2.toString()) + "}", 0));
    replies.add(new Reply(200, "[1,2,3]", 0));
    replies.add(new Reply(200, versionBody(1, 10, SCHEMA), 0));
    replies.add(new Reply(200, versionBody(2, 20, v2), 0));

    WriterHistory history = WriterHistory.of(client(1), "t-value", 20);

    assertThat(requests).as("version 3, after it, is not fetched").hasValue(4);
    assertThat(history.writer()).isEqualTo(v2);
    assertThat(history.version()).isEqualTo(2);
    assertThat(history.previous()).isEqualTo(new SubjectVersion("t-value", 1, 10, SCHEMA));
  }

  @Test
  void shouldGiveAWriterTheSubjectDoesNotHoldNoVersionAndNoPrevious() throws Exception {
    replies.add(new Reply(200, schemaBody(), 0));
    replies.add(new Reply(200, "[1]", 0));
    replies.add(new Reply(200, versionBody(1, 10, SCHEMA), 0));

    WriterHistory history = WriterHistory.of(client(1), "t-value", 99);

    assertThat(history.version()).isNull();
    assertThat(history.previous()).isNull();
  }

  static String versionBody(int version, int id, Schema schema) {
    return "{\"id\":"
        + id
        + ",\"subject\":\"t-value\",\"version\":"
        + version
        + ",\"schema\":"
        + quote(schema.toString())
        + "}";
  }
}

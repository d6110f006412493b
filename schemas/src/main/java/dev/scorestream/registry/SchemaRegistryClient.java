package dev.scorestream.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client for the Confluent Schema Registry REST API. Thread-safe; one instance per process is
 * enough.
 *
 * <p>Only a definite answer becomes a definite exception: an unknown id is {@link
 * SchemaNotFoundException} only when the registry says so with error code 40403, so a wrong base
 * URL (which also answers 404) shows up as an outage rather than turning every record into a dead
 * letter. Refused credentials (401, 403), a failed TLS handshake and a response larger than {@link
 * RegistrySettings#maxResponseBytes()} are outages too; their messages name the credentials in use
 * (the basic-auth user info, the token's file), never their value.
 */
public final class SchemaRegistryClient implements SchemaLookup {

  private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistryClient.class);
  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final int SCHEMA_NOT_FOUND = 40403;
  private static final int SUBJECT_NOT_FOUND = 40401;
  private static final int VERSION_NOT_FOUND = 40402;

  private final RegistrySettings settings;
  private final HttpClient http;
  private final CappedBody cappedBody;

  /** Null without bearer auth. */
  private final BearerTokenFile bearerToken;

  private final ObjectMapper json = new ObjectMapper();
  private final Map<Integer, Schema> byId;

  /** Versions of subjects by {@code subject/version}: immutable once registered, like ids. */
  private final Map<String, SubjectVersion> versionCache = new ConcurrentHashMap<>();

  /** Ids the registry said it does not know, until when (System.nanoTime) that answer is reused. */
  private final Map<Integer, Unknown> unknownIds = new ConcurrentHashMap<>();

  private static final int MAX_UNKNOWN_IDS = 10_000;

  private record Unknown(long until, String message) {}

  private final Stats stats = new Stats();
  private final AtomicBoolean reachable = new AtomicBoolean(true);

  /**
   * A client with {@code settings}.
   *
   * @throws IllegalArgumentException when credentials would be sent over plain http and that is not
   *     explicitly allowed
   */
  public SchemaRegistryClient(RegistrySettings settings) {
    if (settings.sendsCredentialsInClear()) {
      throw new IllegalArgumentException(
          "refusing to send registry credentials over plain http to "
              + RegistrySettings.withoutUserInfo(settings.baseUrl())
              + ": use an https URL, or allow insecure auth explicitly");
    }
    this.settings = settings;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(settings.requestTimeout())
            .sslContext(settings.tls().sslContext())
            .build();
    this.cappedBody = new CappedBody(settings.maxResponseBytes());
    this.bearerToken =
        settings
            .bearerTokenFile()
            .map(file -> new BearerTokenFile(file, BearerTokenFile.MAX_AGE))
            .orElse(null);
    this.byId =
        settings.cacheSize() == 0
            ? new ConcurrentHashMap<>()
            : Collections.synchronizedMap(new LruMap<>(settings.cacheSize()));
  }

  public RegistrySettings settings() {
    return settings;
  }

  /** Counters for metrics: calls made, calls failed, cache hits. */
  public Stats stats() {
    return stats;
  }

  /** False after a call failed for lack of an answer, true again after the next answered call. */
  public boolean isReachable() {
    return reachable.get();
  }

  @Override
  public Schema schemaById(int id) throws SchemaNotFoundException {
    Schema cached = byId.get(id);
    if (cached != null) {
      stats.cacheHits.increment();
      return cached;
    }
    Unknown unknown = unknownIds.get(id);
    if (unknown != null && System.nanoTime() - unknown.until() < 0) {
      stats.cacheHits.increment();
      throw new SchemaNotFoundException(id, unknown.message());
    }
    Response response = call("GET", "/schemas/ids/" + id, null);
    if (response.status() == 404 && response.errorCode() == SCHEMA_NOT_FOUND) {
      String message = "schema id " + id + " is not registered: " + response.message();
      if (!settings.unknownIdTtl().isZero()) {
        if (unknownIds.size() >= MAX_UNKNOWN_IDS) {
          unknownIds.clear();
        }
        unknownIds.put(
            id, new Unknown(System.nanoTime() + settings.unknownIdTtl().toNanos(), message));
      }
      throw new SchemaNotFoundException(id, message);
    }
    JsonNode body = response.requireOk("schema id " + id);
    String type = body.path("schemaType").asText("AVRO");
    if (!"AVRO".equals(type)) {
      throw new SchemaNotFoundException(
          id, "schema id " + id + " is a " + type + " schema, not Avro");
    }
    Schema schema = parse(id, body.path("schema").asText());
    byId.put(id, schema);
    return schema;
  }

  private static Schema parse(int id, String text) throws SchemaNotFoundException {
    try {
      return new Schema.Parser().setValidateDefaults(false).parse(text);
    } catch (SchemaParseException e) {
      throw new SchemaNotFoundException(
          id, "schema id " + id + " is not a parseable Avro schema: " + e.getMessage());
    }
  }

  /**
   * The versions registered under {@code subject}, ascending ({@code GET
   * /subjects/{subject}/versions}); empty when the registry answers that the subject does not exist
   * (40401), which is an answer, not an outage.
   *
   * @throws RegistryUnavailableException when the registry gives no answer
   */
  public List<Integer> versions(String subject) {
    Response response = call("GET", "/subjects/" + encode(subject) + "/versions", null);
    if (response.status() == 404 && response.errorCode() == SUBJECT_NOT_FOUND) {
      return List.of();
    }
    JsonNode body = response.requireOk("versions of " + subject);
    if (!body.isArray()) {
      throw new RegistryUnavailableException(
          "versions of " + subject + ": expected a JSON array, got " + abbreviate(body.toString()),
          null);
    }
    List<Integer> versions = new ArrayList<>();
    body.forEach(version -> versions.add(version.asInt()));
    Collections.sort(versions);
    return List.copyOf(versions);
  }

  /**
   * One version of {@code subject} ({@code GET /subjects/{subject}/versions/{version}}): its schema
   * id and writer schema. Versions never change once registered, so answers are cached.
   *
   * @throws SchemaNotFoundException the registry answered that the subject or the version does not
   *     exist (40401, 40402), or the schema is not Avro
   * @throws RegistryUnavailableException when the registry gives no answer
   */
  public SubjectVersion version(String subject, int version) throws SchemaNotFoundException {
    String key = subject + "/" + version;
    SubjectVersion cached = versionCache.get(key);
    if (cached != null) {
      stats.cacheHits.increment();
      return cached;
    }
    Response response = call("GET", "/subjects/" + encode(subject) + "/versions/" + version, null);
    if (response.status() == 404
        && (response.errorCode() == SUBJECT_NOT_FOUND
            || response.errorCode() == VERSION_NOT_FOUND)) {
      throw new SchemaNotFoundException(
          -1, "subject " + subject + " has no version " + version + ": " + response.message());
    }
    JsonNode body = response.requireOk("version " + version + " of " + subject);
    int id = body.path("id").asInt(-1);
    if (id < 0) {
      throw new RegistryUnavailableException(
          "version " + version + " of " + subject + ": response has no id", null);
    }
    String type = body.path("schemaType").asText("AVRO");
    if (!"AVRO".equals(type)) {
      throw new SchemaNotFoundException(
          id, "version " + version + " of " + subject + " is a " + type + " schema, not Avro");
    }
    Schema schema = byId.get(id);
    if (schema == null) {
      schema = parse(id, body.path("schema").asText());
      byId.putIfAbsent(id, schema);
    }
    SubjectVersion answer = new SubjectVersion(subject, version, id, schema);
    versionCache.put(key, answer);
    return answer;
  }

  /**
   * Registers {@code schema} under {@code subject} and returns its id; registering the same schema
   * again returns the same id.
   *
   * <p>A 409 is not always a refusal: Apicurio answers it when the same schema was registered under
   * the subject concurrently (two instances starting together) or by an earlier attempt of this
   * very call whose answer was lost (a timeout, then the retry). So a 409 is followed by a lookup
   * of the schema under the subject, and only a schema that is not there is refused.
   *
   * @throws RegistryRejectedException when the registry refuses it (409 incompatible, 422 invalid)
   */
  public int register(String subject, Schema schema) {
    ObjectNode request = json.createObjectNode().put("schema", schema.toString());
    Response response = call("POST", "/subjects/" + encode(subject) + "/versions", request);
    if (response.status() == 409) {
      Response existing = call("POST", "/subjects/" + encode(subject), request);
      int id = existing.status() == 200 ? existing.body().path("id").asInt(-1) : -1;
      if (id >= 0) {
        byId.putIfAbsent(id, schema);
        return id;
      }
    }
    if (response.status() == 409 || response.status() == 422) {
      throw new RegistryRejectedException(
          response.status(),
          "registry refused schema for subject " + subject + ": " + response.message());
    }
    int id = response.requireOk("register " + subject).path("id").asInt(-1);
    if (id < 0) {
      throw new RegistryUnavailableException("register " + subject + ": response has no id", null);
    }
    byId.putIfAbsent(id, schema);
    return id;
  }

  /**
   * Asks whether {@code schema} may be registered as the next version of {@code subject} under the
   * subject's compatibility rule. A subject with no versions accepts anything.
   */
  public boolean isCompatible(String subject, Schema schema) {
    ObjectNode request = json.createObjectNode().put("schema", schema.toString());
    Response response =
        call("POST", "/compatibility/subjects/" + encode(subject) + "/versions/latest", request);
    if (response.status() == 404
        && (response.errorCode() == SUBJECT_NOT_FOUND
            || response.errorCode() == VERSION_NOT_FOUND)) {
      return true;
    }
    if (response.status() == 422) {
      throw new RegistryRejectedException(
          422, "invalid schema for subject " + subject + ": " + response.message());
    }
    return response.requireOk("compatibility " + subject).path("is_compatible").asBoolean(false);
  }

  /** Sets the compatibility level (e.g. {@code BACKWARD}) of one subject. */
  public void setCompatibility(String subject, String level) {
    ObjectNode request = json.createObjectNode().put("compatibility", level);
    call("PUT", "/config/" + encode(subject), request).requireOk("set compatibility of " + subject);
  }

  /** Cheap liveness probe of the registry; never throws. */
  public boolean ping() {
    try {
      call("GET", "/subjects", null).requireOk("list subjects");
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private Response call(String method, String path, JsonNode body) {
    URI uri = URI.create(settings.baseUrl() + path);
    String shown = method + " " + RegistrySettings.withoutUserInfo(uri);
    Exception last = null;
    String lastProblem = "";
    for (int attempt = 1; attempt <= settings.maxAttempts(); attempt++) {
      if (attempt > 1) {
        pause(attempt);
      }
      stats.calls.increment();
      try {
        HttpResponse<String> response = http.send(request(method, uri, body), cappedBody);
        int status = response.statusCode();
        if (status >= 500 || status == 429 || status == 401 || status == 403) {
          lastProblem = problem(status, response.body());
          last = null;
          stats.errors.increment();
          continue;
        }
        reachable.set(true);
        return new Response(status, parse(response.body()));
      } catch (CappedBody.TooLargeException e) {
        throw misbehaving(shown, e);
      } catch (IOException e) {
        if (e.getCause() instanceof CappedBody.TooLargeException tooLarge) {
          throw misbehaving(shown, tooLarge);
        }
        last = e;
        lastProblem = problem(e);
        stats.errors.increment();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RegistryUnavailableException(shown + " interrupted", e);
      }
    }
    reachable.set(false);
    String message =
        shown + " failed after " + settings.maxAttempts() + " attempts: " + lastProblem;
    LOG.warn("schema registry unavailable: {}", message);
    throw new RegistryUnavailableException(message, last);
  }

  /** One attempt's request: the bearer token is read per attempt, so a rotation applies at once. */
  private HttpRequest request(String method, URI uri, JsonNode body) throws IOException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(settings.requestTimeout())
            .header("Accept", CONTENT_TYPE + ", application/json");
    if (settings.basicAuth().isPresent()) {
      byte[] userInfo = settings.basicAuth().get().getBytes(StandardCharsets.UTF_8);
      request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(userInfo));
    } else if (bearerToken != null) {
      request.header("Authorization", "Bearer " + bearerToken.token());
    }
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request
          .header("Content-Type", CONTENT_TYPE)
          .method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
    }
    return request.build();
  }

  /**
   * What a refusal or a server error says; a 401 or 403 names the credentials in use (never their
   * value), and forgets a bearer token so the next attempt reads the file again.
   */
  private String problem(int status, String body) {
    String answer = "HTTP " + status + " " + abbreviate(body);
    if (status != 401 && status != 403) {
      return answer;
    }
    if (bearerToken != null) {
      bearerToken.forget();
    }
    String credentials =
        settings.basicAuth().isPresent()
            ? "the basic-auth user info"
            : bearerToken != null
                ? "the bearer token in " + bearerToken.file()
                : "no credentials (none are configured)";
    String refusal = status == 401 ? "did not accept" : "does not authorize";
    return "the registry " + refusal + " " + credentials + ": " + answer;
  }

  private static String problem(IOException e) {
    String problem =
        e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    if (e instanceof javax.net.ssl.SSLException) {
      return problem
          + " (TLS: check that the truststore holds the registry's CA, that the registry's"
          + " certificate names the host of the URL, and the client certificate if it asks for"
          + " one)";
    }
    return problem;
  }

  /** A body over the cap is not an answer: never retried, never taken for "unknown id". */
  private RegistryUnavailableException misbehaving(String call, IOException tooLarge) {
    stats.errors.increment();
    reachable.set(false);
    String message = call + ": " + tooLarge.getMessage();
    LOG.warn("schema registry misbehaves: {}", message);
    return new RegistryUnavailableException(message, tooLarge);
  }

  private void pause(int attempt) {
    long base = settings.initialBackoff().toMillis() << Math.min(attempt - 2, 20);
    long capped = Math.min(base, settings.maxBackoff().toMillis());
    long jittered = capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
    try {
      Thread.sleep(jittered);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryUnavailableException("interrupted while backing off", e);
    }
  }

  private JsonNode parse(String body) {
    if (body == null || body.isBlank()) {
      return json.createObjectNode();
    }
    try {
      return json.readTree(body);
    } catch (IOException e) {
      return json.createObjectNode().put("message", abbreviate(body));
    }
  }

  private static String encode(String subject) {
    return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String abbreviate(String text) {
    if (text == null) {
      return "";
    }
    return text.length() <= 300 ? text : text.substring(0, 300) + "...";
  }

  /** One registry answer. */
  private record Response(int status, JsonNode body) {

    int errorCode() {
      return body.path("error_code").asInt(-1);
    }

    String message() {
      return body.path("message").asText(body.toString());
    }

    /** The body of a 2xx answer; anything else is not an answer this client understands. */
    JsonNode requireOk(String what) {
      if (status / 100 != 2) {
        throw new RegistryUnavailableException(
            what + ": unexpected HTTP " + status + " " + abbreviate(message()), null);
      }
      return body;
    }
  }

  /** Call counters, read by the metrics binder. */
  public static final class Stats {
    private final LongAdder calls = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder cacheHits = new LongAdder();

    public long calls() {
      return calls.sum();
    }

    public long errors() {
      return errors.sum();
    }

    public long cacheHits() {
      return cacheHits.sum();
    }
  }

  private static final class LruMap<K, V> extends LinkedHashMap<K, V> {
    private final int capacity;

    LruMap(int capacity) {
      super(16, 0.75f, true);
      this.capacity = capacity;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
      return size() > capacity;
    }
  }
}

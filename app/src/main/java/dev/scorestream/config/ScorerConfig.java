package dev.scorestream.config;

import dev.scorestream.settings.Durations;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Every setting of the scorer, with type, default, validator and documentation. Keys starting with
 * {@code kafka.} are passed to the Kafka Streams clients without the prefix (e.g. {@code
 * kafka.security.protocol}); environment variables {@code SCORER_KAFKA_SECURITY_PROTOCOL} do the
 * same. Bare {@code KAFKA_*} variables are ignored: Kubernetes injects {@code KAFKA_PORT} and
 * {@code KAFKA_SERVICE_HOST} for a Service named kafka, and {@code KAFKA_HEAP_OPTS} is common.
 */
public final class ScorerConfig extends AbstractConfig {

  public static final String APPLICATION_ID = "application.id";
  public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
  public static final String REGISTRY_URL = "schema.registry.url";
  public static final String REGISTRY_BASIC_AUTH = "schema.registry.basic.auth.user.info";
  public static final String REGISTRY_TIMEOUT = "schema.registry.request.timeout";
  public static final String REGISTRY_MAX_ATTEMPTS = "schema.registry.max.attempts";
  public static final String REGISTRY_BACKOFF = "schema.registry.backoff.initial";
  public static final String REGISTRY_BACKOFF_MAX = "schema.registry.backoff.max";
  public static final String REGISTRY_CACHE_SIZE = "schema.registry.cache.size";
  public static final String REGISTRY_UNKNOWN_ID_CACHE = "schema.registry.unknown.id.cache";
  public static final String REGISTRY_TRUSTSTORE = "schema.registry.ssl.truststore.location";
  public static final String REGISTRY_TRUSTSTORE_PASSWORD =
      "schema.registry.ssl.truststore.password";
  public static final String REGISTRY_OUTAGE_MAX_BLOCK = "schema.registry.outage.max.block";
  public static final String REGISTRY_BEARER_TOKEN_FILE = "schema.registry.bearer.token.file";
  public static final String REGISTRY_TRUSTSTORE_TYPE = "schema.registry.ssl.truststore.type";
  public static final String REGISTRY_KEYSTORE = "schema.registry.ssl.keystore.location";
  public static final String REGISTRY_KEYSTORE_PASSWORD = "schema.registry.ssl.keystore.password";
  public static final String REGISTRY_KEYSTORE_TYPE = "schema.registry.ssl.keystore.type";
  public static final String REGISTRY_ALLOW_INSECURE_AUTH = "schema.registry.allow.insecure.auth";
  public static final String REGISTRY_MAX_RESPONSE_BYTES = "schema.registry.max.response.bytes";
  public static final String TOPIC_EVENTS = "topic.events";
  public static final String TOPIC_PREDICTIONS = "topic.predictions";
  public static final String TOPIC_DLQ = "topic.dlq";
  public static final String READER_SCHEMA_PATH = "reader.schema.path";
  public static final String ENRICHMENT_SPEC_PATH = "enrichment.spec.path";
  public static final String MODEL_DIR = "model.dir";
  public static final String MODEL_POLL_INTERVAL = "model.poll.interval";
  public static final String CHALLENGER_DIR = "challenger.dir";
  public static final String MODEL_REQUIRE_MANIFEST = "model.require.manifest";
  public static final String MODEL_SIGNATURE_PUBLIC_KEY_FILE = "model.signature.public.key.file";
  public static final String MODEL_SIGNATURE_PRIVATE_KEY_FILE = "model.signature.private.key.file";
  public static final String HTTP_HOST = "http.host";
  public static final String HTTP_PORT = "http.port";
  public static final String HTTP_THREADS = "http.threads";
  public static final String HTTP_QUEUE = "http.queue";
  public static final String HTTP_REQUEST_TIMEOUT = "http.request.timeout";
  public static final String HTTP_IDLE_TIMEOUT = "http.idle.timeout";
  public static final String HTTP_MAX_CONNECTIONS = "http.max.connections";
  public static final String AUTH_MODE = "auth.mode";
  public static final String AUTH_TOKENS_FILE = "auth.tokens.file";
  public static final String AUTH_JWKS_FILE = "auth.jwks.file";
  public static final String AUTH_JWT_ISSUER = "auth.jwt.issuer";
  public static final String AUTH_JWT_AUDIENCE = "auth.jwt.audience";
  public static final String TLS_CERT_FILE = "tls.cert.file";
  public static final String TLS_KEY_FILE = "tls.key.file";
  public static final String TLS_CLIENT_CA_FILE = "tls.client.ca.file";
  public static final String MANAGEMENT_HOST = "management.host";
  public static final String MANAGEMENT_PORT = "management.port";
  public static final String GRPC_HOST = "grpc.host";
  public static final String GRPC_PORT = "grpc.port";
  public static final String GRPC_MAX_MESSAGE_SIZE = "grpc.max.message.size";
  public static final String GRPC_REQUEST_TIMEOUT = "grpc.request.timeout";
  public static final String GRPC_SHUTDOWN_GRACE = "grpc.shutdown.grace";
  public static final String GRPC_THREADS = "grpc.threads";
  public static final String GRPC_QUEUE = "grpc.queue";
  public static final String GRPC_MAX_CALLS_PER_CONNECTION = "grpc.max.calls.per.connection";
  public static final String GRPC_MAX_RST_FRAMES = "grpc.max.rst.frames";
  public static final String GRPC_PERMIT_KEEPALIVE_TIME = "grpc.permit.keepalive.time";
  public static final String INFERENCE_MAX_ROWS = "inference.max.rows";
  public static final String SCORING_BATCH = "scoring.batch";
  public static final String SCORING_BATCH_MAX_RECORDS = "scoring.batch.max.records";
  public static final String SCORING_BATCH_MAX_WAIT = "scoring.batch.max.wait";
  public static final String HEALTH_CHECK_INTERVAL = "health.check.interval";
  public static final String HEALTH_STALL_TIMEOUT = "health.stall.timeout";
  public static final String EVENT_ID_FIELD = "event.id.field";
  public static final String EVENT_TIME_FIELD = "event.time.field";
  public static final String PROCESSING_GUARANTEE = "processing.guarantee";
  public static final String NUM_STREAM_THREADS = "num.stream.threads";
  public static final String COMMIT_INTERVAL = "commit.interval";
  public static final String STATE_DIR = "state.dir";
  public static final String INSTANCE_ID = "instance.id";
  public static final String STANDBY_REPLICAS = "standby.replicas";
  public static final String ROCKSDB_MEMORY_MB = "rocksdb.memory.mb";
  public static final String PREDICTION_HEADERS_EXCLUDE = "prediction.headers.exclude";
  public static final String OUTPUT_LIMITS_REFRESH = "output.limits.refresh.interval";
  public static final String DRIFT_ENABLED = "drift.enabled";
  public static final String TOPIC_DRIFT = "topic.drift";
  public static final String DRIFT_WINDOW = "drift.window";
  public static final String DRIFT_GRACE = "drift.grace";
  public static final String DRIFT_FLUSH_INTERVAL = "drift.flush.interval";
  public static final String DRIFT_IDLE_TIMEOUT = "drift.idle.timeout";
  public static final String DRIFT_CHECKPOINT_INTERVAL = "drift.checkpoint.interval";
  public static final String DRIFT_MIN_COUNT = "drift.min.count";
  public static final String DRIFT_PSI_WARN = "drift.psi.warn";
  public static final String DRIFT_PSI_ALERT = "drift.psi.alert";
  public static final String DRIFT_JS_WARN = "drift.js.warn";
  public static final String DRIFT_JS_ALERT = "drift.js.alert";
  public static final String DRIFT_MISSING_RATE_DELTA = "drift.missing.rate.delta";
  public static final String FEEDBACK_ENABLED = "feedback.enabled";
  public static final String TOPIC_LABELS = "topic.labels";
  public static final String TOPIC_PERFORMANCE = "topic.performance";
  public static final String TOPIC_TRAINING = "topic.training";
  public static final String TOPIC_MODEL_EVENTS = "topic.model.events";
  public static final String RETRAIN_LEASE_PREFIX = "retrain.lease.prefix";
  public static final String RETRAIN_SESSION_TIMEOUT = "retrain.session.timeout";
  public static final String RETRAIN_FENCE_BACKOFF = "retrain.fence.backoff";
  public static final String RETRAIN_STEP_TIMEOUT = "retrain.step.timeout";
  public static final String RETRAIN_HTTP_HOST = "retrain.http.host";
  public static final String RETRAIN_HTTP_PORT = "retrain.http.port";
  public static final String FEEDBACK_RETENTION = "feedback.retention";
  public static final String FEEDBACK_LABEL_WAIT = "feedback.label.wait";
  public static final String FEEDBACK_WINDOW = "feedback.window";
  public static final String FEEDBACK_GRACE = "feedback.grace";
  public static final String SCHEMA_CHANGES_ENABLED = "schema.changes.enabled";
  public static final String TOPIC_SCHEMA_CHANGES = "topic.schema.changes";
  public static final String SCHEMA_CHANGES_SUBJECT = "schema.changes.subject";
  public static final String SCHEMA_CHANGES_POLL_INTERVAL = "schema.changes.poll.interval";
  public static final String SCHEMA_CHANGES_DEGRADED_SHARE = "schema.changes.degraded.share";

  /** Prefix of keys passed through to the Kafka clients. */
  public static final String KAFKA_PREFIX = "kafka.";

  /** Environment variables with this prefix set keys: SCORER_MODEL_DIR is model.dir. */
  private static final String ENV_PREFIX = "SCORER_";

  public static final ConfigDef DEFINITION =
      new ConfigDef()
          .define(
              APPLICATION_ID,
              Type.STRING,
              "scorestream",
              new ConfigDef.NonEmptyString(),
              Importance.HIGH,
              "Kafka Streams application id: consumer group, transactional id prefix and internal topic prefix.")
          .define(
              BOOTSTRAP_SERVERS,
              Type.LIST,
              ConfigDef.NO_DEFAULT_VALUE,
              ConfigDef.LambdaValidator.with(
                  (name, value) -> {
                    if (value == null || ((java.util.List<?>) value).isEmpty()) {
                      throw new ConfigException(name, value, "must list at least one host:port");
                    }
                  },
                  () -> "non-empty list of host:port"),
              Importance.HIGH,
              "Kafka bootstrap servers, host:port[,host:port].")
          .define(
              REGISTRY_URL,
              Type.STRING,
              ConfigDef.NO_DEFAULT_VALUE,
              new UrlValidator(),
              Importance.HIGH,
              "Base URL of a Confluent-compatible schema registry, e.g. http://registry:8081 or"
                  + " http://apicurio:8080/apis/ccompat/v7.")
          .define(
              REGISTRY_BASIC_AUTH,
              Type.PASSWORD,
              null,
              Importance.MEDIUM,
              "user:password for HTTP basic auth against the registry; unset for none. Refused over"
                  + " plain http unless schema.registry.allow.insecure.auth=true.")
          .define(
              REGISTRY_BEARER_TOKEN_FILE,
              Type.STRING,
              "",
              Importance.MEDIUM,
              "File holding a bearer token sent as Authorization: Bearer to the registry; empty for"
                  + " none. Read again when the file's modification time or size changes, after"
                  + " the registry refuses the token, and at least every minute: rotate by"
                  + " rewriting the file, no restart. Excludes basic auth; refused over plain http"
                  + " unless schema.registry.allow.insecure.auth=true.")
          .define(
              REGISTRY_ALLOW_INSECURE_AUTH,
              Type.BOOLEAN,
              false,
              Importance.LOW,
              "Allow basic auth or a bearer token over a plain http registry URL, where anyone on the"
                  + " path can read them. Off: such a configuration stops start-up.")
          .define(
              REGISTRY_MAX_RESPONSE_BYTES,
              Type.INT,
              8 * 1024 * 1024,
              Range.between(1024, 1 << 30),
              Importance.LOW,
              "Largest registry response body read, in bytes; a larger one is an error of the"
                  + " registry (an outage: records wait, never dead-lettered) and is not buffered.")
          .define(
              REGISTRY_TIMEOUT,
              Type.STRING,
              "5s",
              new DurationValidator(1),
              Importance.LOW,
              "Timeout of one registry request. Also accepted as schema.registry.request.timeout.ms (milliseconds).")
          .define(
              REGISTRY_MAX_ATTEMPTS,
              Type.INT,
              4,
              Range.between(1, 100),
              Importance.LOW,
              "Attempts per registry call before it counts as an outage.")
          .define(
              REGISTRY_BACKOFF,
              Type.STRING,
              "100ms",
              new DurationValidator(1),
              Importance.LOW,
              "Backoff before the second registry attempt; doubles per attempt, with jitter. Also accepted as schema.registry.backoff.initial.ms (milliseconds).")
          .define(
              REGISTRY_BACKOFF_MAX,
              Type.STRING,
              "2s",
              new DurationValidator(1),
              Importance.LOW,
              "Upper bound of one registry backoff. Also accepted as schema.registry.backoff.max.ms (milliseconds).")
          .define(
              REGISTRY_CACHE_SIZE,
              Type.INT,
              0,
              Range.atLeast(0),
              Importance.LOW,
              "Schemas cached by id; 0 = unbounded (ids are immutable).")
          .define(
              REGISTRY_UNKNOWN_ID_CACHE,
              Type.STRING,
              "1s",
              new DurationValidator(0, 3_600_000),
              Importance.LOW,
              "How long an id the registry does not know is answered from memory, so a burst of records with a bad"
                  + " id is not a burst of registry calls; 0 asks every time. After registering a missing schema, wait"
                  + " this long before replaying its dead letters. Also accepted as schema.registry.unknown.id.cache.ms (milliseconds).")
          .define(
              REGISTRY_TRUSTSTORE,
              Type.STRING,
              "",
              Importance.LOW,
              "Truststore for an https registry (PKCS12, JKS, or PEM CA certificates); empty uses the"
                  + " JVM's default trust.")
          .define(
              REGISTRY_TRUSTSTORE_TYPE,
              Type.STRING,
              "",
              ConfigDef.CaseInsensitiveValidString.in("", "PKCS12", "JKS", "PEM"),
              Importance.LOW,
              "Type of that truststore: PKCS12, JKS or PEM; empty: by file name (.jks JKS, .pem"
                  + " or .crt PEM, else PKCS12).")
          .define(
              REGISTRY_TRUSTSTORE_PASSWORD,
              Type.PASSWORD,
              null,
              Importance.LOW,
              "Password of that truststore.")
          .define(
              REGISTRY_KEYSTORE,
              Type.STRING,
              "",
              Importance.LOW,
              "Keystore with the client certificate and private key for mutual TLS with the"
                  + " registry (PKCS12, JKS, or PEM: a PKCS#8 key and its certificate chain in one"
                  + " file); empty for none.")
          .define(
              REGISTRY_KEYSTORE_PASSWORD,
              Type.PASSWORD,
              null,
              Importance.LOW,
              "Password of that keystore, also of the key in it (for PEM: of an encrypted key).")
          .define(
              REGISTRY_KEYSTORE_TYPE,
              Type.STRING,
              "",
              ConfigDef.CaseInsensitiveValidString.in("", "PKCS12", "JKS", "PEM"),
              Importance.LOW,
              "Type of that keystore: PKCS12, JKS or PEM; empty: by file name (.jks JKS, .pem PEM,"
                  + " else PKCS12).")
          .define(
              REGISTRY_OUTAGE_MAX_BLOCK,
              Type.STRING,
              "60s",
              new DurationValidator(1_000, 240_000),
              Importance.MEDIUM,
              "How long a stream thread waits for an unreachable registry before it restarts from the last commit."
                  + " Records are never dead-lettered for an outage. Keep well below Kafka's max.poll.interval.ms. Also accepted as schema.registry.outage.max.block.ms (milliseconds).")
          .define(
              TOPIC_EVENTS,
              Type.STRING,
              "events",
              new ConfigDef.NonEmptyString(),
              Importance.HIGH,
              "Input topic: Confluent wire-format Avro events.")
          .define(
              TOPIC_PREDICTIONS,
              Type.STRING,
              "events.predictions",
              new ConfigDef.NonEmptyString(),
              Importance.HIGH,
              "Output topic for Prediction records (same key as the input).")
          .define(
              TOPIC_DLQ,
              Type.STRING,
              "events.dlq",
              new ConfigDef.NonEmptyString(),
              Importance.HIGH,
              "Dead-letter topic: original bytes plus dead-letter headers.")
          .define(
              READER_SCHEMA_PATH,
              Type.STRING,
              "",
              Importance.MEDIUM,
              "Reader schema (.avsc) the pipeline decodes onto; empty uses the bundled PaymentEvent schema.")
          .define(
              ENRICHMENT_SPEC_PATH,
              Type.STRING,
              "",
              Importance.MEDIUM,
              "A JSON file declaring the context each event is scored with: reference tables"
                  + " (compacted topics, Avro through the registry) joined by one of its fields,"
                  + " and windowed features of its entity (counts, sums, distinct values over"
                  + " windows, time since the previous event); empty for none. See"
                  + " docs/enrichment.md.")
          .define(
              MODEL_DIR,
              Type.STRING,
              ConfigDef.NO_DEFAULT_VALUE,
              new ConfigDef.NonEmptyString(),
              Importance.HIGH,
              "A model artifact directory (from `scorer train`), or a models directory of artifacts: then the newest"
                  + " valid one serves and newly published ones (atomic rename into it) are swapped in without a restart.")
          .define(
              MODEL_POLL_INTERVAL,
              Type.STRING,
              "2s",
              new DurationValidator(100),
              Importance.LOW,
              "How often a models directory is checked for newly published artifacts. Also accepted as model.poll.interval.ms (milliseconds).")
          .define(
              CHALLENGER_DIR,
              Type.STRING,
              "",
              Importance.MEDIUM,
              "Optional challenger scored in shadow; its answer rides in each prediction's challenger"
                  + " field and, for labelled events, in the training example. One artifact, or a"
                  + " directory of artifacts watched like model.dir: its newest valid artifact is the"
                  + " challenger, and none while it holds none or does not exist yet (the"
                  + " retraining controller creates it, then publishes and retires challengers"
                  + " there).")
          .define(
              MODEL_REQUIRE_MANIFEST,
              Type.BOOLEAN,
              false,
              Importance.MEDIUM,
              "Refuse model and challenger artifacts that carry no manifest.json (the SHA-256 of every"
                  + " file, which every artifact made since has and which is always checked when"
                  + " present).")
          .define(
              MODEL_SIGNATURE_PUBLIC_KEY_FILE,
              Type.STRING,
              "",
              Importance.MEDIUM,
              "PEM file of the Ed25519 public key(s) whose signature (manifest.sig) every model and"
                  + " challenger artifact must carry, checked at start-up and at each hot swap"
                  + " before any file is parsed; several keys (one PEM block each) while rotating."
                  + " Empty: signatures are not required.")
          .define(
              MODEL_SIGNATURE_PRIVATE_KEY_FILE,
              Type.STRING,
              "",
              Importance.LOW,
              "PEM file (PKCS#8, openssl genpkey -algorithm ed25519) of the Ed25519 key the"
                  + " retraining controller signs its candidates with; required by scorer retrain"
                  + " when model.signature.public.key.file is set, and must match one of its keys.")
          .define(
              HTTP_HOST,
              Type.STRING,
              "127.0.0.1",
              new ConfigDef.NonEmptyString(),
              Importance.MEDIUM,
              "Bind address of the HTTP scoring server (REST v1 and Open Inference Protocol V2"
                  + " scoring, model info).")
          .define(
              HTTP_PORT,
              Type.INT,
              8080,
              Range.between(-1, 65535),
              Importance.MEDIUM,
              "HTTP scoring port; 0 picks a free port, -1 disables the server. Health and metrics are"
                  + " on management.port.")
          .define(
              HTTP_THREADS,
              Type.INT,
              4,
              Range.between(1, 256),
              Importance.LOW,
              "Threads of the HTTP scoring server; each reads one request and answers it.")
          .define(
              HTTP_QUEUE,
              Type.INT,
              64,
              Range.between(0, 100_000),
              Importance.LOW,
              "HTTP requests that may wait for a scoring thread; beyond them a request is answered 503"
                  + " OVERLOADED at once (with Retry-After: 1) instead of waiting.")
          .define(
              HTTP_REQUEST_TIMEOUT,
              Type.STRING,
              "30s",
              new DurationValidator(1000),
              Importance.LOW,
              "Longest an HTTP request may take from its first byte to the start of its answer (the"
                  + " JDK's sun.net.httpserver.maxReqTime, whole seconds): a client that sends slowly"
                  + " or never finishes is disconnected. JVM-wide, read when the first server starts;"
                  + " an explicit -Dsun.net.httpserver.maxReqTime wins.")
          .define(
              HTTP_IDLE_TIMEOUT,
              Type.STRING,
              "30s",
              new DurationValidator(1000),
              Importance.LOW,
              "An HTTP connection (kept alive, or opened without sending anything) idle this long is"
                  + " closed (sun.net.httpserver.idleInterval, whole seconds; JVM-wide, read when the"
                  + " first server starts).")
          .define(
              HTTP_MAX_CONNECTIONS,
              Type.INT,
              1000,
              Range.between(1, 1_000_000),
              Importance.LOW,
              "Open connections one HTTP server accepts at once; further ones are closed on accept"
                  + " (jdk.httpserver.maxConnections; JVM-wide, read when the first server starts).")
          .define(
              AUTH_MODE,
              Type.STRING,
              "none",
              ValidString.in("none", "tokens", "jwt"),
              Importance.MEDIUM,
              "Bearer-token authentication of REST v1, REST V2 and gRPC (never of the management"
                  + " port): none; tokens (static tokens from auth.tokens.file); jwt (JWTs signed by a"
                  + " key of auth.jwks.file). A request without an accepted token gets 401 with"
                  + " WWW-Authenticate: Bearer, a gRPC call UNAUTHENTICATED.")
          .define(
              AUTH_TOKENS_FILE,
              Type.STRING,
              "",
              Importance.MEDIUM,
              "With auth.mode=tokens: a file of accepted tokens, one per line (# starts a comment),"
                  + " re-read when it changes. Tokens are never logged.")
          .define(
              AUTH_JWKS_FILE,
              Type.STRING,
              "",
              Importance.MEDIUM,
              "With auth.mode=jwt: a JWKS file (JSON {\"keys\": [...]}, RSA or EC public keys) the"
                  + " tokens' signatures are checked against, re-read when it changes. A token must"
                  + " carry exp and not be expired.")
          .define(
              AUTH_JWT_ISSUER,
              Type.STRING,
              "",
              Importance.LOW,
              "With auth.mode=jwt: the iss a token must carry; empty accepts any.")
          .define(
              AUTH_JWT_AUDIENCE,
              Type.STRING,
              "",
              Importance.LOW,
              "With auth.mode=jwt: a value the token's aud must contain; empty accepts any.")
          .define(
              TLS_CERT_FILE,
              Type.STRING,
              "",
              Importance.MEDIUM,
              "TLS on the scoring ports (HTTPS and gRPC over TLS; never on the management port): a PEM"
                  + " file with the server certificate, then its intermediates. Empty: plaintext."
                  + " Re-read when it changes, so a renewed certificate needs no restart.")
          .define(
              TLS_KEY_FILE,
              Type.STRING,
              "",
              Importance.MEDIUM,
              "The PEM PKCS#8 private key (BEGIN PRIVATE KEY, RSA or EC) of tls.cert.file, re-read"
                  + " when it changes.")
          .define(
              TLS_CLIENT_CA_FILE,
              Type.STRING,
              "",
              Importance.MEDIUM,
              "Mutual TLS: a PEM file of the CA certificates client certificates must chain to;"
                  + " clients without one are refused. Empty: no client certificate asked.")
          .define(
              MANAGEMENT_HOST,
              Type.STRING,
              "127.0.0.1",
              new ConfigDef.NonEmptyString(),
              Importance.MEDIUM,
              "Bind address of the management server: /health/live, /health/ready, /health/pipeline"
                  + " and /metrics, never behind authentication; bind it where only probes and"
                  + " Prometheus reach it.")
          .define(
              MANAGEMENT_PORT,
              Type.INT,
              8085,
              Range.between(-1, 65535),
              Importance.MEDIUM,
              "Management port (health and metrics, its own two threads, so probes answer while"
                  + " scoring is saturated); 0 picks a free port, -1 disables the server.")
          .define(
              GRPC_HOST,
              Type.STRING,
              "127.0.0.1",
              new ConfigDef.NonEmptyString(),
              Importance.MEDIUM,
              "Bind address of the gRPC server (Open Inference Protocol V2).")
          .define(
              GRPC_PORT,
              Type.INT,
              8001,
              Range.between(-1, 65535),
              Importance.MEDIUM,
              "gRPC port (Open Inference Protocol V2, inference.GRPCInferenceService); 0 picks a free"
                  + " port, -1 disables the server.")
          .define(
              GRPC_MAX_MESSAGE_SIZE,
              Type.INT,
              4 << 20,
              Range.between(1024, 256 << 20),
              Importance.LOW,
              "Largest gRPC request message in bytes, counted after decompression (a small gzip"
                  + " message that inflates past it is refused too); a larger one is refused with"
                  + " RESOURCE_EXHAUSTED.")
          .define(
              GRPC_REQUEST_TIMEOUT,
              Type.STRING,
              "10s",
              new DurationValidator(10),
              Importance.LOW,
              "Longest a gRPC inference call may run; a client deadline that is sooner wins. A call"
                  + " past it answers DEADLINE_EXCEEDED.")
          .define(
              GRPC_SHUTDOWN_GRACE,
              Type.STRING,
              "10s",
              new DurationValidator(0),
              Importance.LOW,
              "On shutdown, how long running gRPC calls may finish after the server stops taking new"
                  + " ones.")
          .define(
              GRPC_THREADS,
              Type.INT,
              4,
              Range.between(1, 256),
              Importance.LOW,
              "Threads that run gRPC calls.")
          .define(
              GRPC_QUEUE,
              Type.INT,
              64,
              Range.between(0, 100_000),
              Importance.LOW,
              "gRPC calls that may wait for a thread; beyond them a call is refused at once with"
                  + " RESOURCE_EXHAUSTED instead of waiting.")
          .define(
              GRPC_MAX_CALLS_PER_CONNECTION,
              Type.INT,
              100,
              Range.between(1, 100_000),
              Importance.LOW,
              "Concurrent gRPC calls (HTTP/2 streams) one connection may have open; a client waits"
                  + " for a free one.")
          .define(
              GRPC_MAX_RST_FRAMES,
              Type.INT,
              200,
              Range.between(1, 1_000_000),
              Importance.LOW,
              "RST_STREAM frames a gRPC client may send in 10 seconds before its connection is closed"
                  + " (the HTTP/2 rapid-reset flood).")
          .define(
              GRPC_PERMIT_KEEPALIVE_TIME,
              Type.STRING,
              "1m",
              new DurationValidator(1000),
              Importance.LOW,
              "The most frequent keepalive ping a gRPC client may send; a client that pings more"
                  + " often, or while it has no call open, has its connection closed.")
          .define(
              INFERENCE_MAX_ROWS,
              Type.INT,
              4096,
              Range.between(1, 1_000_000),
              Importance.LOW,
              "Most rows one Open Inference Protocol request (REST V2 or gRPC) may carry.")
          .define(
              HEALTH_CHECK_INTERVAL,
              Type.STRING,
              "10s",
              new DurationValidator(1000),
              Importance.LOW,
              "How often pipeline health checks that a Kafka broker answers (each check waits at"
                  + " most half the interval). /health/pipeline and scorer_broker_reachable report it.")
          .define(
              HEALTH_STALL_TIMEOUT,
              Type.STRING,
              "2m",
              new DurationValidator(1000),
              Importance.LOW,
              "The pipeline counts as stalled when input is waiting (consumer lag above 0) and no"
                  + " record was processed for this long.")
          .define(
              EVENT_ID_FIELD,
              Type.STRING,
              "event_id",
              new ConfigDef.NonEmptyString(),
              Importance.MEDIUM,
              "Reader-schema field holding the event id (copied into predictions; the join key for labels).")
          .define(
              EVENT_TIME_FIELD,
              Type.STRING,
              "event_time",
              Importance.LOW,
              "Reader-schema field holding the event time in epoch millis; empty if the schema has none.")
          .define(
              PROCESSING_GUARANTEE,
              Type.STRING,
              StreamsConfig.EXACTLY_ONCE_V2,
              ValidString.in(StreamsConfig.EXACTLY_ONCE_V2, StreamsConfig.AT_LEAST_ONCE),
              Importance.MEDIUM,
              "exactly_once_v2 (every input yields exactly one prediction or dead letter) or at_least_once.")
          .define(
              SCORING_BATCH,
              Type.STRING,
              "auto",
              ValidString.in("auto", "on", "off"),
              Importance.MEDIUM,
              "Micro-batching of the model call in the stream. auto: models behind a native library"
                  + " (imported ONNX, and imported XGBoost boosters whose trees do not run in Java)"
                  + " are called once per batch of records, other models once per record; on: every"
                  + " model; off: one call per record. A batch is always"
                  + " scored and written before the task commits, so exactly-once holds.")
          .define(
              SCORING_BATCH_MAX_RECORDS,
              Type.INT,
              256,
              Range.between(1, 100_000),
              Importance.LOW,
              "Most records a stream task holds for one model call (1 turns batching off).")
          .define(
              SCORING_BATCH_MAX_WAIT,
              Type.STRING,
              "20ms",
              new DurationValidator(1, 10_000),
              Importance.LOW,
              "Longest a record waits for its batch to fill before the batch is scored anyway"
                  + " (wall clock, checked between polls; every commit scores the batch too).")
          .define(
              NUM_STREAM_THREADS,
              Type.INT,
              1,
              Range.between(1, 64),
              Importance.MEDIUM,
              "Stream threads in this instance.")
          .define(
              COMMIT_INTERVAL,
              Type.STRING,
              "100ms",
              new DurationValidator(1),
              Importance.MEDIUM,
              "How often offsets and transactions commit; lower means lower end-to-end latency under exactly-once. Also accepted as commit.interval.ms (milliseconds).")
          .define(
              STATE_DIR,
              Type.STRING,
              "",
              Importance.LOW,
              "Kafka Streams state directory; empty uses a directory under java.io.tmpdir.")
          .define(
              INSTANCE_ID,
              Type.STRING,
              "",
              Importance.MEDIUM,
              "Stable name of this instance for static group membership (Kafka's group.instance.id, one per"
                  + " stream thread with the thread's index appended), e.g. a StatefulSet's pod name. An"
                  + " instance that restarts under the same name, after a crash too, gets its tasks back at"
                  + " once instead of after the session timeout and a rebalance. Must be unique among running"
                  + " instances. Empty: dynamic membership.")
          .define(
              STANDBY_REPLICAS,
              Type.INT,
              0,
              Range.between(0, 8),
              Importance.MEDIUM,
              "Warm copies of each task's state kept on other instances (Kafka's num.standby.replicas):"
                  + " when an instance is gone for good, its tasks move to one that already has the state,"
                  + " instead of restoring it from the changelog. Costs the copies' disk, memory and"
                  + " changelog reads on every instance that holds one.")
          .define(
              ROCKSDB_MEMORY_MB,
              Type.INT,
              64,
              Range.between(8, 65536),
              Importance.MEDIUM,
              "Off-heap memory all RocksDB state stores of this instance share, in MiB: one block"
                  + " cache for reads, with write buffers (memtables) charged to it up to half. Without"
                  + " a bound each store partition and window segment takes its own 50 MB cache and up"
                  + " to three 16 MB write buffers. Add it to the heap when sizing the container.")
          .define(
              PREDICTION_HEADERS_EXCLUDE,
              Type.LIST,
              "__streams.errors.,scorestream.dlq.",
              Importance.LOW,
              "Input headers whose key starts with one of these prefixes are not copied onto"
                  + " predictions (by default the dead-letter namespaces, so an input cannot make its"
                  + " prediction look like a dead letter); * copies none, an empty list copies all.")
          .define(
              OUTPUT_LIMITS_REFRESH,
              Type.STRING,
              "5m",
              new DurationValidator(1000),
              Importance.LOW,
              "How often the output topics' max.message.bytes and the broker's message.max.bytes are"
                  + " read again. Every record is checked against them before it is written, so none can"
                  + " be refused for its size; a topic that refuses one anyway is read again at once.")
          .define(
              DRIFT_ENABLED,
              Type.BOOLEAN,
              true,
              Importance.MEDIUM,
              "Compute windowed drift of features and predictions against the model's training baseline.")
          .define(
              TOPIC_DRIFT,
              Type.STRING,
              "events.drift",
              new ConfigDef.NonEmptyString(),
              Importance.MEDIUM,
              "Topic of DriftReport records, one per closed window and model version.")
          .define(
              DRIFT_WINDOW,
              Type.STRING,
              "5m",
              new DurationValidator(1),
              Importance.MEDIUM,
              "Drift window size (event time, tumbling), e.g. 5m, 1h.")
          .define(
              DRIFT_GRACE,
              Type.STRING,
              "30s",
              new DurationValidator(0),
              Importance.MEDIUM,
              "How long after its end a drift window still accepts events; later ones are counted as late.")
          .define(
              DRIFT_FLUSH_INTERVAL,
              Type.STRING,
              "1s",
              new DurationValidator(1),
              Importance.LOW,
              "How often each task sends its partial drift and performance aggregates to the merger.")
          .define(
              DRIFT_IDLE_TIMEOUT,
              Type.STRING,
              "1m",
              new DurationValidator(0),
              Importance.LOW,
              "When no events (or labels) have arrived for this long, drift and performance windows close as if event"
                  + " time kept pace with the wall clock, so a quiet stream's last window is still reported: about its"
                  + " grace after its end, and no sooner than this after the last event. 0ms: windows close only when newer events arrive.")
          .define(
              DRIFT_CHECKPOINT_INTERVAL,
              Type.STRING,
              "0ms",
              new DurationValidator(0),
              Importance.LOW,
              "0ms: each task writes its partial drift aggregates to its changelog at every commit, so a crash loses"
                  + " nothing. Longer (e.g. 1s): written that often instead, which takes the changelog partitions out of"
                  + " most transactions (about 40 ms less p99 latency at commit.interval=30ms), and a crash can lose up"
                  + " to that much of the drift statistics (never predictions). Rebalances and shutdowns lose nothing.")
          .define(
              DRIFT_MIN_COUNT,
              Type.LONG,
              200L,
              Range.atLeast(1L),
              Importance.LOW,
              "Below this many values a feature gets INSUFFICIENT_DATA instead of a verdict.")
          .define(
              DRIFT_PSI_WARN,
              Type.DOUBLE,
              0.1,
              Range.atLeast(0.0),
              Importance.LOW,
              "PSI at which a feature WARNs.")
          .define(
              DRIFT_PSI_ALERT,
              Type.DOUBLE,
              0.25,
              Range.atLeast(0.0),
              Importance.LOW,
              "PSI at which a feature ALERTs.")
          .define(
              DRIFT_JS_WARN,
              Type.DOUBLE,
              0.1,
              Range.between(0.0, 1.0),
              Importance.LOW,
              "Jensen-Shannon distance at which a feature WARNs.")
          .define(
              DRIFT_JS_ALERT,
              Type.DOUBLE,
              0.2,
              Range.between(0.0, 1.0),
              Importance.LOW,
              "Jensen-Shannon distance at which a feature ALERTs.")
          .define(
              DRIFT_MISSING_RATE_DELTA,
              Type.DOUBLE,
              0.1,
              Range.between(0.0, 1.0),
              Importance.LOW,
              "Change of a feature's missing rate against training that WARNs (twice this ALERTs).")
          .define(
              FEEDBACK_ENABLED,
              Type.BOOLEAN,
              true,
              Importance.MEDIUM,
              "Join labels with predictions: live performance reports and training examples.")
          .define(
              TOPIC_LABELS,
              Type.STRING,
              "events.labels",
              new ConfigDef.NonEmptyString(),
              Importance.MEDIUM,
              "Topic of LabelFeedback records; the key, when set, is the event id (any partitioner).")
          .define(
              TOPIC_PERFORMANCE,
              Type.STRING,
              "events.performance",
              new ConfigDef.NonEmptyString(),
              Importance.MEDIUM,
              "Topic of PerformanceReport records, one per closed label window and model version.")
          .define(
              TOPIC_TRAINING,
              Type.STRING,
              "events.training",
              new ConfigDef.NonEmptyString(),
              Importance.MEDIUM,
              "Topic of TrainingExample records (labelled events), read by scorer train --from-topic.")
          .define(
              TOPIC_MODEL_EVENTS,
              Type.STRING,
              "model-events",
              new ConfigDef.NonEmptyString(),
              Importance.MEDIUM,
              "The retraining loop's audit trail (ModelEvent records, one partition): every"
                  + " decision of scorer retrain and of a person's scorer models action.")
          .define(
              RETRAIN_LEASE_PREFIX,
              Type.STRING,
              "scorestream-retrain",
              new ConfigDef.NonEmptyString(),
              Importance.LOW,
              "Retraining controllers of a model share the consumer group and transactional id"
                  + " <prefix>-<model>: one leads, the others stand by.")
          .define(
              RETRAIN_SESSION_TIMEOUT,
              Type.STRING,
              "10s",
              new DurationValidator(1000),
              Importance.LOW,
              "How long a retraining controller that died holds the lease before a standby takes"
                  + " over.")
          .define(
              RETRAIN_FENCE_BACKOFF,
              Type.STRING,
              "15s",
              new DurationValidator(0),
              Importance.LOW,
              "How long a controller fenced by a person's action (scorer models promote, ...) waits"
                  + " before it takes the lease again.")
          .define(
              RETRAIN_STEP_TIMEOUT,
              Type.STRING,
              "30m",
              new DurationValidator(10_000),
              Importance.LOW,
              "The longest one step of the loop may take (reading the window and training a"
                  + " candidate is the longest). A leader stuck longer gives up the lease, and a"
                  + " standby starts the step over.")
          .define(
              RETRAIN_HTTP_HOST,
              Type.STRING,
              "127.0.0.1",
              new ConfigDef.NonEmptyString(),
              Importance.LOW,
              "Bind address of the retraining controller's /metrics and /health.")
          .define(
              RETRAIN_HTTP_PORT,
              Type.INT,
              8090,
              Range.between(-1, 65535),
              Importance.LOW,
              "Port of the retraining controller's /metrics and /health (0: any free port, -1:"
                  + " none).")
          .define(
              FEEDBACK_RETENTION,
              Type.STRING,
              "7d",
              new DurationValidator(60_000),
              Importance.MEDIUM,
              "How long a prediction waits for its label (a changelogged RocksDB store holds it meanwhile).")
          .define(
              FEEDBACK_LABEL_WAIT,
              Type.STRING,
              "5m",
              new DurationValidator(0),
              Importance.LOW,
              "How long a label that found no prediction waits for it (labels can overtake predictions on their way"
                  + " to the join) before it counts as unmatched.")
          .define(
              FEEDBACK_WINDOW,
              Type.STRING,
              "15m",
              new DurationValidator(1),
              Importance.LOW,
              "Performance window size (label time, tumbling).")
          .define(
              FEEDBACK_GRACE,
              Type.STRING,
              "1m",
              new DurationValidator(0),
              Importance.LOW,
              "How long after its end a performance window still accepts labels.")
          .define(
              SCHEMA_CHANGES_ENABLED,
              Type.BOOLEAN,
              true,
              Importance.MEDIUM,
              "Report every new writer schema of the events and labels once: its compatibility"
                  + " with the reader schema and the previous version, the field changes, and which"
                  + " model features it touches with what consequence. See docs/schema-changes.md.")
          .define(
              TOPIC_SCHEMA_CHANGES,
              Type.STRING,
              "schema-changes",
              new ConfigDef.NonEmptyString(),
              Importance.MEDIUM,
              "Compacted topic of SchemaChange records, one per subject and schema id; created"
                  + " (compacted, one partition) when missing, refused when it exists uncompacted.")
          .define(
              SCHEMA_CHANGES_SUBJECT,
              Type.STRING,
              "",
              Importance.LOW,
              "Registry subject of the events' writer schemas: its versions are polled, and a new"
                  + " writer is compared with the version before it there; empty for"
                  + " <topic.events>-value. Labels use <topic.labels>-value.")
          .define(
              SCHEMA_CHANGES_POLL_INTERVAL,
              Type.STRING,
              "1m",
              new DurationValidator(0),
              Importance.LOW,
              "How often the events subject's versions are listed, so a version is reported before"
                  + " any event uses it; 0ms: only the first event with a new schema id reports it.")
          .define(
              SCHEMA_CHANGES_DEGRADED_SHARE,
              Type.DOUBLE,
              0.05,
              Range.between(0.0, 1.0),
              Importance.LOW,
              "Share of events carrying a model input as the reader's default above which the"
                  + " ScorerModelInputDegraded alert fires; exported as"
                  + " scorer_schema_degraded_share_threshold.");

  /**
   * Former names of duration keys, in milliseconds, still accepted: {@code commit.interval.ms=20}
   * is {@code commit.interval=20ms}. Every time key takes a duration (250ms, 30s, 5m, 2h, 7d).
   */
  public static final Map<String, String> MILLIS_ALIASES =
      Map.of(
          "schema.registry.request.timeout.ms", REGISTRY_TIMEOUT,
          "schema.registry.backoff.initial.ms", REGISTRY_BACKOFF,
          "schema.registry.backoff.max.ms", REGISTRY_BACKOFF_MAX,
          "schema.registry.unknown.id.cache.ms", REGISTRY_UNKNOWN_ID_CACHE,
          "schema.registry.outage.max.block.ms", REGISTRY_OUTAGE_MAX_BLOCK,
          "model.poll.interval.ms", MODEL_POLL_INTERVAL,
          "commit.interval.ms", COMMIT_INTERVAL);

  private ScorerConfig(Map<String, ?> values) {
    super(DEFINITION, withAliasesResolved(values), false);
  }

  /** Rewrites the {@link #MILLIS_ALIASES} to their duration keys; both given is an error. */
  static Map<String, Object> withAliasesResolved(Map<String, ?> values) {
    Map<String, Object> resolved = new TreeMap<>(values);
    MILLIS_ALIASES.forEach(
        (alias, key) -> {
          Object millis = resolved.remove(alias);
          if (millis == null) {
            return;
          }
          if (resolved.containsKey(key)) {
            throw new ConfigException(
                alias, millis, "give either " + alias + " or " + key + " (a duration), not both");
          }
          String text = millis.toString().trim();
          if (!text.matches("\\d{1,12}")) {
            throw new ConfigException(
                alias, millis, "must be a whole number of milliseconds (or use " + key + "=30s)");
          }
          resolved.put(key, text + "ms");
        });
    return resolved;
  }

  /**
   * Validates {@code values} (keys as in the file); throws {@link ConfigException} naming the bad
   * key.
   */
  public static ScorerConfig of(Map<String, ?> values) {
    return new ScorerConfig(values);
  }

  /**
   * Reads {@code file} (may be null), then applies overrides from {@code env}: {@code
   * SCORER_MODEL_DIR} sets {@code model.dir}, {@code SCORER_KAFKA_SECURITY_PROTOCOL} sets {@code
   * kafka.security.protocol}. In both, a secret can come from a file ({@link SecretFiles}): {@code
   * kafka.sasl.jaas.config.file=/path} in the file, {@code
   * SCORER_KAFKA_SASL_JAAS_CONFIG_FILE=/path} in the environment.
   */
  public static ScorerConfig load(Path file, Map<String, String> env) {
    Map<String, Object> values = new TreeMap<>();
    if (file != null) {
      Properties properties = new Properties();
      try (Reader reader = Files.newBufferedReader(file)) {
        properties.load(reader);
      } catch (IOException e) {
        throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
      }
      Map<String, String> given = new TreeMap<>();
      properties
          .stringPropertyNames()
          .forEach(key -> given.put(key, properties.getProperty(key).trim()));
      values.putAll(SecretFiles.resolve(given, ScorerConfig::isFileReference, key -> "in " + file));
    }
    values.putAll(fromEnvironment(env));
    return of(values);
  }

  /**
   * The keys that {@code SCORER_*} environment variables set, e.g. model.dir for SCORER_MODEL_DIR;
   * {@code SCORER_<KEY>_FILE} sets the key from that file's contents (see {@link SecretFiles}).
   */
  public static Map<String, String> fromEnvironment(Map<String, String> env) {
    Map<String, String> values = new TreeMap<>();
    Map<String, String> variables = new TreeMap<>();
    env.forEach(
        (name, value) -> {
          if (name.startsWith(ENV_PREFIX)) {
            String key = toKey(name.substring(ENV_PREFIX.length()));
            values.put(key, value);
            variables.put(key, name);
          }
        });
    return SecretFiles.resolve(
        values, ScorerConfig::isFileReference, key -> "from " + variables.get(key));
  }

  /**
   * True when {@code name} names a file holding another key's value: it ends in {@code .file}, is
   * not a key of its own, and the key it names is one of ours or a Kafka client property.
   */
  static boolean isFileReference(String name) {
    if (!name.endsWith(SecretFiles.KEY_SUFFIX) || isSetting(name)) {
      return false;
    }
    String key = SecretFiles.target(name);
    return isSetting(key) || key.startsWith(KAFKA_PREFIX);
  }

  private static boolean isSetting(String name) {
    return DEFINITION.names().contains(name)
        || MILLIS_ALIASES.containsKey(name)
        || (name.startsWith(KAFKA_PREFIX)
            && SecretKeys.isKafkaProperty(name.substring(KAFKA_PREFIX.length())));
  }

  /**
   * Kafka client properties from {@code SCORER_KAFKA_*} variables: {@code
   * SCORER_KAFKA_SECURITY_PROTOCOL} is {@code security.protocol}. Bare {@code KAFKA_*} variables
   * are not read (see the class comment).
   */
  public static Map<String, String> kafkaClientProperties(Map<String, String> env) {
    Map<String, String> values = new TreeMap<>();
    fromEnvironment(env)
        .forEach(
            (key, value) -> {
              if (key.startsWith(KAFKA_PREFIX)) {
                values.put(key.substring(KAFKA_PREFIX.length()), value);
              }
            });
    return values;
  }

  private static String toKey(String envSuffix) {
    return envSuffix.toLowerCase(Locale.ROOT).replace('_', '.');
  }

  /** Kafka client properties given with the {@code kafka.} prefix, prefix removed. */
  public Map<String, Object> kafkaOverrides() {
    return originalsWithPrefix(KAFKA_PREFIX, true);
  }

  /**
   * Every effective setting, secrets masked, for {@code scorer config}: our password keys, and the
   * Kafka pass-through keys that {@link SecretKeys} calls secret.
   */
  public Map<String, String> describe() {
    Map<String, String> out = new TreeMap<>();
    for (String key : DEFINITION.names()) {
      Object value = get(key);
      out.put(
          key,
          value instanceof Password
              ? (value == null ? "" : Password.HIDDEN)
              : String.valueOf(value));
    }
    kafkaOverrides()
        .forEach(
            (key, value) ->
                out.put(
                    KAFKA_PREFIX + key,
                    SecretKeys.isSecret(key) ? Password.HIDDEN : String.valueOf(value)));
    return out;
  }

  /** Accepts http(s) URLs only, so a typo fails at start-up instead of at the first record. */
  /** A duration setting, e.g. {@code 30s}; see {@link Durations}. */
  public java.time.Duration getDuration(String key) {
    return Durations.parse(getString(key));
  }

  static final class DurationValidator implements ConfigDef.Validator {
    private final long minMillis;
    private final long maxMillis;

    DurationValidator(long minMillis) {
      this(minMillis, Long.MAX_VALUE);
    }

    DurationValidator(long minMillis, long maxMillis) {
      this.minMillis = minMillis;
      this.maxMillis = maxMillis;
    }

    @Override
    public void ensureValid(String name, Object value) {
      try {
        java.time.Duration duration = Durations.parse(value == null ? "" : value.toString());
        if (duration.toMillis() < minMillis) {
          throw new ConfigException(name, value, "must be at least " + minMillis + " ms");
        }
        if (duration.toMillis() > maxMillis) {
          throw new ConfigException(name, value, "must be at most " + maxMillis + " ms");
        }
      } catch (IllegalArgumentException e) {
        throw new ConfigException(name, value, e.getMessage());
      }
    }

    @Override
    public String toString() {
      return "duration: 250ms, 30s, 5m, 2h, 7d";
    }
  }

  static final class UrlValidator implements ConfigDef.Validator {
    @Override
    public void ensureValid(String name, Object value) {
      String url = value == null ? "" : value.toString().trim();
      if (url.matches("(?s)[A-Za-z+.-]*://[^/?#]*@.*")) {
        // Never echo this value: it carries a password, which scorer config and logs would show.
        throw new ConfigException(
            name
                + " must not carry credentials (user:password@host); give them in "
                + REGISTRY_BASIC_AUTH
                + " (or "
                + REGISTRY_BASIC_AUTH
                + ".file, SCORER_SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO_FILE)");
      }
      if (!(url.startsWith("http://") || url.startsWith("https://")) || url.length() < 10) {
        throw new ConfigException(name, value, "must be an http:// or https:// URL");
      }
      try {
        java.net.URI.create(url).toURL();
      } catch (IllegalArgumentException | java.net.MalformedURLException e) {
        throw new ConfigException(name, value, "not a valid URL: " + e.getMessage());
      }
    }

    @Override
    public String toString() {
      return "http(s) URL";
    }
  }

  /** The configuration documented as a Markdown table, as docs/configuration.md carries it. */
  public static String markdownTable() {
    StringBuilder table = new StringBuilder("| key | default | description |\n|---|---|---|\n");
    for (ConfigDef.ConfigKey key : DEFINITION.configKeys().values()) {
      String defaultValue = key.hasDefault() ? String.valueOf(key.defaultValue) : "(required)";
      if (key.type == Type.PASSWORD || key.defaultValue == null) {
        defaultValue = key.hasDefault() ? "(unset)" : "(required)";
      }
      if (defaultValue.isEmpty()) {
        defaultValue = "(empty)";
      }
      table
          .append("| `")
          .append(key.name)
          .append("` | `")
          .append(defaultValue)
          .append("` | ")
          .append(key.documentation.replace("|", "\\|"))
          .append(" |\n");
    }
    return table.toString();
  }
}

package dev.scorestream.app;

import dev.scorestream.codec.WireFormatDecoder;
import dev.scorestream.codec.WireFormatEncoder;
import dev.scorestream.config.ScorerConfig;
import dev.scorestream.drift.DriftThresholds;
import dev.scorestream.features.FeatureExtractor;
import dev.scorestream.features.JsonEvents;
import dev.scorestream.http.JsonScorer;
import dev.scorestream.http.ScorerHttpServer;
import dev.scorestream.metrics.PipelineMetrics;
import dev.scorestream.model.InvalidModelException;
import dev.scorestream.model.ModelArtifact;
import dev.scorestream.model.ModelDirectory;
import dev.scorestream.model.ModelScorer;
import dev.scorestream.model.ModelWatcher;
import dev.scorestream.registry.RegistrySettings;
import dev.scorestream.registry.RegistryUnavailableException;
import dev.scorestream.registry.SchemaRegistryClient;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.serving.ActiveModel;
import dev.scorestream.serving.EventScorer;
import dev.scorestream.serving.Health;
import dev.scorestream.serving.PredictionBuilder;
import dev.scorestream.topology.ScoringTopology;
import dev.scorestream.topology.Topic;
import dev.scorestream.training.TrainingExamples;
import dev.scorestream.validation.RecordValidator;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.DefaultProductionExceptionHandler;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running scorer: one Kafka Streams instance executing the scoring topology. {@link #start}
 * checks everything it can before consuming a record (reader schema rules, model artifact, registry
 * reachable, topics exist) and fails with a message naming the problem.
 */
public final class ScorerApp implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ScorerApp.class);

  private final ScorerConfig config;
  private final KafkaStreams streams;
  private final Health health;
  private final ActiveModel model;
  private final SchemaRegistryClient registry;
  private final int predictionSchemaId;
  private final ModelWatcher watcher;
  private final ScorerHttpServer http;
  private final PrometheusMeterRegistry meters;
  private final PipelineMetrics metrics;
  private final CountDownLatch stopped;
  private final AtomicBoolean closing = new AtomicBoolean();

  private ScorerApp(
      ScorerConfig config,
      KafkaStreams streams,
      Health health,
      ActiveModel model,
      SchemaRegistryClient registry,
      int predictionSchemaId,
      ModelWatcher watcher,
      ScorerHttpServer http,
      PrometheusMeterRegistry meters,
      PipelineMetrics metrics,
      CountDownLatch stopped) {
    this.config = config;
    this.streams = streams;
    this.health = health;
    this.model = model;
    this.registry = registry;
    this.predictionSchemaId = predictionSchemaId;
    this.watcher = watcher;
    this.http = http;
    this.meters = meters;
    this.metrics = metrics;
    this.stopped = stopped;
  }

  /** Blocks until Kafka Streams stops (NOT_RUNNING after close, or ERROR after a fatal failure). */
  public void awaitTermination() throws InterruptedException {
    stopped.await();
  }

  /** The Prometheus registry behind {@code /metrics}. */
  public PrometheusMeterRegistry meters() {
    return meters;
  }

  /** The version of this build (jar manifest), or {@code dev} when run from classes. */
  public static String appVersion() {
    String version = ScorerApp.class.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }

  public static ScorerApp start(ScorerConfig config, Clock clock) {
    Schema reader = readerSchema(config);
    RecordValidator validator = RecordValidator.forSchema(reader);
    FeatureExtractor extractor = FeatureExtractor.forSchema(reader);
    PredictionBuilder predictions =
        new PredictionBuilder(
            Contracts.prediction(),
            reader,
            config.getString(ScorerConfig.EVENT_ID_FIELD),
            config.getString(ScorerConfig.EVENT_TIME_FIELD));
    Path modelPath = Path.of(config.getString(ScorerConfig.MODEL_DIR));
    ModelDirectory models =
        ModelDirectory.isArtifact(modelPath) ? null : new ModelDirectory(modelPath, extractor);
    ModelArtifact artifact =
        models == null ? ModelArtifact.load(modelPath, extractor) : newestValid(models);
    String challengerDir = config.getString(ScorerConfig.CHALLENGER_DIR);
    ModelScorer challenger =
        challengerDir.isEmpty()
            ? null
            : new ModelScorer(ModelArtifact.load(Path.of(challengerDir), extractor));
    ActiveModel model = new ActiveModel(new ModelScorer(artifact), challenger);
    LOG.info(
        "serving model {} version {} from {}{}",
        artifact.metadata().name(),
        artifact.metadata().version(),
        artifact.directory(),
        challenger == null ? "" : ", challenger " + challenger.version());

    SchemaRegistryClient registry = new SchemaRegistryClient(registrySettings(config));
    String predictionsTopic = config.getString(ScorerConfig.TOPIC_PREDICTIONS);
    int predictionSchemaId = registry.register(predictionsTopic + "-value", Contracts.prediction());
    Map<String, Integer> partitions = checkTopicsExist(config);

    Health health = new Health();
    ScoringTopology.Settings settings =
        new ScoringTopology.Settings(
            Topic.bytes(config.getString(ScorerConfig.TOPIC_EVENTS)), Topic.bytes(predictionsTopic),
            Topic.bytes(config.getString(ScorerConfig.TOPIC_DLQ)), appVersion(),
            Duration.ofMillis(config.getLong(ScorerConfig.REGISTRY_OUTAGE_MAX_BLOCK_MS)),
                streamsProperties(config));
    ScoringTopology.Codecs codecs =
        new ScoringTopology.Codecs(
            () -> new WireFormatDecoder(reader, registry),
            () -> new WireFormatEncoder(Contracts.prediction(), predictionSchemaId));
    EventScorer eventScorer = new EventScorer(validator, extractor, model);
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    PipelineMetrics metrics = new PipelineMetrics(meters);
    ScoringTopology.Analytics analytics = analytics(config, registry, reader, partitions);
    Topology topology =
        ScoringTopology.build(
            settings, codecs, eventScorer, predictions, health, clock, metrics, analytics);

    KafkaStreams streams = new KafkaStreams(topology, settings.streamsConfig());
    streams.setUncaughtExceptionHandler(
        error -> {
          if (isRegistryOutage(error)) {
            LOG.warn("stream thread restarts after a registry outage: {}", error.getMessage());
            return StreamThreadExceptionResponse.REPLACE_THREAD;
          }
          LOG.error("stream thread failed; shutting down this instance", error);
          return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    CountDownLatch stopped = new CountDownLatch(1);
    streams.setStateListener(
        (next, previous) -> {
          LOG.info("Kafka Streams {} -> {}", previous, next);
          if (next == KafkaStreams.State.NOT_RUNNING || next == KafkaStreams.State.ERROR) {
            stopped.countDown();
          }
        });
    metrics.bindAnalytics(
        extractor.fields().stream().map(FeatureExtractor.FeatureField::name).toList());
    metrics
        .bindRuntime(streams)
        .bindApplication(
            model,
            registry,
            health,
            () -> streams.state() == KafkaStreams.State.RUNNING && health.registryReachable());
    streams.start();
    try {
      return startServing(
          config,
          streams,
          health,
          model,
          registry,
          predictionSchemaId,
          models,
          artifact,
          metrics,
          meters,
          reader,
          eventScorer,
          predictions,
          clock,
          stopped);
    } catch (RuntimeException e) {
      streams.close(Duration.ofSeconds(30));
      metrics.close();
      throw e;
    }
  }

  private static ScorerApp startServing(
      ScorerConfig config,
      KafkaStreams streams,
      Health health,
      ActiveModel model,
      SchemaRegistryClient registry,
      int predictionSchemaId,
      ModelDirectory models,
      ModelArtifact artifact,
      PipelineMetrics metrics,
      PrometheusMeterRegistry meters,
      Schema reader,
      EventScorer eventScorer,
      PredictionBuilder predictions,
      Clock clock,
      CountDownLatch stopped) {
    ModelWatcher watcher =
        models == null
            ? null
            : new ModelWatcher(
                    models,
                    artifact,
                    next -> {
                      ModelScorer replaced = model.swap(new ModelScorer(next));
                      metrics.refreshModels(model);
                      LOG.info(
                          "model swapped without restart: {} -> {} (from {})",
                          replaced.version(),
                          next.metadata().version(),
                          next.directory());
                    })
                .start(Duration.ofMillis(config.getLong(ScorerConfig.MODEL_POLL_INTERVAL_MS)));
    int port = config.getInt(ScorerConfig.HTTP_PORT);
    ScorerHttpServer http =
        port < 0
            ? null
            : ScorerHttpServer.start(
                config.getString(ScorerConfig.HTTP_HOST),
                port,
                new JsonScorer(new JsonEvents(reader), eventScorer, predictions, clock));
    ScorerApp app =
        new ScorerApp(
            config,
            streams,
            health,
            model,
            registry,
            predictionSchemaId,
            watcher,
            http,
            meters,
            metrics,
            stopped);
    if (http != null) {
      OperationsRoutes.register(http, app);
    }
    return app;
  }

  private static ModelArtifact newestValid(ModelDirectory models) {
    return models
        .newestValid()
        .orElseThrow(
            () ->
                new InvalidModelException(
                    models.path(),
                    "holds no valid model artifact: "
                        + models.list().stream().map(ModelDirectory.Entry::problem).toList()));
  }

  private static boolean isRegistryOutage(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof RegistryUnavailableException) {
        return true;
      }
    }
    return false;
  }

  static Schema readerSchema(ScorerConfig config) {
    String path = config.getString(ScorerConfig.READER_SCHEMA_PATH);
    if (path.isEmpty()) {
      return Contracts.paymentEvent();
    }
    try {
      return Contracts.fromFile(Path.of(path));
    } catch (RuntimeException e) {
      throw new ConfigException(ScorerConfig.READER_SCHEMA_PATH, path, e.getMessage());
    }
  }

  static RegistrySettings registrySettings(ScorerConfig config) {
    RegistrySettings settings =
        RegistrySettings.of(config.getString(ScorerConfig.REGISTRY_URL))
            .withRequestTimeout(Duration.ofMillis(config.getInt(ScorerConfig.REGISTRY_TIMEOUT_MS)))
            .withRetries(
                config.getInt(ScorerConfig.REGISTRY_MAX_ATTEMPTS),
                Duration.ofMillis(config.getInt(ScorerConfig.REGISTRY_BACKOFF_MS)),
                Duration.ofMillis(config.getInt(ScorerConfig.REGISTRY_BACKOFF_MAX_MS)))
            .withCacheSize(config.getInt(ScorerConfig.REGISTRY_CACHE_SIZE))
            .withUnknownIdTtl(
                Duration.ofMillis(config.getLong(ScorerConfig.REGISTRY_UNKNOWN_ID_CACHE_MS)));
    Password auth = config.getPassword(ScorerConfig.REGISTRY_BASIC_AUTH);
    if (auth != null && !auth.value().isEmpty()) {
      settings = settings.withBasicAuth(auth.value());
    }
    String truststore = config.getString(ScorerConfig.REGISTRY_TRUSTSTORE);
    if (!truststore.isEmpty()) {
      settings =
          settings.withSslContext(
              sslContext(
                  truststore, config.getPassword(ScorerConfig.REGISTRY_TRUSTSTORE_PASSWORD)));
    }
    return settings;
  }

  private static SSLContext sslContext(String truststore, Password password) {
    try (InputStream in = Files.newInputStream(Path.of(truststore))) {
      KeyStore store = KeyStore.getInstance(truststore.endsWith(".jks") ? "JKS" : "PKCS12");
      store.load(in, password == null ? null : password.value().toCharArray());
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new ConfigException(
          ScorerConfig.REGISTRY_TRUSTSTORE,
          truststore,
          "cannot load truststore: " + e.getMessage());
    }
  }

  /** Producer batch.size of every scorer (see {@link #streamsProperties}). */
  public static final int PRODUCER_BATCH_BYTES = 131_072;

  /** Kafka Streams properties: ours first, then every {@code kafka.*} pass-through key. */
  public static Properties streamsProperties(ScorerConfig config) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.getString(ScorerConfig.APPLICATION_ID));
    props.put(
        StreamsConfig.BOOTSTRAP_SERVERS_CONFIG,
        String.join(",", config.getList(ScorerConfig.BOOTSTRAP_SERVERS)));
    props.put(
        StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
        config.getString(ScorerConfig.PROCESSING_GUARANTEE));
    props.put(
        StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.getInt(ScorerConfig.NUM_STREAM_THREADS));
    props.put(
        StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.getLong(ScorerConfig.COMMIT_INTERVAL_MS));
    // Kafka infrastructure failures are never dead-lettered: a failed produce fails the thread (and
    // the transaction), data problems were already turned into dead letters inside the topology.
    props.put(
        StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
        DefaultProductionExceptionHandler.class);
    // A task waiting out a registry outage keeps its transaction open; the Streams default (10 s)
    // would let the broker abort it underneath and fence the producer. Give it the outage wait plus
    // a margin.
    if (StreamsConfig.EXACTLY_ONCE_V2.equals(config.getString(ScorerConfig.PROCESSING_GUARANTEE))) {
      props.put(
          StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG),
          (int)
              Math.min(
                  Integer.MAX_VALUE,
                  config.getLong(ScorerConfig.REGISTRY_OUTAGE_MAX_BLOCK_MS) + 30_000));
    }
    // A task whose partition is momentarily empty (the drift merger, most of the time) otherwise
    // costs a String.format per stream-thread loop in PartitionGroup.readyToProcess (its
    // wait-for-data bookkeeping): 11% of the stream thread in the benchmark profile. Nothing here
    // needs cross-partition idling: the feedback join waits for overtaken labels itself.
    props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
    // Kafka's 16 KB producer batches fill in a few milliseconds at benchmark rates, so the producer
    // sends many small requests: its network thread cost 2.6 us per record, 1.2 us with 128 KB
    // batches (linger stays the Streams default; a transaction commit flushes whatever is batched).
    // kafka.producer.batch.size overrides it.
    props.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), PRODUCER_BATCH_BYTES);
    // No global stores here; opting in now silences a deprecation warning and matches Kafka 5.0's
    // default.
    props.put("processing.exception.handler.global.enabled", true);
    String stateDir = config.getString(ScorerConfig.STATE_DIR);
    if (!stateDir.isEmpty()) {
      props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
    }
    props.putAll(config.kafkaOverrides());
    return props;
  }

  /** Drift and feedback as configured; registers their output schemas. */
  static ScoringTopology.Analytics analytics(
      ScorerConfig config,
      SchemaRegistryClient registry,
      Schema reader,
      Map<String, Integer> partitions) {
    ScoringTopology.DriftSettings drift = null;
    if (config.getBoolean(ScorerConfig.DRIFT_ENABLED)) {
      String topic = config.getString(ScorerConfig.TOPIC_DRIFT);
      int schemaId = registry.register(topic + "-value", Contracts.driftReport());
      drift =
          new ScoringTopology.DriftSettings(
              topic,
              config.getDuration(ScorerConfig.DRIFT_WINDOW),
              config.getDuration(ScorerConfig.DRIFT_GRACE),
              config.getDuration(ScorerConfig.DRIFT_FLUSH_INTERVAL),
              config.getDuration(ScorerConfig.DRIFT_CHECKPOINT_INTERVAL),
              config.getDuration(ScorerConfig.DRIFT_IDLE_TIMEOUT),
              thresholds(config),
              () -> new WireFormatEncoder(Contracts.driftReport(), schemaId));
    }
    ScoringTopology.FeedbackSettings feedback = null;
    if (config.getBoolean(ScorerConfig.FEEDBACK_ENABLED)) {
      String performance = config.getString(ScorerConfig.TOPIC_PERFORMANCE);
      String training = config.getString(ScorerConfig.TOPIC_TRAINING);
      String labels = config.getString(ScorerConfig.TOPIC_LABELS);
      int performanceId = registry.register(performance + "-value", Contracts.performanceReport());
      Schema trainingSchema = new TrainingExamples(reader).schema();
      int trainingId = registry.register(training + "-value", trainingSchema);
      feedback =
          new ScoringTopology.FeedbackSettings(
              labels,
              performance,
              training,
              partitions.getOrDefault(labels, 1),
              config.getDuration(ScorerConfig.FEEDBACK_RETENTION),
              config.getDuration(ScorerConfig.FEEDBACK_LABEL_WAIT),
              config.getDuration(ScorerConfig.FEEDBACK_WINDOW),
              config.getDuration(ScorerConfig.FEEDBACK_GRACE),
              config.getDuration(ScorerConfig.DRIFT_FLUSH_INTERVAL),
              config.getDuration(ScorerConfig.DRIFT_IDLE_TIMEOUT),
              () -> new WireFormatDecoder(Contracts.labelFeedback(), registry),
              () -> new WireFormatEncoder(Contracts.performanceReport(), performanceId),
              () -> new WireFormatEncoder(trainingSchema, trainingId));
    }
    return new ScoringTopology.Analytics(drift, feedback);
  }

  static DriftThresholds thresholds(ScorerConfig config) {
    double psiWarn = config.getDouble(ScorerConfig.DRIFT_PSI_WARN);
    double jsWarn = config.getDouble(ScorerConfig.DRIFT_JS_WARN);
    if (psiWarn > config.getDouble(ScorerConfig.DRIFT_PSI_ALERT)) {
      throw new ConfigException(
          ScorerConfig.DRIFT_PSI_WARN, psiWarn, "must not exceed " + ScorerConfig.DRIFT_PSI_ALERT);
    }
    if (jsWarn > config.getDouble(ScorerConfig.DRIFT_JS_ALERT)) {
      throw new ConfigException(
          ScorerConfig.DRIFT_JS_WARN, jsWarn, "must not exceed " + ScorerConfig.DRIFT_JS_ALERT);
    }
    return new DriftThresholds(
        psiWarn,
        config.getDouble(ScorerConfig.DRIFT_PSI_ALERT),
        jsWarn,
        config.getDouble(ScorerConfig.DRIFT_JS_ALERT),
        config.getDouble(ScorerConfig.DRIFT_MISSING_RATE_DELTA),
        config.getLong(ScorerConfig.DRIFT_MIN_COUNT));
  }

  /** Checks that every topic the configuration uses exists; returns their partition counts. */
  private static Map<String, Integer> checkTopicsExist(ScorerConfig config) {
    Map<String, String> topics =
        new java.util.HashMap<>(
            Map.of(
                config.getString(ScorerConfig.TOPIC_EVENTS), ScorerConfig.TOPIC_EVENTS,
                config.getString(ScorerConfig.TOPIC_PREDICTIONS), ScorerConfig.TOPIC_PREDICTIONS,
                config.getString(ScorerConfig.TOPIC_DLQ), ScorerConfig.TOPIC_DLQ));
    if (config.getBoolean(ScorerConfig.DRIFT_ENABLED)) {
      topics.put(config.getString(ScorerConfig.TOPIC_DRIFT), ScorerConfig.TOPIC_DRIFT);
    }
    if (config.getBoolean(ScorerConfig.FEEDBACK_ENABLED)) {
      topics.put(config.getString(ScorerConfig.TOPIC_LABELS), ScorerConfig.TOPIC_LABELS);
      topics.put(config.getString(ScorerConfig.TOPIC_PERFORMANCE), ScorerConfig.TOPIC_PERFORMANCE);
      topics.put(config.getString(ScorerConfig.TOPIC_TRAINING), ScorerConfig.TOPIC_TRAINING);
    }
    Properties props = new Properties();
    props.putAll(config.kafkaOverrides());
    props.put(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
        String.join(",", config.getList(ScorerConfig.BOOTSTRAP_SERVERS)));
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
    try (Admin admin = Admin.create(props)) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      Set<String> missing = new TreeSet<>();
      topics.forEach(
          (topic, key) -> {
            if (!existing.contains(topic)) {
              missing.add(topic + " (" + key + ")");
            }
          });
      if (!missing.isEmpty()) {
        throw new IllegalStateException(
            "topics do not exist: " + missing + "; create them or fix the config keys named");
      }
      Map<String, Integer> partitions = new java.util.HashMap<>();
      admin
          .describeTopics(topics.keySet())
          .allTopicNames()
          .get(30, TimeUnit.SECONDS)
          .forEach((name, description) -> partitions.put(name, description.partitions().size()));
      return partitions;
    } catch (IllegalStateException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(
          "cannot reach Kafka at "
              + config.getList(ScorerConfig.BOOTSTRAP_SERVERS)
              + " to check topics: "
              + e,
          e);
    }
  }

  public KafkaStreams streams() {
    return streams;
  }

  public Health health() {
    return health;
  }

  public ActiveModel model() {
    return model;
  }

  public SchemaRegistryClient registry() {
    return registry;
  }

  public int predictionSchemaId() {
    return predictionSchemaId;
  }

  public ScorerConfig config() {
    return config;
  }

  /** The HTTP server's base URL, when it runs. */
  public Optional<String> httpUrl() {
    return Optional.ofNullable(http).map(ScorerHttpServer::url);
  }

  /** The models-directory watcher, when {@code model.dir} is a directory of artifacts. */
  public Optional<ModelWatcher> watcher() {
    return Optional.ofNullable(watcher);
  }

  /** True once Kafka Streams is RUNNING and the registry is reachable. */
  public boolean isReady() {
    return streams.state() == KafkaStreams.State.RUNNING && health.registryReachable();
  }

  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    LOG.info("stopping scorer");
    if (http != null) {
      http.close();
    }
    if (watcher != null) {
      watcher.close();
    }
    streams.close(Duration.ofSeconds(30));
    metrics.close();
    meters.close();
  }
}

package dev.scorestream.app;

import dev.scorestream.codec.WireFormatDecoder;
import dev.scorestream.codec.WireFormatEncoder;
import dev.scorestream.config.ScorerConfig;
import dev.scorestream.enrichment.Enricher;
import dev.scorestream.enrichment.EnrichmentSpec;
import dev.scorestream.features.FeatureExtractor;
import dev.scorestream.features.JsonEvents;
import dev.scorestream.http.JsonScorer;
import dev.scorestream.http.ScorerHttpServer;
import dev.scorestream.inference.GrpcInferenceServer;
import dev.scorestream.inference.InferenceService;
import dev.scorestream.inference.RestV2Routes;
import dev.scorestream.metrics.PipelineMetrics;
import dev.scorestream.model.InvalidModelException;
import dev.scorestream.model.ModelArtifact;
import dev.scorestream.model.ModelDirectory;
import dev.scorestream.model.ModelScorer;
import dev.scorestream.model.ModelWatcher;
import dev.scorestream.registry.RegistryUnavailableException;
import dev.scorestream.registry.SchemaRegistryClient;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.serving.ActiveModel;
import dev.scorestream.serving.EventScorer;
import dev.scorestream.serving.Health;
import dev.scorestream.serving.PredictionBuilder;
import dev.scorestream.topology.ContextStores;
import dev.scorestream.topology.OutputFailureHandler;
import dev.scorestream.topology.OutputGuards;
import dev.scorestream.topology.OversizedOutputs;
import dev.scorestream.topology.PredictionHeaders;
import dev.scorestream.topology.ScoringTopology;
import dev.scorestream.topology.Topic;
import dev.scorestream.validation.RecordValidator;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running scorer: one Kafka Streams instance executing the scoring topology, with its HTTP
 * server, metrics and model watcher. {@link #start} checks everything it can before consuming a
 * record (reader schema rules, model artifact, registry reachable, topics exist, their size limits)
 * and fails with a message naming the problem.
 */
public final class ScorerApp implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ScorerApp.class);

  private final ScorerConfig config;
  private final KafkaStreams streams;
  private final Health health;
  private final ActiveModel model;
  private final SchemaRegistryClient registry;
  private final int predictionSchemaId;
  private final PrometheusMeterRegistry meters;
  private final CountDownLatch stopped;

  /** Everything to close, closed last-opened first. */
  private final Deque<AutoCloseable> resources;

  private ModelWatcher watcher;
  private ScorerHttpServer http;
  private GrpcInferenceServer grpc;
  private PipelineHealth pipelineHealth;
  private final AtomicBoolean closing;

  private ScorerApp(
      ScorerConfig config,
      KafkaStreams streams,
      Health health,
      ActiveModel model,
      SchemaRegistryClient registry,
      int predictionSchemaId,
      PrometheusMeterRegistry meters,
      CountDownLatch stopped,
      Deque<AutoCloseable> resources,
      AtomicBoolean closing) {
    this.config = config;
    this.streams = streams;
    this.health = health;
    this.model = model;
    this.registry = registry;
    this.predictionSchemaId = predictionSchemaId;
    this.meters = meters;
    this.stopped = stopped;
    this.resources = resources;
    this.closing = closing;
  }

  /** Blocks until Kafka Streams stops (NOT_RUNNING after close, or ERROR after a fatal failure). */
  public void awaitTermination() throws InterruptedException {
    stopped.await();
  }

  /** The Prometheus registry behind {@code /metrics}. */
  public PrometheusMeterRegistry meters() {
    return meters;
  }

  /** The server name in Open Inference Protocol metadata. */
  public static final String SERVER_NAME = "scorestream";

  /** The version of this build (jar manifest), or {@code dev} when run from classes. */
  public static String appVersion() {
    String version = ScorerApp.class.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }

  public static ScorerApp start(ScorerConfig config, Clock clock) {
    Deque<AutoCloseable> resources = new ArrayDeque<>();
    try {
      return start(config, clock, resources);
    } catch (RuntimeException e) {
      closeAll(resources);
      throw e;
    }
  }

  private static ScorerApp start(ScorerConfig config, Clock clock, Deque<AutoCloseable> resources) {
    Schema reader = PipelineConfig.readerSchema(config);
    RecordValidator validator = RecordValidator.forSchema(reader);
    EnrichmentSpec enrichment = PipelineConfig.enrichment(config, reader);
    // With reference tables, everything after the lookup (features, models, drift, training
    // examples) sees the enriched schema: the reader's fields, then the tables' fields.
    FeatureExtractor extractor = FeatureExtractor.forSchema(enrichment.enrichedSchema());
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

    SchemaRegistryClient registry =
        new SchemaRegistryClient(PipelineConfig.registrySettings(config));
    String predictionsTopic = config.getString(ScorerConfig.TOPIC_PREDICTIONS);
    String deadLetterTopic = config.getString(ScorerConfig.TOPIC_DLQ);
    int predictionSchemaId = registry.register(predictionsTopic + "-value", Contracts.prediction());
    Map<String, Integer> partitions = checkTopicsExist(config, enrichment);

    Properties streamsConfig = StreamsProperties.of(config);
    TopicLimits limits =
        TopicLimits.learn(
            StreamsProperties.admin(config),
            outputTopics(config),
            StreamsProperties.maxRequestSize(streamsConfig),
            config.getDuration(ScorerConfig.OUTPUT_LIMITS_REFRESH));
    resources.push(limits);
    checkDeadLetterTopic(deadLetterTopic, limits);
    OutputGuards guards =
        new OutputGuards(
            limits,
            new OversizedOutputs(),
            new PredictionHeaders(config.getList(ScorerConfig.PREDICTION_HEADERS_EXCLUDE)));
    StreamsProperties.wireOutputs(
        streamsConfig,
        Map.of(
            OutputFailureHandler.GUARDS, guards,
            OutputFailureHandler.DEAD_LETTER_TOPIC, deadLetterTopic,
            OutputFailureHandler.PREDICTIONS_TOPIC, predictionsTopic,
            OutputFailureHandler.APP_VERSION, appVersion()),
        limits.smallestTopicLimit());

    Health health = new Health();
    ScoringTopology.Settings settings =
        new ScoringTopology.Settings(
            Topic.bytes(config.getString(ScorerConfig.TOPIC_EVENTS)),
            Topic.bytes(predictionsTopic),
            Topic.bytes(deadLetterTopic),
            appVersion(),
            config.getDuration(ScorerConfig.REGISTRY_OUTAGE_MAX_BLOCK),
            streamsConfig,
            guards,
            PipelineConfig.batching(config));
    ScoringTopology.Codecs codecs =
        new ScoringTopology.Codecs(
            () -> new WireFormatDecoder(reader, registry),
            () -> new WireFormatEncoder(Contracts.prediction(), predictionSchemaId));
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    resources.push(meters::close);
    PipelineMetrics metrics = new PipelineMetrics(meters);
    resources.push(metrics);
    metrics.bindEnrichment(enrichment);
    EventScorer eventScorer =
        new EventScorer(
            validator,
            extractor,
            model,
            enrichment.isEmpty()
                ? null
                : new Enricher(
                    enrichment, reader.getFields().size(), registry, metrics.enrichment()));
    ScoringTopology.Analytics analytics =
        PipelineConfig.analytics(config, registry, enrichment.enrichedSchema(), partitions);
    Topology topology =
        ScoringTopology.build(
            settings, codecs, eventScorer, predictions, health, clock, metrics, analytics);

    KafkaStreams streams = new KafkaStreams(topology, settings.streamsConfig());
    // Requests read reference rows and entity histories from this instance's stores.
    eventScorer.lookUpIn(
        ContextStores.lookup(streams, partitions.get(config.getString(ScorerConfig.TOPIC_EVENTS))));
    streams.setUncaughtExceptionHandler(ScorerApp::onStreamThreadFailure);
    streams.setGlobalStateRestoreListener(new RestoreLog(metrics));
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
    AtomicBoolean closing = new AtomicBoolean();
    resources.push(() -> streams.close(Duration.ofSeconds(30)));
    PipelineHealth pipelineHealth =
        PipelineHealth.of(
            streams,
            health,
            Admin.create(StreamsProperties.admin(config)),
            metrics::processed,
            config.getDuration(ScorerConfig.HEALTH_CHECK_INTERVAL),
            config.getDuration(ScorerConfig.HEALTH_STALL_TIMEOUT),
            clock);
    resources.push(pipelineHealth);
    metrics
        .bindRuntime(streams)
        .bindApplication(model, registry, health, () -> !closing.get())
        .bindPipeline(
            pipelineHealth::healthy, pipelineHealth::brokerReachable, pipelineHealth::stalled);
    streams.start();
    pipelineHealth.start();

    ScorerApp app =
        new ScorerApp(
            config,
            streams,
            health,
            model,
            registry,
            predictionSchemaId,
            meters,
            stopped,
            resources,
            closing);
    app.pipelineHealth = pipelineHealth;
    if (models != null) {
      app.watcher =
          new ModelWatcher(
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
              .start(config.getDuration(ScorerConfig.MODEL_POLL_INTERVAL));
      resources.push(app.watcher);
    }
    InferenceService inference =
        new InferenceService(
            reader,
            eventScorer,
            config.getInt(ScorerConfig.INFERENCE_MAX_ROWS),
            () -> !closing.get());
    int port = config.getInt(ScorerConfig.HTTP_PORT);
    if (port >= 0) {
      app.http =
          ScorerHttpServer.start(
              config.getString(ScorerConfig.HTTP_HOST),
              port,
              new JsonScorer(new JsonEvents(reader), eventScorer, predictions, clock));
      resources.push(app.http);
      OperationsRoutes.register(app.http, app);
      new RestV2Routes(inference, SERVER_NAME, appVersion(), metrics.inferenceListener())
          .register(app.http);
    }
    int grpcPort = config.getInt(ScorerConfig.GRPC_PORT);
    if (grpcPort >= 0) {
      app.grpc =
          GrpcInferenceServer.start(
              new GrpcInferenceServer.Settings(
                  config.getString(ScorerConfig.GRPC_HOST),
                  grpcPort,
                  config.getInt(ScorerConfig.GRPC_MAX_MESSAGE_SIZE),
                  config.getDuration(ScorerConfig.GRPC_REQUEST_TIMEOUT),
                  config.getDuration(ScorerConfig.GRPC_SHUTDOWN_GRACE)),
              inference,
              SERVER_NAME,
              ScorerApp::appVersion,
              metrics.inferenceListener());
      resources.push(app.grpc);
    }
    return app;
  }

  /**
   * A stream thread died. Two causes are recoveries, not failures, and get a new thread that
   * resumes from the last commit: a registry outage that outlasted its wait, and an output a topic
   * refused for one record (the retry writes that record degraded). Anything else stops the
   * instance.
   */
  static StreamThreadExceptionResponse onStreamThreadFailure(Throwable error) {
    if (hasCause(error, RegistryUnavailableException.class)) {
      LOG.warn("stream thread restarts after a registry outage: {}", error.getMessage());
      return StreamThreadExceptionResponse.REPLACE_THREAD;
    }
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (OutputFailureHandler.belongsToTheRecord(cause)) {
        LOG.warn(
            "stream thread restarts: a topic refused one record ({}); it is written degraded on"
                + " the retry",
            cause.getClass().getSimpleName());
        return StreamThreadExceptionResponse.REPLACE_THREAD;
      }
    }
    LOG.error("stream thread failed; shutting down this instance", error);
    return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
  }

  private static boolean hasCause(Throwable error, Class<? extends Throwable> type) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (type.isInstance(cause)) {
        return true;
      }
    }
    return false;
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

  /** The topics the pipeline writes by name. */
  static List<String> outputTopics(ScorerConfig config) {
    List<String> topics = new ArrayList<>();
    topics.add(config.getString(ScorerConfig.TOPIC_PREDICTIONS));
    topics.add(config.getString(ScorerConfig.TOPIC_DLQ));
    if (config.getBoolean(ScorerConfig.DRIFT_ENABLED)) {
      topics.add(config.getString(ScorerConfig.TOPIC_DRIFT));
    }
    if (config.getBoolean(ScorerConfig.FEEDBACK_ENABLED)) {
      topics.add(config.getString(ScorerConfig.TOPIC_PERFORMANCE));
      topics.add(config.getString(ScorerConfig.TOPIC_TRAINING));
    }
    return topics;
  }

  /**
   * A dead-letter topic must keep every dead letter (no compaction: degraded ones may have no key)
   * and take a fully degraded one.
   */
  static void checkDeadLetterTopic(String topic, TopicLimits limits) {
    if (limits.cleanupPolicy(topic).contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
      throw new ConfigException(
          ScorerConfig.TOPIC_DLQ,
          topic,
          "the dead-letter topic is compacted (cleanup.policy="
              + limits.cleanupPolicy(topic)
              + "): compaction would drop dead letters; use cleanup.policy=delete");
    }
    if (limits.maxRecordBytes(topic) < TopicLimits.MIN_DEAD_LETTER_BYTES) {
      throw new ConfigException(
          ScorerConfig.TOPIC_DLQ,
          topic,
          "the dead-letter topic accepts records of at most "
              + limits.maxRecordBytes(topic)
              + " bytes (max.message.bytes, max.request.size); a dead letter needs "
              + TopicLimits.MIN_DEAD_LETTER_BYTES);
    }
  }

  /** Checks that every topic the configuration uses exists; returns their partition counts. */
  private static Map<String, Integer> checkTopicsExist(
      ScorerConfig config, EnrichmentSpec enrichment) {
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
    for (EnrichmentSpec.Reference reference : enrichment.references()) {
      topics.put(
          reference.topic(),
          ScorerConfig.ENRICHMENT_SPEC_PATH + ": reference table " + reference.table());
    }
    try (Admin admin = Admin.create(StreamsProperties.admin(config))) {
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

  /** The gRPC server's {@code host:port}, when it runs. */
  public Optional<String> grpcAddress() {
    return Optional.ofNullable(grpc).map(GrpcInferenceServer::address);
  }

  /**
   * Inference readiness: the model is loaded and REST and gRPC answer; false once the scorer is
   * stopping. Says nothing about the stream (see {@link #pipelineHealthy}).
   */
  public boolean isReady() {
    return !closing.get();
  }

  /**
   * Pipeline health: Kafka Streams running, a broker and the registry answering, waiting input
   * being processed.
   */
  public boolean pipelineHealthy() {
    return pipelineHealth.healthy();
  }

  PipelineHealth.Status pipelineStatus() {
    return pipelineHealth.status();
  }

  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    LOG.info("stopping scorer");
    closeAll(resources);
  }

  private static void closeAll(Deque<AutoCloseable> resources) {
    while (!resources.isEmpty()) {
      try {
        resources.pop().close();
      } catch (Exception e) {
        LOG.warn("while stopping: {}", e.toString());
      }
    }
  }
}

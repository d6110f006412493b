package dev.scorestream.app;

import dev.scorestream.codec.WireFormatDecoder;
import dev.scorestream.codec.WireFormatEncoder;
import dev.scorestream.codec.WriterCounts;
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
import dev.scorestream.metrics.SchemaChangeMetrics;
import dev.scorestream.model.ModelWatcher;
import dev.scorestream.registry.SchemaRegistryClient;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.security.AclPreflight;
import dev.scorestream.security.PipelineAccess;
import dev.scorestream.serving.EventScorer;
import dev.scorestream.serving.Health;
import dev.scorestream.topology.ContextStores;
import dev.scorestream.topology.OutputFailureHandler;
import dev.scorestream.topology.OutputGuards;
import dev.scorestream.topology.OversizedOutputs;
import dev.scorestream.topology.PredictionHeaders;
import dev.scorestream.topology.ScoringTopology;
import dev.scorestream.topology.Topic;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Deque;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start-up of a {@link ScorerApp}, as named phases run in order. Each phase checks what it can
 * before anything is consumed and fails with a message that names the problem; each resource it
 * opens goes onto {@code resources}, which the caller closes if a later phase fails.
 *
 * <ol>
 *   <li>{@link #serving}: reader schema, rules, enrichment spec and models ({@link ServingSetup});
 *   <li>{@link #topics}: the registry client, the principal's ACLs ({@link AclPreflight}) and the
 *       topics the configuration names (the schema-changes topic made compacted, and the changes it
 *       already holds read);
 *   <li>{@link #outputs}: the prediction schema registered, the output topics' limits learned;
 *   <li>{@link #metrics}: the meters and the scoring core they watch;
 *   <li>{@link #pipeline}: the topology and its Kafka Streams instance;
 *   <li>{@link #run}: health checks, then the stream started;
 *   <li>{@link #watchModels}: hot swap from the models directory;
 *   <li>{@link #serve}: REST and gRPC, once the {@link ScorerApp} they report on exists.
 * </ol>
 */
final class Startup {

  private static final Logger LOG = LoggerFactory.getLogger(Startup.class);

  final ScorerConfig config;
  final Clock clock;
  final Deque<AutoCloseable> resources;
  final AtomicBoolean closing = new AtomicBoolean();
  final CountDownLatch stopped = new CountDownLatch(1);
  final Health health = new Health();

  ServingSetup serving;
  SchemaRegistryClient registry;
  PipelineAccess access;
  Map<String, Integer> partitions;
  Set<String> reportedChanges = Set.of();
  SchemaChangeMetrics schemaChangeMetrics;
  int predictionSchemaId;
  OutputGuards guards;
  Properties streamsConfig;
  PrometheusMeterRegistry meters;
  PipelineMetrics metrics;
  EventScorer eventScorer;
  KafkaStreams streams;
  PipelineHealth pipelineHealth;
  ModelWatcher watcher;
  ScorerHttpServer http;
  ScorerHttpServer management;
  GrpcInferenceServer grpc;

  Startup(ScorerConfig config, Clock clock, Deque<AutoCloseable> resources) {
    this.config = config;
    this.clock = clock;
    this.resources = resources;
  }

  void serving() {
    serving = ServingSetup.load(config);
  }

  void topics() {
    registry = new SchemaRegistryClient(PipelineConfig.registrySettings(config));
    // Before anything reads or creates a topic: a missing ACL is named, not met as a dead thread.
    access =
        PipelineAccess.of(
            config,
            serving.enrichment().references().stream()
                .map(EnrichmentSpec.Reference::topic)
                .toList());
    new AclPreflight(StreamsProperties.clients(config)).check(access);
    partitions = TopicChecks.checkTopicsExist(config, serving.enrichment());
    // A topic created just now holds nothing, and its metadata may not have reached every broker.
    if (config.getBoolean(ScorerConfig.SCHEMA_CHANGES_ENABLED)
        && !TopicChecks.ensureSchemaChangesTopic(config)) {
      reportedChanges =
          SchemaChangeLog.read(
                  StreamsProperties.admin(config),
                  config.getString(ScorerConfig.TOPIC_SCHEMA_CHANGES))
              .latest()
              .keySet();
    }
  }

  void outputs() {
    String predictionsTopic = config.getString(ScorerConfig.TOPIC_PREDICTIONS);
    String deadLetterTopic = config.getString(ScorerConfig.TOPIC_DLQ);
    predictionSchemaId = registry.register(predictionsTopic + "-value", Contracts.prediction());
    streamsConfig = StreamsProperties.of(config);
    TopicLimits limits =
        TopicLimits.learn(
            StreamsProperties.admin(config),
            TopicChecks.outputTopics(config),
            StreamsProperties.maxRequestSize(streamsConfig),
            config.getDuration(ScorerConfig.OUTPUT_LIMITS_REFRESH));
    resources.push(limits);
    TopicChecks.checkDeadLetterTopic(deadLetterTopic, limits);
    guards =
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
            OutputFailureHandler.APP_VERSION, ScorerApp.appVersion()),
        limits.smallestTopicLimit());
  }

  void metrics() {
    meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    resources.push(meters::close);
    metrics = new PipelineMetrics(meters);
    resources.push(metrics);
    metrics.bindEnrichment(serving.enrichment());
    if (config.getBoolean(ScorerConfig.SCHEMA_CHANGES_ENABLED)) {
      schemaChangeMetrics =
          new SchemaChangeMetrics(
              meters,
              serving.reader(),
              serving::servingModels,
              config.getDouble(ScorerConfig.SCHEMA_CHANGES_DEGRADED_SHARE));
    }
    eventScorer =
        new EventScorer(
            serving.validator(),
            serving.extractor(),
            serving.model(),
            serving.enrichment().isEmpty()
                ? null
                : new Enricher(
                    serving.enrichment(),
                    serving.reader().getFields().size(),
                    registry,
                    metrics.enrichment()));
  }

  void pipeline() {
    String events = config.getString(ScorerConfig.TOPIC_EVENTS);
    ScoringTopology.Settings settings =
        new ScoringTopology.Settings(
            Topic.bytes(events),
            Topic.bytes(config.getString(ScorerConfig.TOPIC_PREDICTIONS)),
            Topic.bytes(config.getString(ScorerConfig.TOPIC_DLQ)),
            ScorerApp.appVersion(),
            config.getDuration(ScorerConfig.REGISTRY_OUTAGE_MAX_BLOCK),
            streamsConfig,
            guards,
            PipelineConfig.batching(config));
    ScoringTopology.Codecs codecs =
        new ScoringTopology.Codecs(
            () -> new WireFormatDecoder(serving.reader(), registry),
            () -> new WireFormatEncoder(Contracts.prediction(), predictionSchemaId),
            schemaChangeMetrics == null ? WriterCounts.NONE : schemaChangeMetrics.usage());
    ScoringTopology.Analytics analytics =
        PipelineConfig.analytics(
            config, registry, serving.enrichment().enrichedSchema(), partitions);
    analytics =
        new ScoringTopology.Analytics(
            analytics.drift(),
            analytics.feedback(),
            PipelineConfig.schemaChanges(
                config,
                registry,
                new PipelineConfig.Served(serving.reader(), serving::servingModels),
                reportedChanges,
                schemaChangeMetrics));
    streams =
        new KafkaStreams(
            ScoringTopology.build(
                settings,
                new ScoringTopology.Collaborators(
                    codecs, eventScorer, serving.predictions(), health, clock, metrics),
                analytics),
            settings.streamsConfig());
    // Requests read reference rows and entity histories from this instance's stores.
    eventScorer.lookUpIn(ContextStores.lookup(streams, partitions.get(events)));
    String applicationId = config.getString(ScorerConfig.APPLICATION_ID);
    streams.setUncaughtExceptionHandler(
        error -> ScorerApp.onStreamThreadFailure(error, applicationId, access.topicsRead()));
    streams.setGlobalStateRestoreListener(new RestoreLog(metrics));
    streams.setStateListener(
        (next, previous) -> {
          LOG.info("Kafka Streams {} -> {}", previous, next);
          if (next == KafkaStreams.State.NOT_RUNNING || next == KafkaStreams.State.ERROR) {
            stopped.countDown();
          }
        });
    metrics.bindAnalytics(
        serving.extractor().fields().stream().map(FeatureExtractor.FeatureField::name).toList());
    // Without a stable name (instance.id), a stopping scorer leaves its group, so its partitions
    // move to the others at once: a member that stays is waited for by the next rebalance (about
    // 45 s here, whatever session.timeout.ms says), which stalls every instance. With one, it
    // stays,
    // so its restart under the same name takes its tasks back.
    CloseOptions close =
        CloseOptions.timeout(Duration.ofSeconds(30))
            .withGroupMembershipOperation(
                config.getString(ScorerConfig.INSTANCE_ID).isBlank()
                    ? CloseOptions.GroupMembershipOperation.LEAVE_GROUP
                    : CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP);
    resources.push(() -> streams.close(close));
  }

  void run() {
    pipelineHealth =
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
        .bindApplication(serving.model(), registry, health, () -> !closing.get())
        .bindPipeline(
            pipelineHealth::healthy, pipelineHealth::brokerReachable, pipelineHealth::stalled);
    streams.start();
    pipelineHealth.start();
  }

  /** Hot swap of the champion, and of the challenger when challenger.dir is a directory. */
  void watchModels() {
    watcher =
        ModelSwaps.watch(
            serving,
            config.getDuration(ScorerConfig.MODEL_POLL_INTERVAL),
            () -> {
              metrics.refreshModels(serving.model());
              refreshSchemaChangeInputs();
            },
            resources);
  }

  /** The schema-change gauges of which fields the serving models read, after a swap. */
  private void refreshSchemaChangeInputs() {
    if (schemaChangeMetrics != null) {
      schemaChangeMetrics.refreshModelInputs();
    }
  }

  /**
   * The management server (health and metrics), REST scoring and gRPC, each when its port is not
   * negative. Management comes first, with its own threads, so probes answer while scoring is
   * saturated.
   */
  void serve(ScorerApp app) {
    ServerSettings settings = ServerSettings.of(config);
    int managementPort = config.getInt(ScorerConfig.MANAGEMENT_PORT);
    if (managementPort >= 0) {
      management =
          ScorerHttpServer.start(
              config.getString(ScorerConfig.MANAGEMENT_HOST),
              managementPort,
              settings.management(),
              routes -> OperationsRoutes.register(routes, app));
      resources.push(management);
    }
    InferenceService inference =
        new InferenceService(
            serving.reader(),
            eventScorer,
            config.getInt(ScorerConfig.INFERENCE_MAX_ROWS),
            () -> !closing.get());
    int port = config.getInt(ScorerConfig.HTTP_PORT);
    if (port >= 0) {
      http =
          ScorerHttpServer.start(
              config.getString(ScorerConfig.HTTP_HOST),
              port,
              settings.scoring(),
              new JsonScorer(
                  new JsonEvents(serving.reader()), eventScorer, serving.predictions(), clock));
      resources.push(http);
      new RestV2Routes(
              inference, ScorerApp.SERVER_NAME, ScorerApp.appVersion(), metrics.inferenceListener())
          .register(http);
    }
    if (config.getInt(ScorerConfig.GRPC_PORT) >= 0) {
      grpc =
          GrpcInferenceServer.start(
              settings.grpc(),
              inference,
              ScorerApp.SERVER_NAME,
              ScorerApp::appVersion,
              metrics.inferenceListener());
      resources.push(grpc);
    }
  }
}

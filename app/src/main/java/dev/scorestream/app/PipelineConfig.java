package dev.scorestream.app;

import dev.scorestream.codec.WireFormatDecoder;
import dev.scorestream.codec.WireFormatEncoder;
import dev.scorestream.config.ScorerConfig;
import dev.scorestream.drift.DriftThresholds;
import dev.scorestream.enrichment.EnrichmentSpec;
import dev.scorestream.evolution.ServingModel;
import dev.scorestream.feedback.TrainingExamples;
import dev.scorestream.registry.RegistrySettings;
import dev.scorestream.registry.SchemaRegistryClient;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.security.RegistryAccess;
import dev.scorestream.topology.SchemaChangeListener;
import dev.scorestream.topology.SchemaFetcher;
import dev.scorestream.topology.ScoringTopology;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.avro.Schema;
import org.apache.kafka.common.config.ConfigException;

/**
 * What a configuration means for the pipeline: its reader schema, registry client settings, drift
 * thresholds and analytics settings. Anything that does not fit names the key it came from.
 */
final class PipelineConfig {

  private PipelineConfig() {}

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

  /** The enrichment spec of {@code enrichment.spec.path}, or none. */
  static EnrichmentSpec enrichment(ScorerConfig config, Schema reader) {
    String path = config.getString(ScorerConfig.ENRICHMENT_SPEC_PATH);
    if (path.isEmpty()) {
      return EnrichmentSpec.none(reader);
    }
    try {
      return EnrichmentSpec.read(Path.of(path), reader);
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigException(ScorerConfig.ENRICHMENT_SPEC_PATH, path, e.getMessage());
    }
  }

  static RegistrySettings registrySettings(ScorerConfig config) {
    RegistrySettings settings =
        RegistrySettings.of(config.getString(ScorerConfig.REGISTRY_URL))
            .withRequestTimeout(config.getDuration(ScorerConfig.REGISTRY_TIMEOUT))
            .withRetries(
                config.getInt(ScorerConfig.REGISTRY_MAX_ATTEMPTS),
                config.getDuration(ScorerConfig.REGISTRY_BACKOFF),
                config.getDuration(ScorerConfig.REGISTRY_BACKOFF_MAX))
            .withCacheSize(config.getInt(ScorerConfig.REGISTRY_CACHE_SIZE))
            .withUnknownIdTtl(config.getDuration(ScorerConfig.REGISTRY_UNKNOWN_ID_CACHE))
            .withMaxResponseBytes(config.getInt(ScorerConfig.REGISTRY_MAX_RESPONSE_BYTES));
    try {
      return RegistryAccess.fromConfig(config).applyTo(settings, RegistryAccess::configKey);
    } catch (RegistryAccess.InvalidSetting e) {
      throw new ConfigException(e.getMessage());
    }
  }

  /**
   * Drift and feedback as configured; registers their output schemas.
   *
   * @param reader the schema the features see: the enriched schema when there are reference tables
   */
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
              () -> new WireFormatEncoder(Contracts.driftReport(), schemaId),
              registry);
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
              // The join runs on the input's tasks: labels (and snapshots of events that are not
              // on their labels' partition) are repartitioned by event id to as many partitions.
              partitions.getOrDefault(config.getString(ScorerConfig.TOPIC_EVENTS), 1),
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

  /**
   * What a schema change is analysed against.
   *
   * @param reader the schema events are decoded onto (not enriched)
   * @param models the serving models, as they are at each analysis
   */
  record Served(Schema reader, Supplier<List<ServingModel>> models) {}

  /**
   * Schema-change reporting as configured, or null when off; registers the SchemaChange schema.
   *
   * @param reported the keys the topic already holds
   * @param listener the schema-change metrics
   */
  static ScoringTopology.SchemaChangeSettings schemaChanges(
      ScorerConfig config,
      SchemaRegistryClient registry,
      Served served,
      Set<String> reported,
      SchemaChangeListener listener) {
    if (!config.getBoolean(ScorerConfig.SCHEMA_CHANGES_ENABLED)) {
      return null;
    }
    String topic = config.getString(ScorerConfig.TOPIC_SCHEMA_CHANGES);
    int schemaId = registry.register(topic + "-value", Contracts.schemaChange());
    Duration poll = config.getDuration(ScorerConfig.SCHEMA_CHANGES_POLL_INTERVAL);
    return new ScoringTopology.SchemaChangeSettings(
        topic,
        eventsSubject(config),
        config.getString(ScorerConfig.TOPIC_LABELS) + "-value",
        poll,
        tick(poll),
        served.reader(),
        served.models(),
        () -> SchemaFetcher.of(registry),
        () -> new WireFormatEncoder(Contracts.schemaChange(), schemaId),
        instanceName(config),
        reported,
        listener);
  }

  /** How often the schema-change task picks up registry answers, at most. */
  static final Duration TICK = Duration.ofSeconds(1);

  /** Every second, or as often as the registry is polled when that is more often. */
  static Duration tick(Duration pollInterval) {
    return pollInterval.isZero() || pollInterval.compareTo(TICK) > 0 ? TICK : pollInterval;
  }

  /** The events' registry subject: {@code schema.changes.subject}, or {@code <topic>-value}. */
  static String eventsSubject(ScorerConfig config) {
    String subject = config.getString(ScorerConfig.SCHEMA_CHANGES_SUBJECT);
    return subject.isEmpty() ? config.getString(ScorerConfig.TOPIC_EVENTS) + "-value" : subject;
  }

  /** This instance's name in reports: {@code instance.id}, else application id and process id. */
  static String instanceName(ScorerConfig config) {
    String instance = config.getString(ScorerConfig.INSTANCE_ID);
    return instance.isEmpty()
        ? config.getString(ScorerConfig.APPLICATION_ID) + "-pid" + ProcessHandle.current().pid()
        : instance;
  }

  static ScoringTopology.Batching batching(ScorerConfig config) {
    return new ScoringTopology.Batching(
        ScoringTopology.Batching.Mode.valueOf(
            config.getString(ScorerConfig.SCORING_BATCH).toUpperCase(java.util.Locale.ROOT)),
        config.getInt(ScorerConfig.SCORING_BATCH_MAX_RECORDS),
        config.getDuration(ScorerConfig.SCORING_BATCH_MAX_WAIT));
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
}

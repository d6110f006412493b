package dev.scorestream.topology;

import dev.scorestream.codec.WireFormatDecoder;
import dev.scorestream.codec.WireFormatEncoder;
import dev.scorestream.drift.DriftThresholds;
import dev.scorestream.enrichment.Enricher;
import dev.scorestream.enrichment.EnrichmentSpec;
import dev.scorestream.features.FeatureExtractor;
import dev.scorestream.feedback.TrainingExamples;
import dev.scorestream.model.ModelArtifact;
import dev.scorestream.model.ModelScorer;
import dev.scorestream.registry.SchemaLookup;
import dev.scorestream.registry.SchemaNotFoundException;
import dev.scorestream.samples.SampleSchemas;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.serving.ActiveModel;
import dev.scorestream.serving.EventScorer;
import dev.scorestream.serving.Health;
import dev.scorestream.serving.PredictionBuilder;
import dev.scorestream.validation.RecordValidator;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.Schema;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.BytesDeserializer;
import org.apache.kafka.common.serialization.BytesSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;

/** Builds the scoring topology over an in-memory schema map for TopologyTestDriver tests. */
public final class TopologyFixture {

  public static final int READER_ID = 1;
  static final int EVOLVED_ID = 2;
  static final int WALLET_ID = 3;
  static final int PREDICTION_ID = 10;
  static final Duration LABEL_WAIT = Duration.ofSeconds(30);
  static final int DRIFT_ID = 20;
  static final int PERFORMANCE_ID = 21;
  static final int TRAINING_ID = 22;
  static final int LABEL_ID = 23;
  static final int SCHEMA_CHANGE_ID = 24;

  /** A writer without amount, which the reader gives no default: none of its events decodes. */
  static final int NO_AMOUNT_ID = 4;

  public static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
  public static final Schema READER = Contracts.paymentEvent();

  static final Schema TRAINING = new TrainingExamples(READER).schema();

  static final Map<Integer, Schema> SCHEMAS =
      Map.ofEntries(
          Map.entry(NO_AMOUNT_ID, SampleSchemas.without(READER, "amount")),
          Map.entry(SCHEMA_CHANGE_ID, Contracts.schemaChange()),
          Map.entry(READER_ID, READER),
          Map.entry(EVOLVED_ID, SampleSchemas.evolved()),
          Map.entry(WALLET_ID, SampleSchemas.walletChannel()),
          Map.entry(PREDICTION_ID, Contracts.prediction()),
          Map.entry(DRIFT_ID, Contracts.driftReport()),
          Map.entry(PERFORMANCE_ID, Contracts.performanceReport()),
          Map.entry(TRAINING_ID, TRAINING),
          Map.entry(LABEL_ID, Contracts.labelFeedback()));

  static final SchemaLookup REGISTRY =
      id -> {
        Schema schema = SCHEMAS.get(id);
        if (schema == null) {
          throw new SchemaNotFoundException(id, "schema id " + id + " is not registered");
        }
        return schema;
      };

  final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

  /** Output limits and header policy of the topologies this fixture builds. */
  OutputGuards guards = OutputGuards.unlimited();

  /** Reference tables the topologies this fixture builds enrich with, or null. */
  EnrichmentSpec enrichment;

  /** Micro-batching of the topologies this fixture builds. */
  ScoringTopology.Batching batching = ScoringTopology.Batching.DEFAULT;

  final Health health = new Health();
  final ActiveModel model;

  public TopologyFixture(ModelArtifact artifact) {
    this.model = new ActiveModel(new ModelScorer(artifact));
  }

  Topology topology(SchemaLookup registry) {
    return topology(registry, OutcomeListener.NONE);
  }

  Topology topology(SchemaLookup registry, OutcomeListener listener) {
    return topology(registry, listener, ScoringTopology.Analytics.NONE);
  }

  /**
   * Drift and feedback on: 1-minute drift windows with 10 s grace, 1-minute label windows, 1 h
   * retention, labels wait 30 s (wall clock) for a prediction.
   */
  static ScoringTopology.Analytics analytics(DriftThresholds thresholds) {
    return analytics(thresholds, Duration.ZERO);
  }

  /**
   * @param checkpointInterval drift.checkpoint.interval (zero: at every commit)
   */
  static ScoringTopology.Analytics analytics(
      DriftThresholds thresholds, Duration checkpointInterval) {
    return analytics(thresholds, checkpointInterval, Duration.ZERO);
  }

  /**
   * @param idleTimeout drift.idle.timeout (zero, as in the other fixtures: event time only)
   */
  static ScoringTopology.Analytics analytics(
      DriftThresholds thresholds, Duration checkpointInterval, Duration idleTimeout) {
    return analytics(thresholds, checkpointInterval, idleTimeout, 1);
  }

  /**
   * @param partitions partitions of the input as the join sees them: with more than one, the
   *     snapshots whose event id hashes elsewhere than partition 0 travel through the repartition
   *     topic (the driver runs every task as partition 0)
   */
  static ScoringTopology.Analytics analytics(
      DriftThresholds thresholds,
      Duration checkpointInterval,
      Duration idleTimeout,
      int partitions) {
    return analytics(thresholds, checkpointInterval, idleTimeout, partitions, TRAINING);
  }

  /**
   * @param training the training examples' schema (an enriching pipeline's embeds the enriched
   *     schema), written under {@link #TRAINING_ID}
   */
  static ScoringTopology.Analytics analytics(
      DriftThresholds thresholds,
      Duration checkpointInterval,
      Duration idleTimeout,
      int partitions,
      Schema training) {
    return new ScoringTopology.Analytics(
        new ScoringTopology.DriftSettings(
            "events.drift",
            Duration.ofMinutes(1),
            Duration.ofSeconds(10),
            Duration.ofSeconds(1),
            checkpointInterval,
            idleTimeout,
            thresholds,
            () -> new WireFormatEncoder(Contracts.driftReport(), DRIFT_ID),
            REGISTRY),
        new ScoringTopology.FeedbackSettings(
            "events.labels",
            "events.performance",
            "events.training",
            partitions,
            Duration.ofHours(1),
            LABEL_WAIT,
            Duration.ofMinutes(1),
            Duration.ofSeconds(10),
            Duration.ofSeconds(1),
            idleTimeout,
            () -> new WireFormatDecoder(Contracts.labelFeedback(), REGISTRY),
            () -> new WireFormatEncoder(Contracts.performanceReport(), PERFORMANCE_ID),
            () -> new WireFormatEncoder(training, TRAINING_ID)));
  }

  /** An input topic of bytes keys and values. */
  static TestInputTopic<Bytes, byte[]> input(TopologyTestDriver driver, String topic) {
    return driver.createInputTopic(topic, new BytesSerializer(), new ByteArraySerializer());
  }

  /** An output topic of bytes keys and values. */
  static TestOutputTopic<Bytes, byte[]> output(TopologyTestDriver driver, String topic) {
    return driver.createOutputTopic(topic, new BytesDeserializer(), new ByteArrayDeserializer());
  }

  TopologyTestDriver driver(ScoringTopology.Analytics analytics, OutcomeListener listener) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "scoring-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    return new TopologyTestDriver(topology(REGISTRY, listener, analytics), props, NOW);
  }

  Topology topology(
      SchemaLookup registry, OutcomeListener listener, ScoringTopology.Analytics analytics) {
    Enricher enricher =
        enrichment == null
            ? null
            : new Enricher(enrichment, READER.getFields().size(), registry, listener.enrichment());
    FeatureExtractor extractor =
        FeatureExtractor.forSchema(enricher == null ? READER : enrichment.enrichedSchema());
    EventScorer scorer =
        new EventScorer(RecordValidator.forSchema(READER), extractor, model, enricher);
    ScoringTopology.Settings settings =
        new ScoringTopology.Settings(
            Topic.bytes("events"),
            Topic.bytes("events.predictions"),
            Topic.bytes("events.dlq"),
            "test-app",
            Duration.ofSeconds(2),
            null,
            guards,
            batching);
    ScoringTopology.Codecs codecs =
        new ScoringTopology.Codecs(
            () -> new WireFormatDecoder(READER, registry),
            () -> new WireFormatEncoder(Contracts.prediction(), PREDICTION_ID));
    PredictionBuilder predictions =
        new PredictionBuilder(Contracts.prediction(), READER, "event_id", "event_time");
    return ScoringTopology.build(
        settings,
        new ScoringTopology.Collaborators(codecs, scorer, predictions, health, clock, listener),
        analytics);
  }

  TopologyTestDriver driver() {
    return driver(REGISTRY);
  }

  public TopologyTestDriver driver(OutcomeListener listener) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "scoring-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    return new TopologyTestDriver(topology(REGISTRY, listener), props, NOW);
  }

  TopologyTestDriver driver(SchemaLookup registry) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "scoring-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    return new TopologyTestDriver(topology(registry), props, NOW);
  }

  public static Bytes key(String key) {
    return Bytes.wrap(key.getBytes(StandardCharsets.UTF_8));
  }
}

package dev.scorestream.topology;

import dev.scorestream.codec.WireFormatDecoder;
import dev.scorestream.codec.WireFormatEncoder;
import dev.scorestream.codec.WriterCounts;
import dev.scorestream.drift.DefaultedFeatures;
import dev.scorestream.drift.DriftPartial;
import dev.scorestream.drift.DriftReports;
import dev.scorestream.drift.DriftThresholds;
import dev.scorestream.enrichment.EnrichmentSpec;
import dev.scorestream.evolution.ServingModel;
import dev.scorestream.model.ModelScorer;
import dev.scorestream.registry.SchemaLookup;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.serving.EventScorer;
import dev.scorestream.serving.Health;
import dev.scorestream.serving.Outcome;
import dev.scorestream.serving.PredictionBuilder;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.avro.Schema;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * The scoring topology, a pure function of its settings and collaborators.
 *
 * <pre>
 *   events (Bytes, wire-format Avro bytes)
 *     [-> keyed by entity -> [entity repartition] -> own key, headers, coordinates back]
 *         (only with entity features, when the events topic is not keyed by the entity)
 *     -> score: decode, sanitize, rules, reference rows, entity features (read, then record),
 *               features, predict                                              => Outcome
 *              (predict in micro-batches for native models, flushed before every commit)
 *     -> split
 *          rejected -> dead-letter headers -> events.dlq (original key, value, headers, timestamp)
 *          scored   -> events.predictions (same key, the Prediction wire-format bytes it carries)
 *                   -> drift partials (per task, per window) -> [1 partition] -> merge -> events.drift
 *                   -> prediction snapshots, keyed by event id -> [labels' partitions] --+
 *   events.labels -> decode/check -> invalid -> events.dlq                                |
 *                                 -> valid, keyed by event id -> [same partitions] --- join (store, retention)
 *                                         -> matched -> events.training (TrainingExample)
 *                                         -> all     -> performance partials -> [1 partition] -> merge -> events.performance
 *   events, events.labels -> first record per writer schema id -> [1 partition] -> report once -> schema-changes
 *                                                                 (SchemaChangeTopology)
 * </pre>
 */
public final class ScoringTopology {

  static final String SCORE = "score";
  static final String SCORE_BATCH_STORE = "score-batch";
  static final String DEAD_LETTER = "dead-letter-headers";
  static final String DRIFT_PARTIALS_STORE = "drift-partials";
  static final String DRIFT_WINDOWS_STORE = "drift-windows";

  /** The feedback join's snapshot store, which the app tunes as write-once (FIFO) RocksDB. */
  public static final String FEEDBACK_STORE = "feedback-snapshots";

  static final String LABEL_WAIT_STORE = "feedback-waiting-labels";
  static final String PERFORMANCE_PARTIALS_STORE = "performance-partials";
  static final String PERFORMANCE_WINDOWS_STORE = "performance-windows";

  /**
   * Writes a Scored outcome as the Prediction bytes it already carries (the prediction sink's value
   * serde).
   */
  static final Serde<Outcome> PREDICTION_BYTES =
      Serdes.serdeFrom(
          (topic, outcome) -> outcome == null ? null : ((Outcome.Scored) outcome).prediction(),
          (topic, bytes) -> {
            throw new UnsupportedOperationException("predictions are only written here");
          });

  private ScoringTopology() {}

  /**
   * @param events input topic
   * @param predictions output topic of scored events
   * @param deadLetters dead-letter topic
   * @param appVersion written into every dead letter
   * @param outageMaxBlock how long a task waits for an unreachable registry before its thread
   *     restarts
   * @param streamsConfig the Kafka Streams properties the topology will run with (topology-level
   *     settings such as the processing exception handler are read from them), or null for Kafka's
   *     defaults
   * @param guards output size limits, refused outputs, prediction header policy
   * @param batching micro-batching of the model call
   */
  public record Settings(
      Topic<Bytes, byte[]> events,
      Topic<Bytes, byte[]> predictions,
      Topic<Bytes, byte[]> deadLetters,
      String appVersion,
      Duration outageMaxBlock,
      Properties streamsConfig,
      OutputGuards guards,
      Batching batching) {}

  /**
   * Micro-batching of the model call. A stream task holds the valid records it has prepared
   * (decoded, sanitized, checked, features built) and predicts them in one call when {@code
   * maxRecords} are waiting, when the oldest has waited {@code maxWait} (wall clock), and always
   * before the task commits, so the committed offsets never cover a record whose outputs are not in
   * the same transaction.
   *
   * @param mode {@code AUTO}: only models behind a native library ({@link
   *     ModelScorer#batchHungry}); {@code ON}: every model; {@code OFF}: one record at a time
   */
  public record Batching(Mode mode, int maxRecords, Duration maxWait) {

    public enum Mode {
      AUTO,
      ON,
      OFF
    }

    public static final Batching DEFAULT = new Batching(Mode.AUTO, 256, Duration.ofMillis(20));

    public Batching {
      if (maxRecords < 1) {
        throw new IllegalArgumentException("maxRecords must be at least 1, not " + maxRecords);
      }
      if (maxWait.isNegative() || maxWait.isZero()) {
        throw new IllegalArgumentException("maxWait must be positive, not " + maxWait);
      }
    }

    /** Whether records for {@code model} wait for a batch. */
    boolean batches(ModelScorer model) {
      return possible() && (mode == Mode.ON || model.batchHungry());
    }

    /** Whether any model could be batched (the topology then keeps its commit hook). */
    boolean possible() {
      return mode != Mode.OFF && maxRecords > 1;
    }
  }

  /**
   * Per-task codecs: each stream task gets its own decoder (registry-backed, resolving writer
   * schemas onto the reader schema) and its own Prediction encoder (the registered Prediction
   * schema id). The scoring processor's decoder counts the events it decodes per writer schema into
   * {@code eventCounts}.
   */
  public record Codecs(
      Supplier<WireFormatDecoder> decoders,
      Supplier<WireFormatEncoder> predictionEncoders,
      WriterCounts eventCounts) {

    /** Codecs that count nothing. */
    public Codecs(
        Supplier<WireFormatDecoder> decoders, Supplier<WireFormatEncoder> predictionEncoders) {
      this(decoders, predictionEncoders, WriterCounts.NONE);
    }
  }

  /**
   * Windowed drift against the serving model's baseline.
   *
   * @param flushInterval how often each task sends its partial aggregates to the merger
   * @param checkpointInterval zero: each task changelogs its partials at every commit (exact after
   *     a crash); longer: that often (fewer partitions per transaction, a crash loses up to that
   *     much drift data)
   * @param idleTimeout after this long without partials the merger's clock follows the wall clock,
   *     so a quiet stream's windows still close (zero: event time only)
   * @param reportEncoders DriftReport encoders (registered schema id), one per merger task
   * @param writers writer schemas by id, to count a value the reader's default filled in (its
   *     writer lacks the field) as missing; null: every value counts as observed
   */
  public record DriftSettings(
      String topic,
      Duration window,
      Duration grace,
      Duration flushInterval,
      Duration checkpointInterval,
      Duration idleTimeout,
      DriftThresholds thresholds,
      Supplier<WireFormatEncoder> reportEncoders,
      SchemaLookup writers) {}

  /**
   * The feedback join: labels with stored predictions, live performance, training examples.
   *
   * @param partitions partitions of the input topic: labels are repartitioned by event id to as
   *     many, and so are prediction snapshots that are not on their labels' partition already
   * @param retention how long a prediction waits for its label
   * @param labelWait how long a label that found no prediction waits for it before it counts as
   *     unmatched
   * @param idleTimeout as {@link DriftSettings#idleTimeout}, for the performance windows
   */
  public record FeedbackSettings(
      String labelsTopic,
      String performanceTopic,
      String trainingTopic,
      int partitions,
      Duration retention,
      Duration labelWait,
      Duration window,
      Duration grace,
      Duration flushInterval,
      Duration idleTimeout,
      Supplier<WireFormatDecoder> labelDecoders,
      Supplier<WireFormatEncoder> performanceEncoders,
      Supplier<WireFormatEncoder> trainingEncoders) {}

  /**
   * Schema-change detection and reporting ({@code docs/schema-changes.md}).
   *
   * @param topic the compacted topic each change is reported to once, keyed {@code subject/id}
   * @param eventsSubject the registry subject of the events' writer schemas: polled, and the
   *     "previous writer" of a new one is the version before it there
   * @param labelsSubject the same for labels (not polled)
   * @param pollInterval how often the events subject's versions are listed; zero: never
   * @param tick how often the reporting task picks up registry answers
   * @param reader the schema events are decoded onto (not enriched)
   * @param models the serving models at the time of an analysis
   * @param fetchers registry reads off the stream thread, one per reporting task
   * @param encoders SchemaChange encoders (its registered schema id)
   * @param reportedBy this instance's name, written into each report
   * @param alreadyReported keys the topic held at start-up: not reported again even when the task's
   *     state is gone
   */
  public record SchemaChangeSettings(
      String topic,
      String eventsSubject,
      String labelsSubject,
      Duration pollInterval,
      Duration tick,
      Schema reader,
      Supplier<List<ServingModel>> models,
      Supplier<SchemaFetcher> fetchers,
      Supplier<WireFormatEncoder> encoders,
      String reportedBy,
      Set<String> alreadyReported,
      SchemaChangeListener listener) {

    public SchemaChangeSettings {
      alreadyReported = Set.copyOf(alreadyReported);
      if (tick.isNegative() || tick.isZero()) {
        throw new IllegalArgumentException("tick must be positive, not " + tick);
      }
    }
  }

  /** The optional parts: drift, feedback and schema changes (each may be null: off). */
  public record Analytics(
      DriftSettings drift, FeedbackSettings feedback, SchemaChangeSettings schemaChanges) {
    public static final Analytics NONE = new Analytics(null, null, null);

    public Analytics(DriftSettings drift, FeedbackSettings feedback) {
      this(drift, feedback, null);
    }
  }

  /**
   * What the topology calls into: per-task codecs, the scoring core, the prediction writer, the
   * health that a registry outage marks, the clock, and the listener every outcome is reported to
   * (metrics).
   */
  public record Collaborators(
      Codecs codecs,
      EventScorer scorer,
      PredictionBuilder predictions,
      Health health,
      Clock clock,
      OutcomeListener listener) {}

  /** The whole pipeline: scoring, dead letters, and the analytics that are switched on. */
  public static Topology build(Settings settings, Collaborators with, Analytics analytics) {
    EventScorer scorer = with.scorer();
    StreamsBuilder builder =
        settings.streamsConfig() == null
            ? new StreamsBuilder()
            : new StreamsBuilder(new TopologyConfig(new StreamsConfig(settings.streamsConfig())));
    EnrichmentSpec.Entity entity = null;
    if (scorer.enricher() != null) {
      ContextStores.add(builder, scorer.enricher().spec());
      entity = scorer.enricher().spec().entity().orElse(null);
    }
    // The scoring processor's store holds nothing: it exists for its commit hook, which scores and
    // writes the records a batch holds before the task commits. It is the first store of the
    // subtopology, so its hook runs before the drift aggregator's, which then sees those records
    // in the same commit.
    String[] scoreStores = {};
    if (settings.batching().possible()) {
      builder.addStateStore(
          CommitHookStore.wrap(
              Stores.keyValueStoreBuilder(
                      Stores.inMemoryKeyValueStore(SCORE_BATCH_STORE),
                      Serdes.String(),
                      Serdes.ByteArray())
                  .withLoggingDisabled()));
      scoreStores = new String[] {SCORE_BATCH_STORE};
    }
    KStream<Bytes, byte[]> events =
        builder.stream(settings.events().name(), settings.events().consumed());
    SchemaChangeTopology schemaChanges =
        analytics.schemaChanges() == null
            ? null
            : new SchemaChangeTopology(builder, analytics.schemaChanges());
    if (schemaChanges != null) {
      schemaChanges.watchEvents(events, settings.events().name());
    }
    if (entity != null) {
      builder.addStateStore(ContextStores.histories(entity));
      scoreStores = Arrays.copyOf(scoreStores, scoreStores.length + 1);
      scoreStores[scoreStores.length - 1] = entity.store();
      if (!entity.keyedInput()) {
        events = byEntity(events, entity, settings, with);
      }
    }
    KStream<Bytes, Outcome> outcomes =
        events.processValues(
            () -> new ScoringProcessor(settings, with), Named.as(SCORE), scoreStores);

    Map<String, KStream<Bytes, Outcome>> branches =
        outcomes
            .split(Named.as("outcome-"))
            .branch((key, outcome) -> outcome instanceof Outcome.Scored, Branched.as("scored"))
            .defaultBranch(Branched.as("rejected"));

    // The scored branch feeds the prediction sink and the analytics directly, with no mapValues
    // nodes in between: every node that replaces the value copies the record and its headers (about
    // 4% of the stream thread in the benchmark profile).
    KStream<Bytes, Outcome> scored = branches.get("outcome-scored");
    scored.to(
        settings.predictions().name(),
        Produced.with(settings.predictions().keySerde(), PREDICTION_BYTES));

    branches
        .get("outcome-rejected")
        .process(
            () -> new DeadLetterProcessor(settings, with.clock(), with.listener()),
            Named.as(DEAD_LETTER))
        .to(settings.deadLetters().name(), settings.deadLetters().produced());

    @SuppressWarnings("unchecked") // the branch holds nothing but Scored outcomes
    KStream<Bytes, Outcome.Scored> scoredEvents =
        (KStream<Bytes, Outcome.Scored>) (KStream<Bytes, ?>) scored;
    if (analytics.drift() != null) {
      addDrift(builder, scoredEvents, analytics.drift(), with);
    }
    if (analytics.feedback() != null) {
      new FeedbackTopology(builder, analytics.feedback(), settings, with, schemaChanges)
          .add(scoredEvents);
    }
    if (schemaChanges != null) {
      schemaChanges.report(settings.appVersion());
    }
    return builder.build();
  }

  /**
   * Each entity's events on one task: keyed by the entity through a repartition topic with as many
   * partitions as the events topic, then given back their own key, headers and coordinates.
   */
  private static KStream<Bytes, byte[]> byEntity(
      KStream<Bytes, byte[]> events,
      EnrichmentSpec.Entity entity,
      Settings settings,
      Collaborators with) {
    return events
        .process(
            () ->
                new EntityRepartition.Keyer(
                    EntityRepartition.keyDecoder(with.codecs().decoders().get(), entity),
                    entity,
                    new RegistryWait(with.health(), with.clock(), settings.outageMaxBlock())),
            Named.as(entity.store() + "-key"))
        .repartition(
            Repartitioned.with(Serdes.Bytes(), Serdes.ByteArray()).withName(entity.store()))
        .process(EntityRepartition.Restorer::new, Named.as(entity.store() + "-source"));
  }

  private static void addDrift(
      StreamsBuilder builder,
      KStream<Bytes, Outcome.Scored> scored,
      DriftSettings drift,
      Collaborators with) {
    EventScorer scorer = with.scorer();
    OutcomeListener listener = with.listener();
    DefaultedFeatures defaulted =
        drift.writers() == null
            ? null
            : new DefaultedFeatures(
                scorer.extractor().fields(),
                with.codecs().decoders().get().readerSchema(),
                drift.writers());
    DriftWindows spec =
        new DriftWindows(drift.window(), drift.grace(), scorer.extractor().fields(), defaulted);
    Supplier<PartialMerger.Reporter<DriftPartial>> reporters =
        () -> {
          DriftReports reports =
              new DriftReports(
                  Contracts.driftReport(), scorer.extractor().fields(), drift.thresholds());
          WireFormatEncoder encoder = drift.reportEncoders().get();
          return new PartialMerger.Reporter<>() {
            @Override
            public KeyValue<Bytes, byte[]> report(
                long start, long end, String version, DriftPartial merged, long late) {
              DriftReports.Report report =
                  reports.build(
                      start,
                      end,
                      version,
                      merged,
                      scorer
                          .model()
                          .byVersion(version)
                          .map(m -> m.artifact().baseline())
                          .orElse(null),
                      late);
              listener.drift(report.summary());
              return KeyValue.pair(
                  WindowedReports.windowKey(start), encoder.encode(report.record()));
            }

            @Override
            public void late(long records) {
              listener.driftLate(records);
            }
          };
        };
    new WindowedReports<>(
            spec,
            DRIFT_PARTIALS_STORE,
            DRIFT_WINDOWS_STORE,
            new WindowedReports.Timing(
                drift.flushInterval(), drift.checkpointInterval(), drift.idleTimeout()))
        .add(builder, scored, reporters)
        .to(drift.topic(), Produced.with(Serdes.Bytes(), Serdes.ByteArray()));
  }
}

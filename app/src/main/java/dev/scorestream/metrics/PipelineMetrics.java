package dev.scorestream.metrics;

import dev.scorestream.drift.DriftReports;
import dev.scorestream.drift.DriftStatus;
import dev.scorestream.drift.FeatureDrift;
import dev.scorestream.enrichment.Enricher;
import dev.scorestream.enrichment.EnrichmentSpec;
import dev.scorestream.enrichment.EntityHistory;
import dev.scorestream.feedback.FeedbackResult;
import dev.scorestream.feedback.PerformanceReports;
import dev.scorestream.inference.InferenceListener;
import dev.scorestream.model.ModelScorer;
import dev.scorestream.registry.SchemaRegistryClient;
import dev.scorestream.schemas.Reason;
import dev.scorestream.serving.ActiveModel;
import dev.scorestream.serving.Health;
import dev.scorestream.topology.OutcomeListener;
import dev.scorestream.topology.OutcomeListener.BatchTrigger;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The scorer's meters. Counters and timers are created once (no per-record lookups); tags are
 * low-cardinality: outcome, reason, model role and version.
 */
public final class PipelineMetrics implements OutcomeListener, AutoCloseable {

  private final MeterRegistry registry;
  private final Counter predictions;
  private final Map<Reason, Counter> deadLetters = new EnumMap<>(Reason.class);
  private final Timer scoring;
  private final Timer endToEnd;
  private final MultiGauge modelInfo;
  private final List<AutoCloseable> binders = new ArrayList<>();
  private final List<Object> stateKeptAlive = new ArrayList<>();

  /** PSI and Jensen-Shannon distance per feature. */
  private final Map<String, double[]> driftGauges = new java.util.concurrent.ConcurrentHashMap<>();

  private final Map<String, AtomicReference<DriftStatus>> driftStatuses =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final AtomicReference<DriftStatus> overallStatus = new AtomicReference<>();

  /** Live accuracy, baseline accuracy, live log loss. */
  private final double[] live = {Double.NaN, Double.NaN, Double.NaN};

  private final Map<String, Counter> labels = new java.util.concurrent.ConcurrentHashMap<>();

  private final Map<String, Map<Enricher.Found, Counter>> lookups =
      new java.util.concurrent.ConcurrentHashMap<>();

  private final Map<String, Map<EntityHistory.Recorded, Counter>> histories =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** Records per micro-batch model call, by trigger. */
  private final Map<BatchTrigger, DistributionSummary> batches = new EnumMap<>(BatchTrigger.class);

  private final Counter driftWindows;
  private final Counter driftLate;

  public PipelineMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.predictions =
        Counter.builder("scorer.records")
            .tag("outcome", "prediction")
            .description("Input records by outcome")
            .register(registry);
    for (Reason reason : Reason.values()) {
      deadLetters.put(
          reason,
          Counter.builder("scorer.records")
              .tag("outcome", "dead_letter")
              .tag("reason", reason.name())
              .description("Input records by outcome")
              .register(registry));
    }
    this.scoring =
        Timer.builder("scorer.scoring.latency")
            .description("Decode, rules, features, predict and encode, per scored record")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofNanos(1_000))
            .maximumExpectedValue(Duration.ofSeconds(1))
            .register(registry);
    this.endToEnd =
        Timer.builder("scorer.end.to.end.latency")
            .description("Input record timestamp to prediction, per scored record")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofMinutes(10))
            .register(registry);
    for (BatchTrigger trigger : BatchTrigger.values()) {
      batches.put(
          trigger,
          DistributionSummary.builder("scorer.scoring.batch.records")
              .description(
                  "Records per micro-batch model call, by what closed the batch: full, wait (its"
                      + " oldest record waited scoring.batch.max.wait), commit, model (a swap to a"
                      + " model that is not batched)")
              .tag("trigger", trigger.name().toLowerCase(java.util.Locale.ROOT))
              .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)
              .register(registry));
    }
    this.driftWindows =
        Counter.builder("scorer.drift.windows")
            .description("Drift windows closed and reported (per model version)")
            .register(registry);
    this.driftLate =
        Counter.builder("scorer.drift.late.events")
            .description("Scored events that arrived after their drift window closed")
            .register(registry);
    this.modelInfo =
        MultiGauge.builder("scorer.model.info")
            .description("1 for each serving model, tagged with role and version")
            .register(registry);
  }

  @Override
  public void scored(long scoringNanos, long endToEndMillis) {
    predictions.increment();
    scoring.record(scoringNanos, TimeUnit.NANOSECONDS);
    endToEnd.record(endToEndMillis, TimeUnit.MILLISECONDS);
  }

  @Override
  public void rejected(Reason reason) {
    deadLetters.get(reason).increment();
  }

  /** Lookups counters of every reference table, by what they found (before the first lookup). */
  public void bindEnrichment(EnrichmentSpec spec) {
    for (EnrichmentSpec.Reference reference : spec.references()) {
      Map<Enricher.Found, Counter> byFound = new EnumMap<>(Enricher.Found.class);
      for (Enricher.Found found : Enricher.Found.values()) {
        byFound.put(
            found,
            Counter.builder("scorer.enrichment.lookups")
                .description(
                    "Reference-table lookups by table and what they found: hit, missing (defaults"
                        + " used, or a REFERENCE_MISSING dead letter when required), undecodable")
                .tag("table", reference.table())
                .tag("found", found.name().toLowerCase(java.util.Locale.ROOT))
                .register(registry));
      }
      lookups.put(reference.table(), byFound);
    }
    spec.entity()
        .ifPresent(
            entity -> {
              Map<EntityHistory.Recorded, Counter> byOutcome =
                  new EnumMap<>(EntityHistory.Recorded.class);
              for (EntityHistory.Recorded recorded : EntityHistory.Recorded.values()) {
                byOutcome.put(
                    recorded,
                    Counter.builder("scorer.enrichment.entity.events")
                        .description(
                            "Events through an entity's history: recorded; late (more than the"
                                + " grace behind the entity's latest event: features cover what"
                                + " the history still held); truncated (max_events dropped the"
                                + " oldest); no_key (default features)")
                        .tag("entity", entity.name())
                        .tag("outcome", recorded.name().toLowerCase(java.util.Locale.ROOT))
                        .register(registry));
              }
              histories.put(entity.name(), byOutcome);
            });
  }

  @Override
  public void reference(String table, Enricher.Found found) {
    lookups.get(table).get(found).increment();
  }

  @Override
  public void entity(String entity, EntityHistory.Recorded recorded) {
    histories.get(entity).get(recorded).increment();
  }

  @Override
  public void batch(int records, BatchTrigger trigger) {
    batches.get(trigger).record(records);
  }

  /** Serving models, challenger agreement, registry and readiness, read when scraped. */
  public PipelineMetrics bindApplication(
      ActiveModel model, SchemaRegistryClient client, Health health, BooleanSupplier ready) {
    // Micrometer holds the state of gauges and function counters weakly; keep it here so a meter
    // never reads NaN because its state was collected (the readiness lambda had no other owner).
    stateKeptAlive.addAll(List.of(model, client, health, ready));
    refreshModels(model);
    FunctionCounter.builder("scorer.challenger.scored", model, ActiveModel::challengerScored)
        .description("Events the challenger scored")
        .register(registry);
    FunctionCounter.builder("scorer.challenger.agreed", model, ActiveModel::challengerAgreed)
        .description("Events where the challenger's label equalled the champion's")
        .register(registry);
    FunctionCounter.builder("scorer.challenger.failed", model, ActiveModel::challengerFailed)
        .description("Events the challenger failed on")
        .register(registry);
    FunctionCounter.builder("scorer.registry.calls", client, c -> c.stats().calls())
        .description("HTTP calls to the schema registry")
        .register(registry);
    FunctionCounter.builder("scorer.registry.errors", client, c -> c.stats().errors())
        .description("Registry calls that got no answer (timeouts, refused, 5xx)")
        .register(registry);
    FunctionCounter.builder("scorer.registry.cache.hits", client, c -> c.stats().cacheHits())
        .description("Schema lookups answered from the cache")
        .register(registry);
    FunctionCounter.builder("scorer.registry.outage.waits", health, Health::registryOutageWaits)
        .description("Times a record waited for an unreachable registry")
        .register(registry);
    Gauge.builder("scorer.registry.reachable", health, h -> h.registryReachable() ? 1 : 0)
        .strongReference(true)
        .description("1 while the schema registry answers")
        .register(registry);
    Gauge.builder("scorer.inference.ready", ready, r -> r.getAsBoolean() ? 1 : 0)
        .strongReference(true)
        .description("1 while the model is loaded and REST and gRPC inference answer")
        .register(registry);
    return this;
  }

  /** Pipeline health gauges, read when scraped. */
  public PipelineMetrics bindPipeline(
      BooleanSupplier healthy, BooleanSupplier brokerReachable, BooleanSupplier stalled) {
    stateKeptAlive.addAll(List.of(healthy, brokerReachable, stalled));
    Gauge.builder("scorer.pipeline.healthy", healthy, h -> h.getAsBoolean() ? 1 : 0)
        .strongReference(true)
        .description(
            "1 while Kafka Streams runs, a broker and the registry answer, and waiting input is"
                + " processed")
        .register(registry);
    Gauge.builder("scorer.broker.reachable", brokerReachable, b -> b.getAsBoolean() ? 1 : 0)
        .strongReference(true)
        .description("1 while a Kafka broker answers the health check")
        .register(registry);
    Gauge.builder("scorer.pipeline.stalled", stalled, s -> s.getAsBoolean() ? 1 : 0)
        .strongReference(true)
        .description("1 while input waits and nothing was processed for health.stall.timeout")
        .register(registry);
    return this;
  }

  /**
   * Open Inference Protocol requests: {@code scorer.inference.latency} (timer, tags {@code
   * protocol}, {@code outcome}) and {@code scorer.inference.rows} (rows scored, tag {@code
   * protocol}). The successful series exist from the start, so dashboards and alerts find them.
   */
  public InferenceListener inferenceListener() {
    for (String protocol : List.of(InferenceListener.REST_V2, InferenceListener.GRPC)) {
      inferenceTimer(protocol, InferenceListener.OK);
      inferenceRows(protocol);
    }
    return (protocol, outcome, rows, nanos) -> {
      inferenceTimer(protocol, outcome).record(nanos, TimeUnit.NANOSECONDS);
      if (rows > 0) {
        inferenceRows(protocol).increment(rows);
      }
    };
  }

  private Timer inferenceTimer(String protocol, String outcome) {
    return Timer.builder("scorer.inference.latency")
        .tag("protocol", protocol)
        .tag("outcome", outcome)
        .description("Open Inference Protocol requests, decode to encoded answer, by outcome")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofNanos(10_000))
        .maximumExpectedValue(Duration.ofSeconds(10))
        .register(registry);
  }

  private Counter inferenceRows(String protocol) {
    return Counter.builder("scorer.inference.rows")
        .tag("protocol", protocol)
        .description("Rows scored by Open Inference Protocol requests")
        .register(registry);
  }

  /** Input records processed so far: predictions and dead letters. */
  public long processed() {
    double total = predictions.count();
    for (Counter counter : deadLetters.values()) {
      total += counter.count();
    }
    return (long) total;
  }

  /** Re-publishes {@code scorer.model.info} after a swap. */
  public void refreshModels(ActiveModel model) {
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    rows.add(row("champion", model.current()));
    model.challenger().ifPresent(challenger -> rows.add(row("challenger", challenger)));
    modelInfo.register(rows, true);
  }

  private static MultiGauge.Row<?> row(String role, ModelScorer scorer) {
    return MultiGauge.Row.of(
        Tags.of("role", role, "name", scorer.name(), "version", scorer.version()), 1);
  }

  /** Kafka Streams client metrics, JVM and process binders; closed with this object. */
  public PipelineMetrics bindRuntime(KafkaStreams streams) {
    KafkaStreamsMetrics kafka = new KafkaStreamsMetrics(streams);
    kafka.bindTo(registry);
    binders.add(kafka);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    binders.add(gc);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    return this;
  }

  /**
   * Registers {@code name} as a state set, as Prometheus models an enum: one gauge per drift status
   * (tag {@code status}), 1 for the status of the last closed window and 0 for the others; all 0
   * until the first window closes.
   */
  private void stateSet(
      String name, String description, Tags tags, AtomicReference<DriftStatus> current) {
    for (DriftStatus status : DriftStatus.values()) {
      Gauge.builder(name, current, c -> c.get() == status ? 1 : 0)
          .tags(tags)
          .tag("status", status.name())
          .strongReference(true)
          .description(description)
          .register(registry);
    }
  }

  /** The tag value of the prediction distribution among the per-feature drift gauges. */
  public static final String PREDICTION_FEATURE = "_prediction";

  /**
   * Drift and live-performance meters: gauges per feature (NaN until the first window closes on
   * this instance; only the instance running the single merger task reports), label and late
   * counters.
   */
  public PipelineMetrics bindAnalytics(List<String> features) {
    List<String> names = new ArrayList<>(features);
    names.add(PREDICTION_FEATURE);
    for (String feature : names) {
      double[] values = {Double.NaN, Double.NaN};
      driftGauges.put(feature, values);
      AtomicReference<DriftStatus> status = new AtomicReference<>();
      driftStatuses.put(feature, status);
      Gauge.builder("scorer.drift.psi", values, v -> v[0])
          .tag("feature", feature)
          .strongReference(true)
          .description("PSI of the last closed drift window against the training baseline")
          .register(registry);
      Gauge.builder("scorer.drift.js", values, v -> v[1])
          .tag("feature", feature)
          .strongReference(true)
          .description("Jensen-Shannon distance of the last closed drift window")
          .register(registry);
      stateSet(
          "scorer.drift.status",
          "Drift status of the last closed window: 1 for the window's status, 0 for the others",
          Tags.of("feature", feature),
          status);
    }
    stateSet(
        "scorer.drift.overall.status",
        "Worst drift status of the last closed window: 1 for that status, 0 for the others",
        Tags.empty(),
        overallStatus);
    Gauge.builder("scorer.live.accuracy", live, v -> v[0])
        .strongReference(true)
        .description("Accuracy of the last closed label window (labels joined with predictions)")
        .register(registry);
    Gauge.builder("scorer.live.baseline.accuracy", live, v -> v[1])
        .strongReference(true)
        .description("Held-out accuracy of the model judged in the last closed label window")
        .register(registry);
    Gauge.builder("scorer.live.log.loss", live, v -> v[2])
        .strongReference(true)
        .description("Log loss of the last closed label window")
        .register(registry);
    for (String result : List.of("matched", "unmatched", "duplicate")) {
      labels.put(
          result,
          Counter.builder("scorer.feedback.labels")
              .tag("result", result)
              .description("Labels by what they met in the prediction store")
              .register(registry));
    }
    return this;
  }

  @Override
  public void drift(DriftReports.Summary summary) {
    driftWindows.increment();
    summary.features().forEach((feature, drift) -> setDrift(feature, drift));
    setDrift(PREDICTION_FEATURE, summary.prediction());
    overallStatus.set(summary.overall());
  }

  private void setDrift(String feature, FeatureDrift drift) {
    double[] values = driftGauges.get(feature);
    if (values != null) {
      values[0] = drift.psi();
      values[1] = drift.jensenShannon();
    }
    AtomicReference<DriftStatus> status = driftStatuses.get(feature);
    if (status != null) {
      status.set(drift.status());
    }
  }

  @Override
  public void driftLate(long events) {
    driftLate.increment(events);
  }

  @Override
  public void label(FeedbackResult result) {
    String kind =
        result instanceof FeedbackResult.Matched
            ? "matched"
            : result instanceof FeedbackResult.Duplicate ? "duplicate" : "unmatched";
    Counter counter = labels.get(kind);
    if (counter != null) {
      counter.increment();
    }
  }

  @Override
  public void performance(PerformanceReports.Summary summary) {
    if (summary.matched() == 0) {
      return;
    }
    live[0] = summary.accuracy() == null ? Double.NaN : summary.accuracy();
    live[1] = summary.baselineAccuracy() == null ? Double.NaN : summary.baselineAccuracy();
    live[2] = summary.logLoss() == null ? Double.NaN : summary.logLoss();
  }

  @Override
  public void deadLetterDegraded(List<String> steps) {
    for (String step : steps) {
      Counter.builder("scorer.dead.letters.degraded")
          .tag("step", step)
          .description(
              "Dead letters cut down to fit their topic, by what was taken out (step: stacktrace,"
                  + " message, value, headers, key)")
          .register(registry)
          .increment();
    }
  }

  @Override
  public void outputSkipped(String output) {
    Counter.builder("scorer.outputs.skipped")
        .tag("output", output)
        .description(
            "Feedback snapshots and training examples left out because they would not fit their"
                + " topic (output: feedback_snapshot, training_example,"
                + " training_example_undecodable)")
        .register(registry)
        .increment();
  }

  /** A store partition was restored from its changelog (after a restart or a task move). */
  public void stateRestored(String store, long records, Duration took) {
    Counter.builder("scorer.state.restored.records")
        .tag("store", store)
        .description(
            "Records restored into local state stores from their changelogs, after a restart or"
                + " a task move")
        .register(registry)
        .increment(records);
    Timer.builder("scorer.state.restore.duration")
        .tag("store", store)
        .description("Time to restore a store partition from its changelog")
        .register(registry)
        .record(took);
  }

  @Override
  public void close() {
    for (AutoCloseable binder : binders) {
      try {
        binder.close();
      } catch (Exception e) {
        // closing a binder only unregisters listeners; nothing to recover
      }
    }
  }
}

package dev.scorestream.metrics;

import dev.scorestream.deadletter.Reason;
import dev.scorestream.model.ModelScorer;
import dev.scorestream.registry.SchemaRegistryClient;
import dev.scorestream.topology.ActiveModel;
import dev.scorestream.topology.Health;
import dev.scorestream.topology.OutcomeListener;
import io.micrometer.core.instrument.Counter;
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

  public PipelineMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.predictions = Counter.builder("scorer.records").tag("outcome", "prediction")
        .description("Input records by outcome").register(registry);
    for (Reason reason : Reason.values()) {
      deadLetters.put(reason, Counter.builder("scorer.records").tag("outcome", "dead_letter")
          .tag("reason", reason.name()).description("Input records by outcome").register(registry));
    }
    this.scoring = Timer.builder("scorer.scoring.latency")
        .description("Decode, rules, features, predict and encode, per scored record")
        .publishPercentiles(0.5, 0.99, 0.999).publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofNanos(1_000)).maximumExpectedValue(Duration.ofSeconds(1))
        .register(registry);
    this.endToEnd = Timer.builder("scorer.end.to.end.latency")
        .description("Input record timestamp to prediction, per scored record")
        .publishPercentiles(0.5, 0.99, 0.999).publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(10))
        .register(registry);
    this.modelInfo = MultiGauge.builder("scorer.model.info")
        .description("1 for each serving model, tagged with role and version").register(registry);
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

  /** Serving models, challenger agreement, registry and readiness, read when scraped. */
  public PipelineMetrics bindApplication(ActiveModel model, SchemaRegistryClient client, Health health,
      BooleanSupplier ready) {
    // Micrometer holds the state of gauges and function counters weakly; keep it here so a meter never
    // reads NaN because its state was collected (the readiness lambda had no other owner).
    stateKeptAlive.addAll(List.of(model, client, health, ready));
    refreshModels(model);
    FunctionCounter.builder("scorer.challenger.scored", model, ActiveModel::challengerScored)
        .description("Events the challenger scored").register(registry);
    FunctionCounter.builder("scorer.challenger.agreed", model, ActiveModel::challengerAgreed)
        .description("Events where the challenger's label equalled the champion's").register(registry);
    FunctionCounter.builder("scorer.challenger.failed", model, ActiveModel::challengerFailed)
        .description("Events the challenger failed on").register(registry);
    FunctionCounter.builder("scorer.registry.calls", client, c -> c.stats().calls())
        .description("HTTP calls to the schema registry").register(registry);
    FunctionCounter.builder("scorer.registry.errors", client, c -> c.stats().errors())
        .description("Registry calls that got no answer (timeouts, refused, 5xx)").register(registry);
    FunctionCounter.builder("scorer.registry.cache.hits", client, c -> c.stats().cacheHits())
        .description("Schema lookups answered from the cache").register(registry);
    FunctionCounter.builder("scorer.registry.outage.waits", health, Health::registryOutageWaits)
        .description("Times a record waited for an unreachable registry").register(registry);
    Gauge.builder("scorer.registry.reachable", health, h -> h.registryReachable() ? 1 : 0).strongReference(true)
        .description("1 while the schema registry answers").register(registry);
    Gauge.builder("scorer.ready", ready, r -> r.getAsBoolean() ? 1 : 0).strongReference(true)
        .description("1 while Kafka Streams is RUNNING and the registry reachable").register(registry);
    return this;
  }

  /** Re-publishes {@code scorer.model.info} after a swap. */
  public void refreshModels(ActiveModel model) {
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    rows.add(row("champion", model.current()));
    model.challenger().ifPresent(challenger -> rows.add(row("challenger", challenger)));
    modelInfo.register(rows, true);
  }

  private static MultiGauge.Row<?> row(String role, ModelScorer scorer) {
    return MultiGauge.Row.of(Tags.of("role", role, "name", scorer.name(), "version", scorer.version()), 1);
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

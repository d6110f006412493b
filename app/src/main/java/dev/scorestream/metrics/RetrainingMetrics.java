package dev.scorestream.metrics;

import dev.scorestream.retraining.ControllerState;
import dev.scorestream.retraining.ModelEvent;
import dev.scorestream.retraining.RetrainingController;
import dev.scorestream.retraining.RetrainingPolicy;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The retraining controller's meters (Prometheus names in docs/retraining-reference.md):
 *
 * <ul>
 *   <li>{@code scorer.retrain.leader}: 1 while this controller holds the lease;
 *   <li>{@code scorer.retrain.phase{phase}}: 1 for the loop's current phase, 0 for the others;
 *   <li>{@code scorer.retrain.decisions{decision, actor}}: records written, registered at 0 so the
 *       first one is an increase;
 *   <li>{@code scorer.retrain.shadow.paired}, {@code scorer.retrain.shadow.p.value}: the shadow's
 *       evidence so far;
 *   <li>{@code scorer.retrain.cause.open.seconds} and {@code ...limit.seconds}: how long a trigger
 *       has waited for an accepted model, and the policy's {@code alerts.noAcceptedModelAfter}.
 * </ul>
 */
public final class RetrainingMetrics implements RetrainingController.Listener {

  static final String[] PHASES = {
    "idle", "training", "gated", "shadowing", "promoting", "watching", "rollingback"
  };

  private final Clock clock;
  private final AtomicLong leader = new AtomicLong();
  private final AtomicReference<String> phase = new AtomicReference<>("standing by");
  private final AtomicReference<Instant> openSince = new AtomicReference<>();
  private final AtomicLong paired = new AtomicLong();
  private final AtomicReference<Double> pValue = new AtomicReference<>(Double.NaN);
  private final Map<ModelEvent.Type, Map<ModelEvent.ActorKind, Counter>> decisions =
      new EnumMap<>(ModelEvent.Type.class);

  public RetrainingMetrics(MeterRegistry registry, RetrainingPolicy policy, Clock clock) {
    this.clock = clock;
    Gauge.builder("scorer.retrain.leader", leader, AtomicLong::get)
        .description("1 while this retraining controller holds the lease")
        .register(registry);
    for (String name : PHASES) {
      Gauge.builder("scorer.retrain.phase", phase, p -> name.equals(p.get()) ? 1 : 0)
          .tag("phase", name)
          .description("1 for the loop's current phase")
          .register(registry);
    }
    for (ModelEvent.Type type : ModelEvent.Type.values()) {
      Map<ModelEvent.ActorKind, Counter> byActor = new EnumMap<>(ModelEvent.ActorKind.class);
      for (ModelEvent.ActorKind actor : ModelEvent.ActorKind.values()) {
        byActor.put(
            actor,
            Counter.builder("scorer.retrain.decisions")
                .tag("decision", type.name().toLowerCase(Locale.ROOT))
                .tag("actor", actor.name().toLowerCase(Locale.ROOT))
                .description("Decisions this controller recorded on model-events")
                .register(registry));
      }
      decisions.put(type, byActor);
    }
    Gauge.builder("scorer.retrain.shadow.paired", paired, AtomicLong::get)
        .description("Labelled events both champion and challenger answered in the current shadow")
        .register(registry);
    Gauge.builder(
            "scorer.retrain.shadow.p.value", pValue, v -> v.get() == null ? Double.NaN : v.get())
        .description("The p-value of the shadow's last look")
        .register(registry);
    Gauge.builder("scorer.retrain.cause.open.seconds", openSince, this::openSeconds)
        .description("How long the oldest trigger has waited for an accepted model (0: none open)")
        .register(registry);
    Duration limit = policy.alerts().noAcceptedModelAfter();
    Gauge.builder("scorer.retrain.cause.open.limit.seconds", limit, d -> d.toSeconds())
        .description("alerts.noAcceptedModelAfter of the policy")
        .register(registry);
  }

  private double openSeconds(AtomicReference<Instant> since) {
    Instant open = since.get();
    return open == null ? 0 : Duration.between(open, clock.instant()).toSeconds();
  }

  @Override
  public void leading(boolean leading) {
    leader.set(leading ? 1 : 0);
    if (!leading) {
      // A standby knows nothing of the loop: its gauges must not keep a cause open or a shadow
      // running that the new leader reports (the alerts would fire once per controller).
      phase.set("standing by");
      openSince.set(null);
      paired.set(0);
      pValue.set(Double.NaN);
    }
  }

  @Override
  public void phase(String label, ControllerState.OpenCause open) {
    phase.set(label);
    openSince.set(open == null ? null : open.since());
  }

  @Override
  public void decided(ModelEvent event) {
    decisions.get(event.type()).get(event.actor().kind()).increment();
  }

  @Override
  public void shadow(long pairs) {
    paired.set(pairs);
  }

  @Override
  public void pValue(Double p) {
    pValue.set(p == null ? Double.NaN : p);
  }

  public boolean leading() {
    return leader.get() == 1;
  }

  public String phase() {
    return phase.get();
  }
}

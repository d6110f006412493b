package dev.scorestream.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.retraining.ControllerState;
import dev.scorestream.retraining.ModelEvent;
import dev.scorestream.retraining.RetrainingPolicy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RetrainingMetricsTest {

  static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  static final ModelEvent.Cause LIVE =
      new ModelEvent.Cause("t-1", ModelEvent.CauseKind.LIVE_QUALITY, "live:v1:accuracy", "low");

  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final RetrainingMetrics metrics =
      new RetrainingMetrics(
          registry,
          RetrainingPolicy.parse(
              """
              {"version": 1, "model": "fraud", "triggers": {"manualOnly": true},
               "alerts": {"noAcceptedModelAfter": "2h"}}
              """,
              "policy.json"),
          Clock.fixed(NOW, ZoneOffset.UTC));

  @Test
  void shouldCountEachDecisionByTypeAndActor() {
    metrics.decided(event(ModelEvent.Type.ROLLED_BACK, ModelEvent.ActorKind.CONTROLLER));
    metrics.decided(event(ModelEvent.Type.PROMOTED, ModelEvent.ActorKind.PERSON));

    assertThat(decisions("rolled_back", "controller")).isEqualTo(1);
    assertThat(decisions("promoted", "person")).isEqualTo(1);
    assertThat(decisions("promoted", "controller")).as("registered at 0").isZero();
  }

  @Test
  void shouldReportTheOpenCauseOnlyWhileLeading() {
    metrics.leading(true);
    metrics.phase("shadowing", new ControllerState.OpenCause(LIVE, NOW.minusSeconds(90)));
    metrics.shadow(1200);
    metrics.pValue(0.03);

    assertThat(gauge("scorer.retrain.leader")).isEqualTo(1);
    assertThat(registry.get("scorer.retrain.phase").tag("phase", "shadowing").gauge().value())
        .isEqualTo(1);
    assertThat(gauge("scorer.retrain.cause.open.seconds")).isEqualTo(90);
    assertThat(gauge("scorer.retrain.cause.open.limit.seconds")).isEqualTo(7200);
    assertThat(gauge("scorer.retrain.shadow.paired")).isEqualTo(1200);
    assertThat(gauge("scorer.retrain.shadow.p.value")).isEqualTo(0.03);

    // Fenced or lease lost: the new leader reports the loop, this standby nothing of it.
    metrics.leading(false);
    assertThat(gauge("scorer.retrain.leader")).isZero();
    assertThat(registry.get("scorer.retrain.phase").gauges())
        .allSatisfy(phase -> assertThat(phase.value()).isZero());
    assertThat(gauge("scorer.retrain.cause.open.seconds")).isZero();
    assertThat(gauge("scorer.retrain.shadow.paired")).isZero();
    assertThat(gauge("scorer.retrain.shadow.p.value")).isNaN();
  }

  double decisions(String decision, String actor) {
    return registry
        .get("scorer.retrain.decisions")
        .tag("decision", decision)
        .tag("actor", actor)
        .counter()
        .count();
  }

  double gauge(String name) {
    return registry.get(name).gauge().value();
  }

  static ModelEvent event(ModelEvent.Type type, ModelEvent.ActorKind actor) {
    return new ModelEvent(
        "e-1",
        "fraud",
        type,
        NOW,
        LIVE,
        new ModelEvent.Versions("v1", "v2", null),
        null,
        null,
        Map.of(),
        List.of(),
        null,
        "",
        new ModelEvent.Actor(actor, "someone", "host"),
        "",
        "test");
  }
}

package dev.scorestream.retraining;

import dev.scorestream.retraining.ModelEvent.Actor;
import dev.scorestream.retraining.ModelEvent.ActorKind;
import dev.scorestream.retraining.ModelEvent.ArtifactRef;
import dev.scorestream.retraining.ModelEvent.Cause;
import dev.scorestream.retraining.ModelEvent.CauseKind;
import dev.scorestream.retraining.ModelEvent.GateResult;
import dev.scorestream.retraining.ModelEvent.OffsetRange;
import dev.scorestream.retraining.ModelEvent.Type;
import dev.scorestream.retraining.ModelEvent.Verdict;
import dev.scorestream.retraining.ModelEvent.Versions;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Audit-trail records for tests, built field by field. */
final class TrailEvents {

  static final Instant T0 = Instant.parse("2024-05-01T00:00:00Z");
  static final Actor CONTROLLER = new Actor(ActorKind.CONTROLLER, "retrain-0", "node-a");
  static final Actor PERSON = new Actor(ActorKind.PERSON, "alice", "laptop");
  static final Cause LIVE =
      new Cause("trigger-1", CauseKind.LIVE_QUALITY, "live:v1:accuracy", "accuracy low");
  static final List<GateResult> PASSED =
      List.of(new GateResult("offline.margin", true, 0.03, 0.005, "better"));
  static final List<GateResult> FAILED =
      List.of(
          new GateResult("offline.margin", false, -0.01, 0.005, "worse"),
          new GateResult("offline.rows", true, 900.0, 500.0, "enough"));
  static final List<OffsetRange> OFFSETS = List.of(new OffsetRange(0, 500, 500));

  private static int ids;

  private final Type type;
  private long seconds;
  private Cause cause = LIVE;
  private String champion = "v1";
  private String candidate;
  private String previous;
  private ArtifactRef artifact;
  private List<GateResult> gates = List.of();
  private ModelEvent.ShadowTest shadow;
  private Actor actor = CONTROLLER;
  private final Map<String, Double> metrics = new HashMap<>();

  private TrailEvents(Type type) {
    this.type = type;
  }

  static TrailEvents of(Type type) {
    return new TrailEvents(type);
  }

  static Instant at(long seconds) {
    return T0.plusSeconds(seconds);
  }

  TrailEvents at(int seconds) {
    this.seconds = seconds;
    return this;
  }

  TrailEvents cause(Cause cause) {
    this.cause = cause;
    return this;
  }

  TrailEvents champion(String champion) {
    this.champion = champion;
    return this;
  }

  TrailEvents candidate(String candidate) {
    this.candidate = candidate;
    this.artifact = new ArtifactRef(candidate + "-0123456789ab", "ab".repeat(32));
    return this;
  }

  TrailEvents previous(String previous) {
    this.previous = previous;
    return this;
  }

  TrailEvents gates(List<GateResult> gates) {
    this.gates = gates;
    return this;
  }

  TrailEvents shadow(Verdict verdict, int look) {
    this.shadow =
        new ModelEvent.ShadowTest(
            T0.plusSeconds(100),
            OFFSETS,
            ModelEvent.PairCounts.NONE,
            "mcnemar",
            0.5,
            null,
            look,
            verdict);
    return this;
  }

  TrailEvents by(Actor actor) {
    this.actor = actor;
    return this;
  }

  TrailEvents metric(String name, double value) {
    metrics.put(name, value);
    return this;
  }

  ModelEvent build() {
    return new ModelEvent(
        "event-" + ++ids,
        "fraud",
        type,
        T0.plusSeconds(seconds),
        cause,
        new Versions(champion, candidate, previous),
        artifact,
        null,
        metrics,
        gates,
        shadow,
        type + " for a test",
        actor,
        actor == PERSON ? "" : "digest",
        "test");
  }

  /** The trail of one candidate from its trigger to a confirmed promotion. */
  static List<ModelEvent> happyTrail() {
    return List.of(
        of(Type.TRIGGERED).at(10).build(),
        of(Type.TRAINED).at(20).candidate("v2").gates(PASSED).build(),
        of(Type.SHADOW_STARTED).at(100).candidate("v2").shadow(Verdict.CONTINUE, 0).build(),
        of(Type.SHADOW_CHECKED).at(200).candidate("v2").shadow(Verdict.CONTINUE, 1).build(),
        of(Type.SHADOW_CHECKED).at(300).candidate("v2").shadow(Verdict.PROMOTE, 2).build(),
        of(Type.PROMOTING)
            .at(310)
            .candidate("v2")
            .previous("v1")
            .shadow(Verdict.PROMOTE, 2)
            .metric("watch.reference.accuracy", 0.91)
            .build(),
        of(Type.PROMOTED).at(320).candidate("v2").previous("v1").build(),
        of(Type.CONFIRMED).at(900).champion("v2").candidate("v2").build());
  }
}

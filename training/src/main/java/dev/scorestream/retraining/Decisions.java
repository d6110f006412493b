package dev.scorestream.retraining;

import java.time.Clock;
import java.util.UUID;

/**
 * Makes the records of one actor (the controller, or a person): each with a new id, the time, the
 * model, who acted, under which policy, and with which build. What a decision says beyond that is
 * passed in.
 */
final class Decisions {

  private final String model;
  private final ModelEvent.Actor actor;
  private final String policyDigest;
  private final String appVersion;
  private final Clock clock;

  Decisions(
      String model, ModelEvent.Actor actor, String policyDigest, String appVersion, Clock clock) {
    this.model = model;
    this.actor = actor;
    this.policyDigest = policyDigest;
    this.appVersion = appVersion;
    this.clock = clock;
  }

  String model() {
    return model;
  }

  ModelEvent.Actor actor() {
    return actor;
  }

  /** A TRIGGERED record: a new cause, whose id is the record's own. */
  ModelEvent.Builder triggered(
      ModelEvent.CauseKind kind, String key, String detail, ModelEvent.Versions versions) {
    String id = UUID.randomUUID().toString();
    return new ModelEvent.Builder(
        id,
        model,
        ModelEvent.Type.TRIGGERED,
        clock.instant(),
        new ModelEvent.Cause(id, kind, key, detail),
        versions,
        actor,
        policyDigest,
        appVersion);
  }

  /** A decision of {@code type} about {@code versions}, with its cause and reason. */
  ModelEvent.Builder of(
      ModelEvent.Type type, ModelEvent.Cause cause, ModelEvent.Versions versions) {
    return new ModelEvent.Builder(
        UUID.randomUUID().toString(),
        model,
        type,
        clock.instant(),
        cause,
        versions,
        actor,
        policyDigest,
        appVersion);
  }
}

package dev.scorestream.retraining;

import java.time.Clock;
import java.util.UUID;

/**
 * Makes the records of one actor (the controller, or a person): each with a new id, the time, the
 * model, who acted, under which policy, and with which build. What a decision says beyond that is
 * passed in.
 */
final class Decisions {

  private final ModelEvent.Author author;
  private final Clock clock;

  Decisions(
      String model, ModelEvent.Actor actor, String policyDigest, String appVersion, Clock clock) {
    this.author = new ModelEvent.Author(model, actor, policyDigest, appVersion);
    this.clock = clock;
  }

  String model() {
    return author.modelName();
  }

  ModelEvent.Actor actor() {
    return author.actor();
  }

  /** A TRIGGERED record: a new cause, whose id is the record's own. */
  ModelEvent.Builder triggered(
      ModelEvent.CauseKind kind, String key, String detail, ModelEvent.Versions versions) {
    String id = UUID.randomUUID().toString();
    return new ModelEvent.Builder(
        id,
        author,
        ModelEvent.Type.TRIGGERED,
        clock.instant(),
        new ModelEvent.Cause(id, kind, key, detail),
        versions);
  }

  /** A decision of {@code type} about {@code versions}, with its cause and reason. */
  ModelEvent.Builder of(
      ModelEvent.Type type, ModelEvent.Cause cause, ModelEvent.Versions versions) {
    return new ModelEvent.Builder(
        UUID.randomUUID().toString(), author, type, clock.instant(), cause, versions);
  }
}

package dev.scorestream.retraining;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One decision of the retraining loop, as {@code model-events} records it ({@code ModelEvent.avsc};
 * {@link ModelEvents} reads and writes the Avro form). Values only: the controller decides, this
 * records.
 *
 * @param cause why the candidate this decision concerns was made; null for records that concern no
 *     candidate (a manual rollback of the champion, say)
 * @param artifact where the candidate (or restored champion) is published; null before it is
 * @param data what the candidate was made from; set on TRAINED
 * @param metrics measured figures by name (candidate.accuracy, champion.log_loss, ...)
 * @param shadow the paired test; set on SHADOW_CHECKED, PROMOTING and a shadow's REJECTED
 * @param reason a stable code, then words (OFFLINE_GATE ..., SHADOW_WORSE ...)
 * @param policyDigest SHA-256 of the policy the decision was made under (a person's: the --policy
 *     file)
 */
public record ModelEvent(
    String eventId,
    String modelName,
    Type type,
    Instant at,
    Cause cause,
    Versions versions,
    ArtifactRef artifact,
    DataCoordinates data,
    Map<String, Double> metrics,
    List<GateResult> gates,
    ShadowTest shadow,
    String reason,
    Actor actor,
    String policyDigest,
    String appVersion) {

  public ModelEvent {
    metrics = Map.copyOf(metrics);
    gates = List.copyOf(gates);
  }

  /** What was decided. */
  public enum Type {
    TRIGGERED,
    TRAINED,
    REJECTED,
    SHADOW_STARTED,
    SHADOW_CHECKED,
    PROMOTING,
    PROMOTED,
    CONFIRMED,
    ROLLING_BACK,
    ROLLED_BACK,
    RESUMED
  }

  /** What fired a retraining. */
  public enum CauseKind {
    LIVE_QUALITY,
    DRIFT,
    SCHEMA_CHANGE,
    SCHEDULE,
    MANUAL
  }

  /**
   * @param id event id of the TRIGGERED record
   * @param key what fired, stable across restarts (live:&lt;version&gt;:&lt;metric&gt;, drift:...,
   *     schema:&lt;subject&gt;:&lt;id&gt;, schedule:&lt;slot&gt;, manual:&lt;epoch millis of the
   *     request&gt;)
   */
  public record Cause(String id, CauseKind kind, String key, String detail) {}

  /** The champion when decided, the candidate, and the champion a promotion replaced. */
  public record Versions(String champion, String candidate, String previous) {

    public static final Versions NONE = new Versions(null, null, null);
  }

  /** A published artifact: its directory name and manifest digest. */
  public record ArtifactRef(String directory, String digest) {}

  /** A partition's offsets, from inclusive to exclusive. */
  public record OffsetRange(int partition, long fromOffset, long toOffset) {}

  /**
   * Exactly what a candidate was made from, so that it can be rebuilt row for row.
   *
   * @param holdoutFrom event time from which rows were held out (null when none were)
   * @param rowsDigest SHA-256 over the training rows in order
   */
  public record DataCoordinates(
      String topic,
      List<OffsetRange> ranges,
      Counts counts,
      Instant holdoutFrom,
      Map<String, Long> perturbedByKind,
      Seeds seeds,
      String trainer,
      String rowsDigest) {

    public DataCoordinates {
      ranges = List.copyOf(ranges);
      perturbedByKind = Map.copyOf(perturbedByKind);
    }
  }

  /** Rows read, skipped, trained on, held out, taken from the champion's data, and perturbed. */
  public record Counts(
      long read, long skipped, long trainRows, long evalRows, long championRows, long perturbed) {}

  /** The seeds that make a candidate reproducible. */
  public record Seeds(long perturbation, long trainer) {}

  /** One check of a gate, with the value measured and the threshold it was held to. */
  public record GateResult(
      String name, boolean passed, Double value, Double threshold, String detail) {}

  /** The verdict of one look at the shadow. */
  public enum Verdict {
    CONTINUE,
    PROMOTE,
    REJECT
  }

  /**
   * The paired comparison of champion and challenger on the same labelled events.
   *
   * @param startOffsets where in the training topic the pairs are read from
   * @param logLoss mean of champion minus challenger log loss per pair, with its interval; null
   *     when not computed
   */
  public record ShadowTest(
      Instant since,
      List<OffsetRange> startOffsets,
      PairCounts pairs,
      String test,
      Double pValue,
      Interval logLoss,
      int look,
      Verdict verdict) {

    public ShadowTest {
      startOffsets = List.copyOf(startOffsets);
    }
  }

  /**
   * Labelled events scored by both models: which got them right.
   *
   * @param championOnly pairs the champion got right and the challenger wrong
   * @param challengerFailed events the challenger could not score (not paired)
   */
  public record PairCounts(
      long paired,
      long bothCorrect,
      long championOnly,
      long challengerOnly,
      long bothWrong,
      long challengerFailed) {

    public static final PairCounts NONE = new PairCounts(0, 0, 0, 0, 0, 0);
  }

  /** A mean and the bounds of its interval. */
  public record Interval(double mean, double low, double high) {}

  /** Who or what acted. */
  public enum ActorKind {
    CONTROLLER,
    PERSON
  }

  public record Actor(ActorKind kind, String name, String host) {}

  /**
   * A record being made: the fields every decision has are set; the optional parts are added before
   * {@link #build}.
   */
  public static final class Builder {
    private final String eventId;
    private final Author author;
    private final Type type;
    private final Instant at;
    private final Cause cause;
    private final Versions versions;
    private ArtifactRef artifact;
    private DataCoordinates data;
    private Map<String, Double> metrics = Map.of();
    private List<GateResult> gates = List.of();
    private ShadowTest shadow;
    private String reason = "";

    Builder(String eventId, Author author, Type type, Instant at, Cause cause, Versions versions) {
      this.eventId = eventId;
      this.author = author;
      this.type = type;
      this.at = at;
      this.cause = cause;
      this.versions = versions;
    }

    public String eventId() {
      return eventId;
    }

    public Builder artifact(ArtifactRef artifact) {
      this.artifact = artifact;
      return this;
    }

    public Builder data(DataCoordinates data) {
      this.data = data;
      return this;
    }

    public Builder metrics(Map<String, Double> metrics) {
      this.metrics = metrics;
      return this;
    }

    public Builder gates(List<GateResult> gates) {
      this.gates = gates;
      return this;
    }

    public Builder shadow(ShadowTest shadow) {
      this.shadow = shadow;
      return this;
    }

    public Builder reason(String reason) {
      this.reason = reason;
      return this;
    }

    public ModelEvent build() {
      return new ModelEvent(
          eventId,
          author.modelName(),
          type,
          at,
          cause,
          versions,
          artifact,
          data,
          metrics,
          gates,
          shadow,
          reason,
          author.actor(),
          author.policyDigest(),
          author.appVersion());
    }
  }

  /**
   * What every record of one actor shares: the model, who acts, under which policy, which build.
   */
  record Author(String modelName, Actor actor, String policyDigest, String appVersion) {}
}

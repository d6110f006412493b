package dev.scorestream.retraining;

import dev.scorestream.retraining.ModelEvent.ActorKind;
import dev.scorestream.retraining.ModelEvent.ArtifactRef;
import dev.scorestream.retraining.ModelEvent.Cause;
import dev.scorestream.retraining.ModelEvent.CauseKind;
import dev.scorestream.retraining.ModelEvent.OffsetRange;
import dev.scorestream.retraining.ModelEvent.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Where the retraining loop of one model stands, folded from its audit trail: the {@code
 * model-events} records of that model, in order. Pure and total: the same trail always gives the
 * same state, so a controller that takes over (or restarts after {@code kill -9}) knows what was
 * decided and what to do next without any file of its own.
 *
 * <p>Each record moves the {@link Phase} only from the phase it belongs to; a record that does not
 * fit (a PROMOTED with no PROMOTING before it, a SHADOW_STARTED for a candidate that failed gate 1)
 * changes nothing and is listed in {@link #ignored}. That makes the guarantees structural:
 *
 * <ul>
 *   <li>Shadowing(V) needs TRAINED(V) with every gate passed;
 *   <li>Promoting(V) needs Shadowing(V) whose verdict is PROMOTE, or a person's PROMOTING;
 *   <li>PROMOTED(V) needs Promoting(V), and no version is promoted twice: {@link #mayPromote} is
 *       false for a version already promoted, and the fold leaves Promoting at the first PROMOTED.
 * </ul>
 *
 * Besides the phase the fold keeps the serving champion, the open cause (a trigger not yet answered
 * by a confirmed model, for the alert), when each cause key was last rejected (for the cooldown)
 * and when each kind of trigger last fired (for the schedule). Immutable.
 *
 * @param champion the serving version as far as the trail knows; null before any record names one
 * @param openCause the earliest trigger not yet answered by a confirmed model; null when none
 * @param rejectedAt per cause key, when a candidate from it was last rejected or rolled back
 * @param promoted every version ever promoted
 * @param lastTriggered per kind of cause, when it last fired
 * @param ignored the most recent records that did not fit the state, as "type event-id: why"
 */
public record ControllerState(
    Phase phase,
    String champion,
    OpenCause openCause,
    Map<String, Instant> rejectedAt,
    Set<String> promoted,
    Map<CauseKind, Instant> lastTriggered,
    List<String> ignored) {

  /** How many ignored records are remembered. */
  public static final int IGNORED_KEPT = 20;

  public ControllerState {
    rejectedAt = Map.copyOf(rejectedAt);
    promoted = Set.copyOf(promoted);
    lastTriggered = Map.copyOf(lastTriggered);
    ignored = List.copyOf(ignored);
  }

  /** The phase of the loop. */
  public sealed interface Phase
      permits Idle, Training, Gated, Shadowing, Promoting, Watching, RollingBack {

    /** Its name for metrics and logs: idle, training, gated, ... */
    default String label() {
      return getClass().getSimpleName().toLowerCase(Locale.ROOT);
    }
  }

  /** Nothing in flight: triggers may fire. */
  public record Idle() implements Phase {}

  /** A trigger fired; no candidate is recorded yet. A new leader trains again on the same rows. */
  public record Training(ModelEvent trigger) implements Phase {}

  /** A candidate was trained and gate 1 recorded; it is not yet the challenger. */
  public record Gated(ModelEvent trained) implements Phase {

    /** Every gate-1 check passed (and there was at least one). */
    public boolean passed() {
      return !trained.gates().isEmpty()
          && trained.gates().stream().allMatch(ModelEvent.GateResult::passed);
    }
  }

  /**
   * The candidate is the challenger.
   *
   * @param lastVerdict the verdict of the latest look; null before the first
   */
  public record Shadowing(
      String candidate,
      Instant since,
      List<OffsetRange> startOffsets,
      ArtifactRef artifact,
      Cause cause,
      Verdict lastVerdict,
      int look)
      implements Phase {

    public Shadowing {
      startOffsets = List.copyOf(startOffsets);
    }
  }

  /**
   * A promotion was authorized and is being published.
   *
   * @param previous the champion it replaces, what a rollback restores
   * @param reference the authorizing record's metrics, with the watch's reference figures
   */
  public record Promoting(
      String version,
      String previous,
      ArtifactRef artifact,
      Cause cause,
      ActorKind authorizedBy,
      Map<String, Double> reference)
      implements Phase {

    public Promoting {
      reference = Map.copyOf(reference);
    }
  }

  /** A new champion is serving and its first windows are watched. */
  public record Watching(
      String version, String previous, Instant since, Map<String, Double> reference, Cause cause)
      implements Phase {

    public Watching {
      reference = Map.copyOf(reference);
    }
  }

  /** The champion {@code from} is being replaced by a copy of {@code to}. */
  public record RollingBack(String from, String to, ArtifactRef artifact, Cause cause)
      implements Phase {}

  /** A trigger not yet answered by a confirmed model, and since when. */
  public record OpenCause(Cause cause, Instant since) {}

  /** Before any record. */
  public static ControllerState initial() {
    return new ControllerState(new Idle(), null, null, Map.of(), Set.of(), Map.of(), List.of());
  }

  /** Folds a model's trail, oldest first. */
  public static ControllerState fold(List<ModelEvent> trail) {
    ControllerState state = initial();
    for (ModelEvent event : trail) {
      state = state.apply(event);
    }
    return state;
  }

  /** True only in Promoting(version), and never for a version already promoted. */
  public boolean mayPromote(String version) {
    return phase instanceof Promoting promoting
        && promoting.version().equals(version)
        && !promoted.contains(version);
  }

  /** No candidate, promotion or rollback in flight. */
  public boolean idle() {
    return phase instanceof Idle;
  }

  /**
   * Whether a cause with {@code key} was rejected less than {@code cooldown} before {@code now}.
   */
  public boolean coolingDown(String key, Instant now, Duration cooldown) {
    Instant rejected = rejectedAt.get(key);
    return rejected != null && now.isBefore(rejected.plus(cooldown));
  }

  /** The state after {@code event}. */
  public ControllerState apply(ModelEvent event) {
    Next next = new Next(this);
    if (next.champion == null && event.versions() != null) {
      next.champion = event.versions().champion();
    }
    String why =
        switch (event.type()) {
          case TRIGGERED -> triggered(event, next);
          case TRAINED -> trained(event, next);
          case REJECTED -> rejected(event, next);
          case SHADOW_STARTED -> shadowStarted(event, next);
          case SHADOW_CHECKED -> shadowChecked(event, next);
          case PROMOTING -> promoting(event, next);
          case PROMOTED -> promotedRecord(event, next);
          case CONFIRMED -> confirmed(event, next);
          case ROLLING_BACK -> rollingBack(event, next);
          case ROLLED_BACK -> rolledBack(event, next);
          case RESUMED -> resumed(event, next);
        };
    if (why != null) {
      next = new Next(this);
      next.ignore(event.type() + " " + event.eventId() + ": " + why);
    }
    return next.build();
  }

  private String triggered(ModelEvent event, Next next) {
    if (!(phase instanceof Idle)) {
      return "a candidate is already in flight (" + phase.label() + ")";
    }
    next.phase = new Training(event);
    if (next.openCause == null) {
      next.openCause = new OpenCause(event.cause(), event.at());
    }
    if (event.cause() != null) {
      next.lastTriggered.put(event.cause().kind(), event.at());
    }
    return null;
  }

  private String trained(ModelEvent event, Next next) {
    if (!(phase instanceof Training training)) {
      return "no training in flight (" + phase.label() + ")";
    }
    if (!sameCause(training.trigger().cause(), event.cause())) {
      return "its cause is not the one being trained for";
    }
    next.phase = new Gated(event);
    return null;
  }

  private String rejected(ModelEvent event, Next next) {
    Cause cause;
    if (phase instanceof Training training
        && sameCause(training.trigger().cause(), event.cause())) {
      cause = training.trigger().cause();
    } else if (phase instanceof Gated gated && sameCause(gated.trained().cause(), event.cause())) {
      cause = gated.trained().cause();
    } else if (phase instanceof Shadowing shadowing
        && shadowing.candidate().equals(candidate(event))) {
      cause = shadowing.cause();
    } else {
      return "no candidate of it in flight (" + phase.label() + ")";
    }
    next.phase = new Idle();
    if (cause != null) {
      next.rejectedAt.put(cause.key(), event.at());
    }
    return null;
  }

  private String shadowStarted(ModelEvent event, Next next) {
    if (!(phase instanceof Gated gated)) {
      return "no gated candidate (" + phase.label() + ")";
    }
    if (!gated.passed()) {
      return "candidate " + candidate(gated.trained()) + " did not pass gate 1";
    }
    String candidate = candidate(gated.trained());
    if (candidate == null || !candidate.equals(candidate(event))) {
      return "the gated candidate is " + candidate;
    }
    ModelEvent.ShadowTest shadow = event.shadow();
    next.phase =
        new Shadowing(
            candidate,
            shadow == null ? event.at() : shadow.since(),
            shadow == null ? List.of() : shadow.startOffsets(),
            event.artifact(),
            gated.trained().cause(),
            null,
            0);
    return null;
  }

  private String shadowChecked(ModelEvent event, Next next) {
    if (!(phase instanceof Shadowing shadowing)
        || !shadowing.candidate().equals(candidate(event))
        || event.shadow() == null) {
      return "no shadow of " + candidate(event) + " with a test (" + phase.label() + ")";
    }
    next.phase =
        new Shadowing(
            shadowing.candidate(),
            shadowing.since(),
            shadowing.startOffsets(),
            shadowing.artifact(),
            shadowing.cause(),
            event.shadow().verdict(),
            event.shadow().look());
    return null;
  }

  private String promoting(ModelEvent event, Next next) {
    String version = candidate(event);
    if (version == null || promoted.contains(version)) {
      return "version " + version + " was already promoted, or none is named";
    }
    boolean person = event.actor() != null && event.actor().kind() == ActorKind.PERSON;
    Cause cause = event.cause();
    if (phase instanceof Shadowing shadowing && shadowing.candidate().equals(version)) {
      boolean verdict =
          shadowing.lastVerdict() == Verdict.PROMOTE
              || (event.shadow() != null && event.shadow().verdict() == Verdict.PROMOTE);
      if (!verdict && !person) {
        return "the shadow of " + version + " has no PROMOTE verdict";
      }
      cause = shadowing.cause();
    } else if (!person) {
      return "the controller promotes only a challenger whose shadow says PROMOTE";
    } else if (phase instanceof Promoting || phase instanceof RollingBack) {
      return "a " + phase.label() + " is being published";
    }
    String previous = event.versions().previous();
    next.phase =
        new Promoting(
            version,
            previous == null ? next.champion : previous,
            event.artifact(),
            cause,
            person ? ActorKind.PERSON : ActorKind.CONTROLLER,
            event.metrics());
    return null;
  }

  private String promotedRecord(ModelEvent event, Next next) {
    String version = candidate(event);
    if (version == null || !mayPromote(version)) {
      return "version " + version + " is not being promoted (" + phase.label() + ")";
    }
    Promoting promoting = (Promoting) phase;
    next.phase =
        new Watching(
            version, promoting.previous(), event.at(), promoting.reference(), promoting.cause());
    next.champion = version;
    next.promoted.add(version);
    return null;
  }

  private String confirmed(ModelEvent event, Next next) {
    if (!(phase instanceof Watching watching) || !watching.version().equals(subject(event))) {
      return "no watch of " + subject(event) + " (" + phase.label() + ")";
    }
    next.phase = new Idle();
    next.openCause = null;
    return null;
  }

  private String rollingBack(ModelEvent event, Next next) {
    boolean person = event.actor() != null && event.actor().kind() == ActorKind.PERSON;
    String restore = event.versions() == null ? null : event.versions().previous();
    if (phase instanceof Watching watching) {
      next.phase =
          new RollingBack(
              watching.version(),
              restore == null ? watching.previous() : restore,
              event.artifact(),
              watching.cause());
      return null;
    }
    if (person && phase instanceof Idle && champion != null && restore != null) {
      next.phase = new RollingBack(champion, restore, event.artifact(), event.cause());
      return null;
    }
    return "nothing to roll back (" + phase.label() + ")";
  }

  private String rolledBack(ModelEvent event, Next next) {
    if (!(phase instanceof RollingBack rollingBack)) {
      return "no rollback in flight (" + phase.label() + ")";
    }
    next.phase = new Idle();
    next.champion = rollingBack.to();
    if (rollingBack.cause() != null) {
      // A rolled-back model was rejected live: its cause cools down as after a rejection.
      next.rejectedAt.put(rollingBack.cause().key(), event.at());
    }
    return null;
  }

  private String resumed(ModelEvent event, Next next) {
    String adopted = event.versions() == null ? null : event.versions().champion();
    if (phase instanceof Idle && adopted != null) {
      // A champion published by hand outside the loop is adopted as found.
      next.champion = adopted;
    }
    return null;
  }

  private static boolean sameCause(Cause expected, Cause actual) {
    return expected == null || actual == null || expected.id().equals(actual.id());
  }

  private static String candidate(ModelEvent event) {
    return event.versions() == null ? null : event.versions().candidate();
  }

  /** The version a record is about: its candidate, or else its champion. */
  private static String subject(ModelEvent event) {
    String candidate = candidate(event);
    return candidate != null || event.versions() == null ? candidate : event.versions().champion();
  }

  /** The mutable copy a record is applied to. */
  private static final class Next {
    Phase phase;
    String champion;
    OpenCause openCause;
    final Map<String, Instant> rejectedAt;
    final Set<String> promoted;
    final Map<CauseKind, Instant> lastTriggered;
    final List<String> ignored;

    Next(ControllerState state) {
      phase = state.phase();
      champion = state.champion();
      openCause = state.openCause();
      rejectedAt = new HashMap<>(state.rejectedAt());
      promoted = new HashSet<>(state.promoted());
      lastTriggered = new EnumMap<>(CauseKind.class);
      lastTriggered.putAll(state.lastTriggered());
      ignored = new ArrayList<>(state.ignored());
    }

    void ignore(String why) {
      ignored.add(why);
      if (ignored.size() > IGNORED_KEPT) {
        ignored.remove(0);
      }
    }

    ControllerState build() {
      return new ControllerState(
          phase, champion, openCause, rejectedAt, promoted, lastTriggered, ignored);
    }
  }
}

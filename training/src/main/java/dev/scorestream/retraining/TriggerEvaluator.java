package dev.scorestream.retraining;

import dev.scorestream.retraining.ModelEvent.CauseKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Decides whether a retraining fires now, from the policy's triggers and what the controller last
 * read: the champion's live-quality and drift windows, pending schema changes, the schedule and the
 * folded audit trail. Pure: the same inputs give the same answer, so a controller that restarts and
 * re-reads the last windows decides the same way.
 *
 * <ul>
 *   <li>live quality: the champion's last K windows with at least {@code minLabels} matched labels
 *       (thinner windows are skipped, not counted) are all worse than {@code below}/{@code above},
 *       or worse than the champion's held-out figure by more than {@code worseThanBaselineBy};
 *   <li>drift: a watched feature the serving model uses is at {@code status} or worse in each of
 *       the champion's last K drift windows;
 *   <li>schema change: a firing the schema-change hook passed in, when enabled;
 *   <li>schedule: slot floor((now - at) / every) has started and no schedule trigger has fired in
 *       it yet.
 * </ul>
 *
 * At most one firing is returned, in that order of precedence. Nothing fires while anything is in
 * flight (a candidate, a promotion and its watch, a rollback): one candidate at a time, and a cause
 * never fires twice while its candidate is in progress. A cause whose candidate was rejected stays
 * quiet for {@code cooldown}. Every firing held back is returned with the reason, for the
 * suppressed-triggers metric.
 */
public final class TriggerEvaluator {

  /**
   * The serving champion as the triggers see it.
   *
   * @param heldOutAccuracy its accuracy on held-out rows at training; null when unknown
   * @param heldOutLogLoss its log loss there; null when unknown
   * @param servedFeatures the reader-schema fields its features come from
   */
  public record Champion(
      String version, Double heldOutAccuracy, Double heldOutLogLoss, Set<String> servedFeatures) {

    public Champion {
      servedFeatures = Set.copyOf(servedFeatures);
    }
  }

  /**
   * A cause for retraining.
   *
   * @param key stable across restarts: live:&lt;version&gt;:&lt;metric&gt;,
   *     drift:&lt;version&gt;:&lt;feature&gt;, schema:&lt;subject&gt;:&lt;id&gt;,
   *     schedule:&lt;slot&gt;
   * @param detail the evidence, in words
   */
  public record Firing(CauseKind kind, String key, String detail) {}

  /** A firing held back, and why. */
  public record Suppressed(Firing firing, String why) {}

  /**
   * What the triggers look at.
   *
   * @param performance recent live-quality windows (any versions, any order)
   * @param drift recent drift windows (any versions, any order)
   * @param schemaChanges firings the schema-change hook reports (kind SCHEMA_CHANGE)
   * @param state the folded audit trail
   */
  public record Inputs(
      Champion champion,
      List<PerformanceWindow> performance,
      List<DriftWindow> drift,
      List<Firing> schemaChanges,
      Instant now,
      ControllerState state) {

    public Inputs {
      performance = List.copyOf(performance);
      drift = List.copyOf(drift);
      schemaChanges = List.copyOf(schemaChanges);
    }
  }

  /**
   * @param fired what fires now; null when nothing does
   * @param suppressed every other firing, with why it was held back
   */
  public record Evaluation(Firing fired, List<Suppressed> suppressed) {

    public Evaluation {
      suppressed = List.copyOf(suppressed);
    }

    public boolean fires() {
      return fired != null;
    }
  }

  private final RetrainingPolicy.Triggers policy;

  public TriggerEvaluator(RetrainingPolicy.Triggers policy) {
    this.policy = Objects.requireNonNull(policy);
  }

  public Evaluation evaluate(Inputs in) {
    List<Firing> candidates = new ArrayList<>();
    liveQuality(in).ifPresent(candidates::add);
    drift(in).ifPresent(candidates::add);
    if (policy.schemaChange()) {
      candidates.addAll(in.schemaChanges());
    }
    schedule(in).ifPresent(candidates::add);
    Firing fired = null;
    List<Suppressed> suppressed = new ArrayList<>();
    ControllerState state = in.state();
    for (Firing firing : candidates) {
      if (!state.idle()) {
        suppressed.add(new Suppressed(firing, "in flight: " + state.phase().label()));
      } else if (state.coolingDown(firing.key(), in.now(), policy.cooldown())) {
        suppressed.add(
            new Suppressed(
                firing,
                "cooling down after the rejection at " + state.rejectedAt().get(firing.key())));
      } else if (fired != null) {
        suppressed.add(new Suppressed(firing, "fired together with " + fired.key()));
      } else {
        fired = firing;
      }
    }
    return new Evaluation(fired, suppressed);
  }

  private Optional<Firing> liveQuality(Inputs in) {
    RetrainingPolicy.LiveQuality rule = policy.liveQuality();
    if (rule == null) {
      return Optional.empty();
    }
    QualityMetric metric = rule.metric();
    String version = in.champion().version();
    List<PerformanceWindow> counted =
        in.performance().stream()
            .filter(w -> version.equals(w.modelVersion()))
            .filter(w -> w.matched() >= rule.minLabels() && w.value(metric) != null)
            .sorted(PerformanceWindow.BY_START)
            .toList();
    if (counted.size() < rule.windows()) {
      return Optional.empty();
    }
    List<PerformanceWindow> last = counted.subList(counted.size() - rule.windows(), counted.size());
    Double baseline =
        metric == QualityMetric.ACCURACY
            ? in.champion().heldOutAccuracy()
            : in.champion().heldOutLogLoss();
    for (PerformanceWindow window : last) {
      double value = window.value(metric);
      boolean belowLimit = rule.limit() != null && metric.gain(rule.limit(), value) < 0;
      boolean belowBaseline =
          rule.worseThanBaselineBy() != null
              && baseline != null
              && metric.gain(baseline, value) < -rule.worseThanBaselineBy();
      if (!belowLimit && !belowBaseline) {
        return Optional.empty();
      }
    }
    String values =
        last.stream()
            .map(w -> String.format(Locale.ROOT, "%.4f", w.value(metric)))
            .collect(Collectors.joining(", "));
    return Optional.of(
        new Firing(
            CauseKind.LIVE_QUALITY,
            "live:" + version + ":" + metric.code(),
            String.format(
                Locale.ROOT,
                "%s %s in the last %d windows with at least %d labels; limit %s, held-out %s,"
                    + " worseThanBaselineBy %s",
                metric.code(),
                values,
                rule.windows(),
                rule.minLabels(),
                rule.limit(),
                baseline,
                rule.worseThanBaselineBy())));
  }

  private Optional<Firing> drift(Inputs in) {
    RetrainingPolicy.Drift rule = policy.drift();
    if (rule == null) {
      return Optional.empty();
    }
    String version = in.champion().version();
    List<DriftWindow> windows =
        in.drift().stream()
            .filter(w -> version.equals(w.modelVersion()))
            .sorted(Comparator.comparing(DriftWindow::windowStart))
            .toList();
    if (windows.size() < rule.windows()) {
      return Optional.empty();
    }
    List<DriftWindow> last = windows.subList(windows.size() - rule.windows(), windows.size());
    Set<String> drifting = new TreeSet<>();
    for (String field : rule.watched(in.champion().servedFeatures())) {
      if (last.stream().allMatch(w -> w.atLeast(field, rule.status()))) {
        drifting.add(field);
      }
    }
    if (drifting.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new Firing(
            CauseKind.DRIFT,
            "drift:" + version + ":" + drifting.iterator().next(),
            drifting
                + " at "
                + rule.status()
                + " or worse in the last "
                + rule.windows()
                + " drift windows of "
                + version));
  }

  private Optional<Firing> schedule(Inputs in) {
    RetrainingPolicy.Schedule rule = policy.schedule();
    if (rule == null) {
      return Optional.empty();
    }
    long slot = rule.slot(in.now());
    if (slot < 0) {
      return Optional.empty();
    }
    Instant start = rule.slotStart(slot);
    Instant last = in.state().lastTriggered().get(CauseKind.SCHEDULE);
    if (last != null && !last.isBefore(start)) {
      return Optional.empty();
    }
    return Optional.of(
        new Firing(
            CauseKind.SCHEDULE,
            "schedule:" + slot,
            "slot " + slot + " began at " + start + " (every " + rule.every() + ")"));
  }
}

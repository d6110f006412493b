package dev.scorestream.retraining;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * The watch after a promotion: does the new champion do worse live than the previous one did? The
 * reference is pinned when the promotion is authorized: the label-weighted mean of the previous
 * champion's last {@code windows} windows with at least {@code minLabels} labels ({@link
 * #reference}). The observed figure is the same mean over the new champion's first {@code windows}
 * such windows; late windows of the old version do not count.
 *
 * <ul>
 *   <li>worse than the reference by more than {@code margin}: ROLL_BACK (reason LIVE_WORSE);
 *   <li>otherwise CONFIRM (LIVE_CONFIRMED);
 *   <li>not enough windows yet: WAIT, until {@code maxWait} after the promotion, then
 *       CONFIRM_INSUFFICIENT_LABELS (INSUFFICIENT_LABELS): the promotion stands as it is.
 * </ul>
 *
 * Before-and-after comparisons are confounded while the world keeps changing; the margin is what
 * absorbs that.
 */
public final class RollbackWatch {

  /** The metrics key the reference figure is pinned under in the PROMOTING record. */
  public static final String REFERENCE_PREFIX = "watch.reference.";

  /** What the watch decides now. */
  public enum Outcome {
    WAIT,
    CONFIRM,
    ROLL_BACK,
    CONFIRM_INSUFFICIENT_LABELS
  }

  /**
   * @param observed the new champion's figure; null until enough windows are in
   * @param windows the windows that counted
   * @param reason a stable code, then words
   */
  public record Decision(
      Outcome outcome,
      Double observed,
      double reference,
      List<PerformanceWindow> windows,
      String reason) {

    public Decision {
      windows = List.copyOf(windows);
    }
  }

  private RollbackWatch() {}

  /** The key of {@code metric}'s reference figure in a PROMOTING record's metrics. */
  public static String referenceKey(QualityMetric metric) {
    return REFERENCE_PREFIX + metric.code();
  }

  /**
   * The previous champion's figure: the label-weighted mean of its last {@code windows} windows
   * with enough labels (fewer when it has fewer); empty when it has none.
   *
   * @param policy resolved {@code rollback} ({@link RetrainingPolicy#resolve})
   */
  public static OptionalDouble reference(
      RetrainingPolicy.Rollback policy, String version, List<PerformanceWindow> windows) {
    List<PerformanceWindow> counted = counted(policy, version, windows);
    if (counted.isEmpty()) {
      return OptionalDouble.empty();
    }
    int from = Math.max(0, counted.size() - policy.windows());
    return OptionalDouble.of(weightedMean(policy.metric(), counted.subList(from, counted.size())));
  }

  /**
   * @param policy resolved {@code rollback}
   * @param reference the pinned figure of the previous champion
   * @param watch the watch in progress: the new champion and when it was promoted
   * @param windows recent live-quality windows (any versions, any order)
   */
  public static Decision decide(
      RetrainingPolicy.Rollback policy,
      double reference,
      ControllerState.Watching watch,
      List<PerformanceWindow> windows,
      Instant now) {
    QualityMetric metric = policy.metric();
    List<PerformanceWindow> counted = counted(policy, watch.version(), windows);
    if (counted.size() < policy.windows()) {
      if (now.isBefore(watch.since().plus(policy.maxWait()))) {
        return new Decision(
            Outcome.WAIT,
            null,
            reference,
            counted,
            "WATCHING " + counted.size() + " of " + policy.windows() + " windows in");
      }
      return new Decision(
          Outcome.CONFIRM_INSUFFICIENT_LABELS,
          null,
          reference,
          counted,
          String.format(
              Locale.ROOT,
              "INSUFFICIENT_LABELS only %d of %d windows with at least %d labels within %s",
              counted.size(),
              policy.windows(),
              policy.minLabels(),
              policy.maxWait()));
    }
    List<PerformanceWindow> first = counted.subList(0, policy.windows());
    double observed = weightedMean(metric, first);
    double gain = metric.gain(reference, observed);
    boolean worse = gain < -policy.margin();
    String evidence =
        String.format(
            Locale.ROOT,
            " %s %.4f over %d windows of %s against %.4f before, margin %.4f",
            metric.code(),
            observed,
            first.size(),
            watch.version(),
            reference,
            policy.margin());
    return new Decision(
        worse ? Outcome.ROLL_BACK : Outcome.CONFIRM,
        observed,
        reference,
        first,
        (worse ? "LIVE_WORSE" : "LIVE_CONFIRMED") + evidence);
  }

  private static List<PerformanceWindow> counted(
      RetrainingPolicy.Rollback policy, String version, List<PerformanceWindow> windows) {
    if (policy.metric() == null) {
      throw new IllegalArgumentException("rollback.metric is unresolved: resolve the policy");
    }
    return windows.stream()
        .filter(w -> version.equals(w.modelVersion()))
        .filter(w -> w.matched() >= policy.minLabels() && w.value(policy.metric()) != null)
        .sorted(PerformanceWindow.BY_START)
        .toList();
  }

  /**
   * Accuracy and log loss are means per label, so windows pool by their label counts; RMSE pools as
   * the root of the pooled mean square.
   */
  private static double weightedMean(QualityMetric metric, List<PerformanceWindow> windows) {
    double sum = 0;
    long labels = 0;
    for (PerformanceWindow window : windows) {
      double value = window.value(metric);
      sum += (metric == QualityMetric.RMSE ? value * value : value) * window.matched();
      labels += window.matched();
    }
    return metric == QualityMetric.RMSE ? Math.sqrt(sum / labels) : sum / labels;
  }
}

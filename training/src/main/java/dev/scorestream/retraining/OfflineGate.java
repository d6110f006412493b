package dev.scorestream.retraining;

import dev.scorestream.model.Evaluation;
import dev.scorestream.retraining.ModelEvent.GateResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Gate 1: the candidate beside the champion on the same out-of-time rows, clean and perturbed. Each
 * check is a {@link GateResult}, passed or not, with the figure measured and the threshold:
 *
 * <ul>
 *   <li>{@code offline.rows}: both were judged on the same rows, at least {@code minEvalRows};
 *   <li>{@code offline.margin}: the candidate beats the champion on the metric by at least {@code
 *       margin} (value: the gain, positive when the candidate is better);
 *   <li>{@code offline.robustness}: loss = m(clean) - m(perturbed), sign flipped for log loss and
 *       RMSE; the candidate may lose at most {@code maxRobustnessLoss} more than the champion
 *       (value: the candidate's loss minus the champion's);
 *   <li>{@code offline.significance}, when declared: McNemar's test on the evaluation rows favours
 *       the candidate below that level (value: its one-sided p).
 * </ul>
 *
 * The artifact checks (load, digest, smoke, parity) are the caller's and go before these. A
 * candidate passes when every check does.
 */
public final class OfflineGate {

  /**
   * The evaluations gate 1 compares.
   *
   * @param championPerturbed the champion on the perturbed copy of the rows; null with {@code
   *     candidatePerturbed} when nothing could be perturbed
   * @param evalPairs who got which row right, for the significance check; null when not counted
   */
  public record Comparison(
      Evaluation champion,
      Evaluation candidate,
      Evaluation championPerturbed,
      Evaluation candidatePerturbed,
      ModelEvent.PairCounts evalPairs) {}

  private OfflineGate() {}

  /**
   * @param policy resolved {@code gates.offline} ({@link RetrainingPolicy#resolve})
   */
  public static List<GateResult> check(RetrainingPolicy.Offline policy, Comparison comparison) {
    QualityMetric metric = policy.metric();
    if (metric == null) {
      throw new IllegalArgumentException("gates.offline.metric is unresolved: resolve the policy");
    }
    List<GateResult> results = new ArrayList<>();
    results.add(rows(policy, comparison));
    results.add(margin(policy, metric, comparison));
    results.add(robustness(policy, metric, comparison));
    if (policy.significance() != null) {
      results.add(significance(policy.significance(), comparison.evalPairs()));
    }
    return List.copyOf(results);
  }

  /** Whether every check passed. */
  public static boolean passed(List<GateResult> results) {
    return !results.isEmpty() && results.stream().allMatch(GateResult::passed);
  }

  private static GateResult rows(RetrainingPolicy.Offline policy, Comparison comparison) {
    int rows = comparison.candidate().testExamples();
    int championRows = comparison.champion().testExamples();
    if (rows != championRows) {
      return new GateResult(
          "offline.rows",
          false,
          (double) rows,
          (double) policy.minEvalRows(),
          "the champion was judged on " + championRows + " rows, the candidate on " + rows);
    }
    return new GateResult(
        "offline.rows",
        rows >= policy.minEvalRows(),
        (double) rows,
        (double) policy.minEvalRows(),
        rows + " out-of-time rows, at least " + policy.minEvalRows() + " needed");
  }

  private static GateResult margin(
      RetrainingPolicy.Offline policy, QualityMetric metric, Comparison comparison) {
    Double champion = metric.of(comparison.champion());
    Double candidate = metric.of(comparison.candidate());
    if (champion == null || candidate == null) {
      return new GateResult(
          "offline.margin", false, null, policy.margin(), metric.code() + " was not measured");
    }
    double gain = metric.gain(champion, candidate);
    return new GateResult(
        "offline.margin",
        gain >= policy.margin(),
        gain,
        policy.margin(),
        String.format(
            Locale.ROOT,
            "%s: candidate %.4f, champion %.4f, gain %+.4f, at least %+.4f needed",
            metric.code(),
            candidate,
            champion,
            gain,
            policy.margin()));
  }

  private static GateResult robustness(
      RetrainingPolicy.Offline policy, QualityMetric metric, Comparison comparison) {
    double bound = policy.maxRobustnessLoss();
    if (comparison.championPerturbed() == null || comparison.candidatePerturbed() == null) {
      return new GateResult(
          "offline.robustness", true, null, bound, "not measured: nothing could be perturbed");
    }
    Double championLoss = loss(metric, comparison.champion(), comparison.championPerturbed());
    Double candidateLoss = loss(metric, comparison.candidate(), comparison.candidatePerturbed());
    if (championLoss == null || candidateLoss == null) {
      return new GateResult(
          "offline.robustness",
          false,
          null,
          bound,
          metric.code() + " was not measured on the perturbed rows");
    }
    double excess = candidateLoss - championLoss;
    return new GateResult(
        "offline.robustness",
        excess <= bound,
        excess,
        bound,
        String.format(
            Locale.ROOT,
            "%s lost on perturbed rows: candidate %.4f, champion %.4f; at most %.4f more allowed",
            metric.code(),
            candidateLoss,
            championLoss,
            bound));
  }

  /** How much worse a model does on the perturbed rows than on the clean ones. */
  private static Double loss(QualityMetric metric, Evaluation clean, Evaluation perturbed) {
    Double before = metric.of(clean);
    Double after = metric.of(perturbed);
    return before == null || after == null ? null : metric.gain(after, before);
  }

  private static GateResult significance(double level, ModelEvent.PairCounts pairs) {
    if (pairs == null) {
      return new GateResult(
          "offline.significance", false, null, level, "no paired counts on the evaluation rows");
    }
    McNemarTest test = McNemarTest.of(pairs.championOnly(), pairs.challengerOnly());
    return new GateResult(
        "offline.significance",
        test.challengerBetterP() < level,
        test.challengerBetterP(),
        level,
        String.format(
            Locale.ROOT,
            "McNemar on %d rows: b=%d, c=%d, one-sided p %.3g",
            pairs.paired(),
            pairs.championOnly(),
            pairs.challengerOnly(),
            test.challengerBetterP()));
  }
}

package dev.scorestream.retraining;

import dev.scorestream.retraining.RetrainingPolicy.ShadowTestKind;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The verdict of one look at a shadow, from the paired evidence and the policy's {@code
 * gates.shadow}. Look k comes when {@code k * minPaired} pairs are in; each look tests at {@code
 * alpha / looks} (Bonferroni), so looking {@code looks} times keeps the overall error at alpha.
 *
 * <ol>
 *   <li>REJECT when the challenger failed on more than {@code maxChallengerFailures} of the events
 *       it was asked to score (once at least {@code minPaired} were asked);
 *   <li>at a look: REJECT when a test favours the champion (McNemar's other tail, or a bootstrap
 *       interval entirely below 0); PROMOTE when the declared test favours the challenger (McNemar
 *       p &lt; alpha per look with c &gt; b, the bootstrap's lower bound above {@code margin}, or
 *       both for {@code both});
 *   <li>otherwise REJECT as inconclusive at the last look or once {@code maxDuration} has passed
 *       since the shadow started, else CONTINUE.
 * </ol>
 *
 * A regression shadow is judged by the bootstrap on squared-error differences only. Reasons start
 * with a stable code: SHADOW_BETTER, SHADOW_WORSE, SHADOW_CHALLENGER_FAILURES, SHADOW_INCONCLUSIVE,
 * SHADOW_CONTINUE.
 */
public final class ShadowVerdicts {

  /** What {@link ModelEvent.ShadowTest#test} says was run for a regression model. */
  public static final String SQUARED_ERROR_TEST = "bootstrapSquaredError";

  /**
   * One look's outcome.
   *
   * @param test the record for the audit trail
   * @param reason a stable code, then words
   * @param alphaPerLook the level this look tested at
   */
  public record Decision(ModelEvent.ShadowTest test, String reason, double alphaPerLook) {

    public ModelEvent.Verdict verdict() {
      return test.verdict();
    }

    /** The reason's stable code. */
    public String code() {
      int space = reason.indexOf(' ');
      return space < 0 ? reason : reason.substring(0, space);
    }
  }

  /** Where a shadow started: the time limit counts from {@code since}. */
  public record Start(Instant since, List<ModelEvent.OffsetRange> offsets) {

    public Start {
      offsets = List.copyOf(offsets);
    }
  }

  private ShadowVerdicts() {}

  /** The look {@code paired} pairs have reached: floor(paired / minPaired), 0 before the first. */
  public static int look(RetrainingPolicy.Shadow policy, long paired) {
    return (int) Math.min(Integer.MAX_VALUE, paired / policy.minPaired());
  }

  /**
   * Judges look {@code look} (0 before the first, when only the failure share and the time limit
   * can decide).
   *
   * @param policy resolved {@code gates.shadow} ({@link RetrainingPolicy#resolve})
   * @throws IllegalArgumentException when the test does not fit the evidence (McNemar on a
   *     regression)
   */
  public static Decision judge(
      RetrainingPolicy.Shadow policy, int look, PairedOutcomes outcomes, Start start, Instant now) {
    ShadowTestKind kind = policy.test();
    if (kind == null) {
      throw new IllegalArgumentException("gates.shadow.test is unresolved: resolve the policy");
    }
    if (outcomes.regression() && kind != ShadowTestKind.BOOTSTRAP) {
      throw new IllegalArgumentException(kind.code() + " cannot judge a regression shadow");
    }
    double alpha = policy.alphaPerLook();
    ModelEvent.PairCounts counts = outcomes.counts();
    long asked = outcomes.paired() + outcomes.challengerFailed();
    Tested tested = Tested.NOTHING;
    if (asked >= policy.minPaired() && outcomes.failureShare() > policy.maxChallengerFailures()) {
      tested =
          Tested.NOTHING.decided(
              ModelEvent.Verdict.REJECT,
              String.format(
                  Locale.ROOT,
                  "SHADOW_CHALLENGER_FAILURES the challenger failed on %d of %d events (%.4f >"
                      + " maxChallengerFailures %s)",
                  outcomes.challengerFailed(),
                  asked,
                  outcomes.failureShare(),
                  policy.maxChallengerFailures()));
    } else if (look >= 1 && outcomes.paired() > 0) {
      tested = test(policy, kind, outcomes, alpha);
    }
    if (tested.verdict() == ModelEvent.Verdict.CONTINUE) {
      tested = timeLimits(policy, look, start, now, tested);
    }
    String name = outcomes.regression() ? SQUARED_ERROR_TEST : kind.code();
    return new Decision(
        new ModelEvent.ShadowTest(
            start.since(),
            start.offsets(),
            counts,
            name,
            tested.pValue(),
            tested.interval(),
            look,
            tested.verdict()),
        tested.reason(),
        alpha);
  }

  /** What the tests found; a verdict of CONTINUE until something decides. */
  private record Tested(
      Double pValue, ModelEvent.Interval interval, ModelEvent.Verdict verdict, String reason) {

    static final Tested NOTHING = new Tested(null, null, ModelEvent.Verdict.CONTINUE, "");

    Tested decided(ModelEvent.Verdict verdict, String reason) {
      return new Tested(pValue, interval, verdict, reason);
    }
  }

  private static Tested test(
      RetrainingPolicy.Shadow policy, ShadowTestKind kind, PairedOutcomes outcomes, double alpha) {
    List<String> findings = new ArrayList<>();
    boolean better = true;
    boolean worse = false;
    Double p = null;
    ModelEvent.Interval interval = null;
    if (kind != ShadowTestKind.BOOTSTRAP) {
      ModelEvent.PairCounts counts = outcomes.counts();
      McNemarTest mcnemar = McNemarTest.of(counts.championOnly(), counts.challengerOnly());
      p = mcnemar.challengerBetterP();
      better = p < alpha && counts.challengerOnly() > counts.championOnly();
      worse = mcnemar.championBetterP() < alpha && counts.championOnly() > counts.challengerOnly();
      findings.add(
          String.format(
              Locale.ROOT,
              "McNemar b=%d c=%d p(challenger better)=%.3g p(champion better)=%.3g",
              counts.championOnly(),
              counts.challengerOnly(),
              p,
              mcnemar.championBetterP()));
    }
    if (kind != ShadowTestKind.MCNEMAR) {
      interval =
          PairedBootstrap.interval(
              outcomes.differences(),
              policy.bootstrap().resamples(),
              policy.bootstrap().seed(),
              alpha);
      better = better && interval.low() > policy.margin();
      worse = worse || interval.high() < 0;
      findings.add(
          String.format(
              Locale.ROOT,
              "%s difference %.4g [%.4g, %.4g] against margin %s",
              outcomes.regression() ? "squared-error" : "log-loss",
              interval.mean(),
              interval.low(),
              interval.high(),
              policy.margin()));
    }
    String evidence = String.join("; ", findings) + " at alpha " + brief(alpha) + " per look";
    Tested tested = new Tested(p, interval, ModelEvent.Verdict.CONTINUE, evidence);
    if (worse) {
      return tested.decided(ModelEvent.Verdict.REJECT, "SHADOW_WORSE " + evidence);
    }
    if (better) {
      return tested.decided(ModelEvent.Verdict.PROMOTE, "SHADOW_BETTER " + evidence);
    }
    return tested;
  }

  /** Three significant digits without trailing zeros: 0.01, 0.0167. */
  private static String brief(double value) {
    return BigDecimal.valueOf(value).round(new MathContext(3)).stripTrailingZeros().toPlainString();
  }

  private static Tested timeLimits(
      RetrainingPolicy.Shadow policy, int look, Start start, Instant now, Tested tested) {
    String evidence = tested.reason().isEmpty() ? "" : ": " + tested.reason();
    if (look >= policy.looks()) {
      return tested.decided(
          ModelEvent.Verdict.REJECT,
          "SHADOW_INCONCLUSIVE no decision at the last look (" + look + ")" + evidence);
    }
    if (!now.isBefore(start.since().plus(policy.maxDuration()))) {
      return tested.decided(
          ModelEvent.Verdict.REJECT,
          "SHADOW_INCONCLUSIVE no decision within maxDuration "
              + policy.maxDuration()
              + " at look "
              + look
              + evidence);
    }
    return tested.decided(
        ModelEvent.Verdict.CONTINUE,
        "SHADOW_CONTINUE look " + look + " of " + policy.looks() + evidence);
  }
}

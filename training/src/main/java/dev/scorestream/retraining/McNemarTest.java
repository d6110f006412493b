package dev.scorestream.retraining;

/**
 * McNemar's test on paired right-or-wrong answers of two models on the same events. Only the
 * discordant pairs count: {@code b}, the champion right and the challenger wrong, and {@code c},
 * the reverse. Under the hypothesis that neither is better each discordant pair goes either way
 * with probability 1/2, so the exact test is a binomial tail.
 *
 * <p>The tails are summed in log space (log C(n, k) by the ratio of consecutive terms, then
 * log-sum-exp), so tens of thousands of discordant pairs neither overflow nor underflow, in O(n).
 * The continuity-corrected chi-square is reported beside it, as most texts give it.
 *
 * @param challengerBetterP exact one-sided p-value that the challenger is better: P(X >= c), X ~
 *     Bin(b + c, 1/2)
 * @param championBetterP exact one-sided p-value that the champion is better: P(X >= b)
 * @param twoSidedP exact two-sided p-value, twice the smaller tail, at most 1
 * @param chiSquare continuity-corrected statistic (max(0, |b - c| - 1))^2 / (b + c); 0 when there
 *     are no discordant pairs
 * @param chiSquareP its p-value on one degree of freedom, erfc(sqrt(chi2 / 2))
 */
public record McNemarTest(
    long championOnly,
    long challengerOnly,
    double challengerBetterP,
    double championBetterP,
    double twoSidedP,
    double chiSquare,
    double chiSquareP) {

  private static final double LN2 = Math.log(2);

  /** Coefficients of erfcc, lowest power of t first. */
  private static final double[] ERFC = {
    -1.26551223,
    1.00002368,
    0.37409196,
    0.09678418,
    -0.18628806,
    0.27886807,
    -1.13520398,
    1.48851587,
    -0.82215223,
    0.17087277
  };

  /**
   * @param championOnly b, pairs the champion got right and the challenger wrong
   * @param challengerOnly c, pairs the challenger got right and the champion wrong
   */
  public static McNemarTest of(long championOnly, long challengerOnly) {
    if (championOnly < 0 || challengerOnly < 0) {
      throw new IllegalArgumentException(
          "counts must not be negative, got b=" + championOnly + ", c=" + challengerOnly);
    }
    long n = championOnly + challengerOnly;
    if (n == 0) {
      return new McNemarTest(0, 0, 1, 1, 1, 0, 1);
    }
    double challengerBetter = upperTail(n, challengerOnly);
    double championBetter = upperTail(n, championOnly);
    double twoSided = Math.min(1.0, 2 * Math.min(challengerBetter, championBetter));
    double excess = Math.max(0, Math.abs(championOnly - challengerOnly) - 1.0);
    double chiSquare = excess * excess / n;
    return new McNemarTest(
        championOnly,
        challengerOnly,
        challengerBetter,
        championBetter,
        twoSided,
        chiSquare,
        erfc(Math.sqrt(chiSquare / 2)));
  }

  /** P(X >= k) for X ~ Bin(n, 1/2). */
  static double upperTail(long n, long k) {
    if (k <= 0) {
      return 1.0;
    }
    if (k > n) {
      return 0.0;
    }
    // log C(n, j) for j = k..n by C(n, j + 1) = C(n, j) (n - j) / (j + 1); start from log C(n, k),
    // itself built the same way from log C(n, 0) = 0.
    double logChoose = 0;
    for (long j = 0; j < k; j++) {
      logChoose += Math.log((double) (n - j)) - Math.log((double) (j + 1));
    }
    double max = logChoose;
    double[] terms = new double[(int) (n - k + 1)];
    for (long j = k; j <= n; j++) {
      terms[(int) (j - k)] = logChoose;
      max = Math.max(max, logChoose);
      if (j < n) {
        logChoose += Math.log((double) (n - j)) - Math.log((double) (j + 1));
      }
    }
    double sum = 0;
    for (double term : terms) {
      sum += Math.exp(term - max);
    }
    return Math.min(1.0, Math.exp(max + Math.log(sum) - n * LN2));
  }

  /**
   * The complementary error function, by the Chebyshev fit of Numerical Recipes (erfcc): relative
   * error below 1.2e-7 everywhere, plenty for a p-value that is compared with alpha.
   */
  static double erfc(double x) {
    double z = Math.abs(x);
    double t = 1 / (1 + 0.5 * z);
    double poly = 0;
    for (int i = ERFC.length - 1; i >= 0; i--) {
      poly = poly * t + ERFC[i];
    }
    double value = t * Math.exp(-z * z + poly);
    return x >= 0 ? value : 2 - value;
  }
}

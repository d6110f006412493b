package dev.scorestream.retraining;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A percentile bootstrap interval of the mean of per-pair differences (champion minus challenger
 * log loss, or squared error): resample the pairs with replacement, take each resample's mean, and
 * read the interval off the sorted means. The pairs stay pairs, so what both models found hard
 * cancels out. Seeded, so the same differences, resamples and seed give the same interval on every
 * run and after a restart.
 */
public final class PairedBootstrap {

  private PairedBootstrap() {}

  /**
   * The mean of {@code differences} and its interval from the {@code alpha} to the {@code 1 -
   * alpha} quantile of the resampled means: a one-sided test at level alpha reads one bound.
   *
   * @param alpha in (0, 0.5]
   * @throws IllegalArgumentException for no differences, fewer than one resample, or alpha outside
   *     (0, 0.5]
   */
  public static ModelEvent.Interval interval(
      double[] differences, int resamples, long seed, double alpha) {
    if (differences.length == 0) {
      throw new IllegalArgumentException("no paired differences to resample");
    }
    if (resamples < 1) {
      throw new IllegalArgumentException("resamples must be at least 1, got " + resamples);
    }
    if (!(alpha > 0 && alpha <= 0.5)) {
      throw new IllegalArgumentException("alpha must be in (0, 0.5], got " + alpha);
    }
    int n = differences.length;
    SplittableRandom random = new SplittableRandom(seed);
    double[] means = new double[resamples];
    for (int r = 0; r < resamples; r++) {
      double sum = 0;
      for (int i = 0; i < n; i++) {
        sum += differences[random.nextInt(n)];
      }
      means[r] = sum / n;
    }
    Arrays.sort(means);
    return new ModelEvent.Interval(
        mean(differences), quantile(means, alpha), quantile(means, 1 - alpha));
  }

  static double mean(double[] values) {
    double sum = 0;
    for (double value : values) {
      sum += value;
    }
    return sum / values.length;
  }

  /**
   * The nearest-rank quantile of sorted values: the smallest value with at least q of them below.
   */
  static double quantile(double[] sorted, double q) {
    int rank = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank))];
  }
}

package dev.scorestream.drift;

/**
 * Distances between a baseline distribution and an observed one over the same bins.
 *
 * <p>Empty bins: PSI divides by and takes the logarithm of bin shares, so a share of 0 in either
 * distribution is replaced by {@link #EPSILON} (the convention of most PSI implementations). The
 * Jensen-Shannon distance needs no such replacement: 0 log 0 is taken as 0.
 */
public final class Divergence {

  /** Stand-in share for an empty bin in PSI. */
  public static final double EPSILON = 1e-4;

  private Divergence() {}

  /** Population stability index: sum over bins of (actual - expected) * ln(actual / expected). */
  public static double psi(double[] expected, double[] actual) {
    check(expected, actual);
    double psi = 0;
    for (int i = 0; i < expected.length; i++) {
      double e = Math.max(expected[i], EPSILON);
      double a = Math.max(actual[i], EPSILON);
      psi += (a - e) * Math.log(a / e);
    }
    return psi;
  }

  /**
   * Jensen-Shannon distance with base-2 logarithms: the square root of the JS divergence, a metric
   * in [0, 1] (0 for identical distributions, 1 for disjoint ones).
   */
  public static double jensenShannon(double[] p, double[] q) {
    check(p, q);
    double divergence = 0;
    for (int i = 0; i < p.length; i++) {
      double m = (p[i] + q[i]) / 2;
      divergence += 0.5 * term(p[i], m) + 0.5 * term(q[i], m);
    }
    return Math.sqrt(Math.max(0, Math.min(1, divergence)));
  }

  private static double term(double x, double m) {
    return x <= 0 ? 0 : x * Math.log(x / m) / Math.log(2);
  }

  /** Counts to shares (all zeros stay all zeros). */
  public static double[] shares(long[] counts) {
    long total = 0;
    for (long count : counts) {
      total += count;
    }
    double[] shares = new double[counts.length];
    for (int i = 0; i < counts.length && total > 0; i++) {
      shares[i] = (double) counts[i] / total;
    }
    return shares;
  }

  private static void check(double[] a, double[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException(
          "distributions over different bins: " + a.length + " vs " + b.length);
    }
  }
}

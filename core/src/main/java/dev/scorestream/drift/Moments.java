package dev.scorestream.drift;

/**
 * Count, mean, variance, min and max of a stream of values, updated one value at a time (Welford)
 * and merged pairwise (Chan, Golub and LeVeque), so partial results from different tasks combine
 * exactly. Immutable; each operation returns a new instance.
 *
 * @param m2 sum of squared deviations from the mean
 */
public record Moments(long count, double mean, double m2, double min, double max) {

  public static final Moments EMPTY =
      new Moments(0, 0, 0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY);

  public Moments add(double value) {
    long n = count + 1;
    double delta = value - mean;
    double newMean = mean + delta / n;
    return new Moments(
        n, newMean, m2 + delta * (value - newMean), Math.min(min, value), Math.max(max, value));
  }

  public Moments merge(Moments other) {
    if (other.count == 0) {
      return this;
    }
    if (count == 0) {
      return other;
    }
    long n = count + other.count;
    double delta = other.mean - mean;
    double newMean = mean + delta * other.count / n;
    double newM2 = m2 + other.m2 + delta * delta * ((double) count * other.count / n);
    return new Moments(n, newMean, newM2, Math.min(min, other.min), Math.max(max, other.max));
  }

  /** Sample variance (n - 1 in the denominator); 0 below two values. */
  public double variance() {
    return count < 2 ? 0.0 : m2 / (count - 1);
  }
}

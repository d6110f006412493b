package dev.scorestream.drift;

/**
 * The mutable twin of {@link Moments} for the hot path: the same Welford update and Chan merge
 * without an allocation per value. Public fields so partial aggregates serialize as plain JSON.
 */
public final class RunningMoments {

  public long count;
  public double mean;
  public double m2;
  public double min = Double.POSITIVE_INFINITY;
  public double max = Double.NEGATIVE_INFINITY;

  public void add(double value) {
    count++;
    double delta = value - mean;
    mean += delta / count;
    m2 += delta * (value - mean);
    min = Math.min(min, value);
    max = Math.max(max, value);
  }

  public void merge(RunningMoments other) {
    if (other.count == 0) {
      return;
    }
    if (count == 0) {
      count = other.count;
      mean = other.mean;
      m2 = other.m2;
      min = other.min;
      max = other.max;
      return;
    }
    long n = count + other.count;
    double delta = other.mean - mean;
    mean += delta * other.count / n;
    m2 += other.m2 + delta * delta * ((double) count * other.count / n);
    count = n;
    min = Math.min(min, other.min);
    max = Math.max(max, other.max);
  }

  public Moments snapshot() {
    return count == 0 ? Moments.EMPTY : new Moments(count, mean, m2, min, max);
  }
}

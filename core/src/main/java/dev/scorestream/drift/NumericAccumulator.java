package dev.scorestream.drift;

import dev.scorestream.model.BaselineProfile;
import dev.scorestream.model.BaselineProfiler;
import java.util.Arrays;

/**
 * A numeric feature's window: counts per baseline bin, missing count, moments. Mergeable;
 * immutable.
 */
public record NumericAccumulator(long[] bins, long missing, Moments moments) {

  /** An empty accumulator over the bins of {@code baseline} (edges.length + 1 bins). */
  public static NumericAccumulator empty(BaselineProfile.NumericProfile baseline) {
    return new NumericAccumulator(new long[baseline.edges().length + 1], 0, Moments.EMPTY);
  }

  /** Adds one value; null and non-finite values count as missing. */
  public NumericAccumulator add(double[] edges, Double value) {
    if (value == null || !Double.isFinite(value)) {
      return new NumericAccumulator(bins, missing + 1, moments);
    }
    long[] next = Arrays.copyOf(bins, bins.length);
    next[BaselineProfiler.bin(edges, value)]++;
    return new NumericAccumulator(next, missing, moments.add(value));
  }

  public NumericAccumulator merge(NumericAccumulator other) {
    if (other.bins.length != bins.length) {
      throw new IllegalArgumentException("accumulators over different bins");
    }
    long[] merged = new long[bins.length];
    for (int i = 0; i < bins.length; i++) {
      merged[i] = bins[i] + other.bins[i];
    }
    return new NumericAccumulator(merged, missing + other.missing, moments.merge(other.moments));
  }

  public long count() {
    return moments.count() + missing;
  }

  public FeatureDrift compare(
      String feature, BaselineProfile.NumericProfile baseline, DriftThresholds thresholds) {
    double[] observed = Divergence.shares(bins);
    double psi = moments.count() == 0 ? 0 : Divergence.psi(baseline.proportions(), observed);
    double js =
        moments.count() == 0 ? 0 : Divergence.jensenShannon(baseline.proportions(), observed);
    double missingRate = count() == 0 ? 0 : (double) missing / count();
    DriftStatus status =
        thresholds.status(count(), psi, js, Math.abs(missingRate - baseline.missingRate()));
    return new FeatureDrift(
        feature, count(), missingRate, baseline.missingRate(), psi, js, moments, status);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof NumericAccumulator that
        && Arrays.equals(bins, that.bins)
        && missing == that.missing
        && moments.equals(that.moments);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(bins) + Long.hashCode(missing);
  }

  @Override
  public String toString() {
    return "NumericAccumulator" + Arrays.toString(bins) + " missing=" + missing + " " + moments;
  }
}

package dev.scorestream.drift;

import dev.scorestream.model.BaselineProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A categorical feature's window: counts per category and missing count. Mergeable; immutable.
 * Compared with the baseline over its categories plus one "unseen" bucket for categories training
 * never saw.
 */
public record CategoricalAccumulator(Map<String, Long> counts, long missing) {

  public static final String UNSEEN = "(unseen)";
  public static final CategoricalAccumulator EMPTY = new CategoricalAccumulator(Map.of(), 0);

  public CategoricalAccumulator {
    counts = Map.copyOf(counts);
  }

  public CategoricalAccumulator add(String value) {
    if (value == null) {
      return new CategoricalAccumulator(counts, missing + 1);
    }
    Map<String, Long> next = new TreeMap<>(counts);
    next.merge(value, 1L, Long::sum);
    return new CategoricalAccumulator(next, missing);
  }

  public CategoricalAccumulator merge(CategoricalAccumulator other) {
    Map<String, Long> merged = new TreeMap<>(counts);
    other.counts.forEach((category, count) -> merged.merge(category, count, Long::sum));
    return new CategoricalAccumulator(merged, missing + other.missing);
  }

  public long count() {
    return counts.values().stream().mapToLong(Long::longValue).sum() + missing;
  }

  public FeatureDrift compare(
      String feature, BaselineProfile.CategoricalProfile baseline, DriftThresholds thresholds) {
    List<String> categories = new ArrayList<>(new TreeMap<>(baseline.frequencies()).keySet());
    double[] expected = new double[categories.size() + 1];
    long[] observed = new long[categories.size() + 1];
    for (int i = 0; i < categories.size(); i++) {
      expected[i] = baseline.frequencies().get(categories.get(i));
      observed[i] = counts.getOrDefault(categories.get(i), 0L);
    }
    counts.forEach(
        (category, count) -> {
          if (!baseline.frequencies().containsKey(category)) {
            observed[categories.size()] += count;
          }
        });
    long present = count() - missing;
    double[] shares = Divergence.shares(observed);
    double psi = present == 0 ? 0 : Divergence.psi(expected, shares);
    double js = present == 0 ? 0 : Divergence.jensenShannon(expected, shares);
    double missingRate = count() == 0 ? 0 : (double) missing / count();
    DriftStatus status =
        thresholds.status(count(), psi, js, Math.abs(missingRate - baseline.missingRate()));
    return new FeatureDrift(
        feature, count(), missingRate, baseline.missingRate(), psi, js, Moments.EMPTY, status);
  }
}

package dev.scorestream.model;

import dev.scorestream.features.FeatureExtractor;
import dev.scorestream.features.FeatureExtractor.FeatureField;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.generic.GenericRecord;

/**
 * Computes a {@link BaselineProfile} from training records, over the same fields the {@link
 * FeatureExtractor} turns into features. Numeric bins are the distinct deciles of the data, so each
 * bin holds about a tenth of the training values.
 */
public final class BaselineProfiler {

  static final int QUANTILE_BINS = 10;

  private BaselineProfiler() {}

  public static BaselineProfile profile(
      FeatureExtractor extractor, List<GenericRecord> records, List<String> labels) {
    Map<String, BaselineProfile.NumericProfile> numeric = new TreeMap<>();
    Map<String, BaselineProfile.CategoricalProfile> categorical = new TreeMap<>();
    int total = records.size();
    for (FeatureField field : extractor.fields()) {
      if (field.kind() == FeatureExtractor.FeatureKind.CATEGORICAL) {
        categorical.put(field.name(), categoricalProfile(field, records));
      } else {
        numeric.put(field.name(), numericProfile(field, records));
      }
    }
    Map<String, Double> labelShares = new TreeMap<>();
    for (String label : labels) {
      labelShares.merge(label, 1.0 / Math.max(1, labels.size()), Double::sum);
    }
    return new BaselineProfile(total, numeric, categorical, labelShares);
  }

  private static BaselineProfile.NumericProfile numericProfile(
      FeatureField field, List<GenericRecord> records) {
    double[] values = new double[records.size()];
    int n = 0;
    for (GenericRecord record : records) {
      Object value = record.get(field.position());
      if (value instanceof Number number && Double.isFinite(number.doubleValue())) {
        values[n++] = number.doubleValue();
      } else if (value instanceof Boolean flag) {
        values[n++] = flag ? 1.0 : 0.0;
      }
    }
    double missingRate = records.isEmpty() ? 0.0 : 1.0 - (double) n / records.size();
    if (n == 0) {
      return new BaselineProfile.NumericProfile(
          new double[0], new double[] {1.0}, missingRate, 0, 0, 0, 0);
    }
    double[] sorted = Arrays.copyOf(values, n);
    Arrays.sort(sorted);
    double[] edges = quantileEdges(sorted);
    double[] proportions = new double[edges.length + 1];
    double mean = 0;
    double m2 = 0;
    for (int i = 0; i < n; i++) {
      proportions[bin(edges, sorted[i])] += 1.0 / n;
      double delta = sorted[i] - mean;
      mean += delta / (i + 1);
      m2 += delta * (sorted[i] - mean);
    }
    double variance = n > 1 ? m2 / (n - 1) : 0.0;
    return new BaselineProfile.NumericProfile(
        edges, proportions, missingRate, mean, variance, sorted[0], sorted[n - 1]);
  }

  /** Distinct interior deciles; a constant field gets one edge at its value. */
  static double[] quantileEdges(double[] sorted) {
    List<Double> edges = new ArrayList<>();
    for (int q = 1; q < QUANTILE_BINS; q++) {
      double edge =
          sorted[
              (int)
                  Math.min(
                      sorted.length - 1, Math.floor((double) q * sorted.length / QUANTILE_BINS))];
      if (edges.isEmpty() || edge > edges.get(edges.size() - 1)) {
        edges.add(edge);
      }
    }
    return edges.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** Index of the bin holding {@code value}: bin i covers [edges[i-1], edges[i]). */
  public static int bin(double[] edges, double value) {
    int index = Arrays.binarySearch(edges, value);
    return index >= 0 ? index + 1 : -index - 1;
  }

  private static BaselineProfile.CategoricalProfile categoricalProfile(
      FeatureField field, List<GenericRecord> records) {
    Map<String, Long> counts = new TreeMap<>();
    long present = 0;
    for (GenericRecord record : records) {
      Object value = record.get(field.position());
      if (value != null) {
        counts.merge(value.toString(), 1L, Long::sum);
        present++;
      }
    }
    Map<String, Double> frequencies = new LinkedHashMap<>();
    long denominator = Math.max(1, present);
    counts.forEach((category, count) -> frequencies.put(category, (double) count / denominator));
    double missingRate = records.isEmpty() ? 0.0 : 1.0 - (double) present / records.size();
    return new BaselineProfile.CategoricalProfile(frequencies, missingRate);
  }
}

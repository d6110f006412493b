package dev.scorestream.drift;

import dev.scorestream.features.FeatureExtractor.FeatureField;
import dev.scorestream.features.FeatureExtractor.FeatureKind;
import dev.scorestream.model.BaselineProfile;
import dev.scorestream.model.BaselineProfiler;
import dev.scorestream.model.ModelScorer;
import dev.scorestream.model.ScoreResult;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.generic.GenericRecord;

/**
 * Drift statistics of some of one window's events, all scored by one model version: per feature a
 * histogram over the model baseline's bins (numeric) or category counts (categorical), missing
 * count and moments; predicted label counts and score moments. Mutable so the hot path does not
 * allocate per event; every field merges by addition (moments by Chan's formula), so partials from
 * any number of tasks combine into the numbers one task would have computed. Public fields:
 * partials travel as JSON.
 */
public final class DriftPartial {

  /**
   * One numeric or boolean feature. {@code missing} counts null and non-finite values and the
   * values the reader schema's default filled in; {@code defaulted} counts the latter alone.
   */
  public static final class NumericStats {
    public long[] bins = new long[0];
    public long missing;
    public long defaulted;
    public RunningMoments moments = new RunningMoments();

    void merge(NumericStats other) {
      if (bins.length < other.bins.length) {
        bins = java.util.Arrays.copyOf(bins, other.bins.length);
      }
      for (int i = 0; i < other.bins.length; i++) {
        bins[i] += other.bins[i];
      }
      missing += other.missing;
      defaulted += other.defaulted;
      moments.merge(other.moments);
    }

    public NumericAccumulator toAccumulator() {
      return new NumericAccumulator(bins.clone(), missing, moments.snapshot());
    }
  }

  /**
   * One categorical feature, or the predicted labels. Bounded, so one record (a megabyte-long
   * value) or a high-cardinality field cannot make a partial too large for its repartition topic:
   * values are cut to {@value #MAX_CATEGORY_CHARS} characters, and beyond {@value #MAX_CATEGORIES}
   * distinct values the rest is counted as {@value #OTHER}.
   */
  public static final class CategoricalStats {
    public static final int MAX_CATEGORIES = 256;
    public static final int MAX_CATEGORY_CHARS = 128;
    public static final String OTHER = "(other)";

    public Map<String, Long> counts =
        new HashMap<>(); // hashed: merged per event; reports sort them
    public long missing;
    public long defaulted;

    void add(String value) {
      if (value == null) {
        missing++;
      } else {
        count(value, 1L);
      }
    }

    void merge(CategoricalStats other) {
      other.counts.forEach(this::count);
      missing += other.missing;
      defaulted += other.defaulted;
    }

    private void count(String value, long count) {
      String category =
          value.length() > MAX_CATEGORY_CHARS ? value.substring(0, MAX_CATEGORY_CHARS) : value;
      if (counts.size() >= MAX_CATEGORIES && !counts.containsKey(category)) {
        category = OTHER;
      }
      counts.merge(category, count, Long::sum);
    }

    public CategoricalAccumulator toAccumulator() {
      return new CategoricalAccumulator(counts, missing);
    }
  }

  public long events;
  public Map<String, NumericStats> numeric = new TreeMap<>();
  public Map<String, CategoricalStats> categorical = new TreeMap<>();
  public CategoricalStats predictedLabels = new CategoricalStats();
  public Map<String, RunningMoments> scores = new HashMap<>();
  public RunningMoments predictedValue = new RunningMoments();

  // Per-field slots for add(), set by empty(); a partial read back from JSON only merges.
  private transient FeatureField[] fields;
  private transient double[][] edges;
  private transient NumericStats[] numericSlots;
  private transient CategoricalStats[] categoricalSlots;

  /**
   * An empty partial with a slot per feature, numeric bins laid out by {@code baseline}'s edges.
   */
  public static DriftPartial empty(List<FeatureField> fields, BaselineProfile baseline) {
    DriftPartial partial = new DriftPartial();
    partial.attach(fields, baseline);
    return partial;
  }

  /**
   * True once {@link #add} can be used: made by {@link #empty}, or read back and {@link #attach}ed.
   */
  public boolean attached() {
    return fields != null;
  }

  /**
   * Prepares a partial read back from JSON (a restored checkpoint) to take more events: points the
   * per-field slots at its statistics, creating those it lacks.
   */
  public void attach(List<FeatureField> fieldList, BaselineProfile baseline) {
    int n = fieldList.size();
    fields = fieldList.toArray(new FeatureField[0]);
    edges = new double[n][];
    numericSlots = new NumericStats[n];
    categoricalSlots = new CategoricalStats[n];
    for (int i = 0; i < n; i++) {
      FeatureField field = fields[i];
      if (field.kind() == FeatureKind.CATEGORICAL) {
        categoricalSlots[i] =
            categorical.computeIfAbsent(field.name(), name -> new CategoricalStats());
      } else {
        BaselineProfile.NumericProfile profile =
            baseline == null ? null : baseline.numeric().get(field.name());
        edges[i] = profile == null ? new double[0] : profile.edges();
        NumericStats stats = numeric.computeIfAbsent(field.name(), name -> new NumericStats());
        if (stats.bins.length != edges[i].length + 1) {
          stats.bins = java.util.Arrays.copyOf(stats.bins, edges[i].length + 1);
        }
        numericSlots[i] = stats;
      }
    }
  }

  /**
   * Adds one scored event (its sanitized record, as the feature extractor saw it). Only on partials
   * from empty().
   */
  public void add(GenericRecord event, ScoreResult result) {
    add(event, result, null);
  }

  /**
   * As {@link #add(GenericRecord, ScoreResult)}, for an event whose writer schema lacks some
   * fields: feature {@code i} is the reader's default when {@code defaulted[i]} is true, which is
   * no observation, so it counts as missing (and defaulted) instead of in the histogram.
   *
   * @param defaulted per feature (in the order of the fields this partial was made for), or null
   *     when the writer schema has every field
   */
  public void add(GenericRecord event, ScoreResult result, boolean[] defaulted) {
    events++;
    for (int i = 0; i < fields.length; i++) {
      if (defaulted != null && defaulted[i]) {
        countDefaulted(i);
        continue;
      }
      Object value = event.get(fields[i].position());
      if (categoricalSlots[i] != null) {
        categoricalSlots[i].add(value == null ? null : value.toString());
        continue;
      }
      NumericStats stats = numericSlots[i];
      double number;
      if (value instanceof Number n) {
        number = n.doubleValue();
      } else if (value instanceof Boolean flag) {
        number = flag ? 1.0 : 0.0;
      } else {
        stats.missing++;
        continue;
      }
      if (!Double.isFinite(number)) {
        stats.missing++;
        continue;
      }
      stats.bins[BaselineProfiler.bin(edges[i], number)]++;
      stats.moments.add(number);
    }
    Map<String, Double> scoreMap = result.scores();
    if (scoreMap.size() == 1 && scoreMap.containsKey(ModelScorer.VALUE)) {
      predictedValue.add(scoreMap.get(ModelScorer.VALUE));
      return;
    }
    predictedLabels.add(result.label());
    scoreMap.forEach(
        (label, score) -> scores.computeIfAbsent(label, l -> new RunningMoments()).add(score));
  }

  private void countDefaulted(int field) {
    if (categoricalSlots[field] != null) {
      categoricalSlots[field].missing++;
      categoricalSlots[field].defaulted++;
    } else {
      numericSlots[field].missing++;
      numericSlots[field].defaulted++;
    }
  }

  public void merge(DriftPartial other) {
    events += other.events;
    other.numeric.forEach(
        (name, stats) -> numeric.computeIfAbsent(name, n -> new NumericStats()).merge(stats));
    other.categorical.forEach(
        (name, stats) ->
            categorical.computeIfAbsent(name, n -> new CategoricalStats()).merge(stats));
    predictedLabels.merge(other.predictedLabels);
    other.scores.forEach(
        (label, moments) ->
            scores.computeIfAbsent(label, l -> new RunningMoments()).merge(moments));
    predictedValue.merge(other.predictedValue);
  }
}

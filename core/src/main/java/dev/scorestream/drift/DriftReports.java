package dev.scorestream.drift;

import dev.scorestream.features.FeatureExtractor.FeatureField;
import dev.scorestream.features.FeatureExtractor.FeatureKind;
import dev.scorestream.model.BaselineProfile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Turns one closed window's merged {@link DriftPartial} into a {@code DriftReport} record (schemas
 * module, {@code DriftReport.avsc}) and a {@link Summary} for metrics.
 */
public final class DriftReports {

  private final Schema schema;
  private final Schema featureSchema;
  private final Schema predictionSchema;
  private final Schema statusSchema;
  private final Schema kindSchema;
  private final List<FeatureField> fields;
  private final DriftThresholds thresholds;

  public DriftReports(Schema schema, List<FeatureField> fields, DriftThresholds thresholds) {
    this.schema = schema;
    this.featureSchema = schema.getField("features").schema().getElementType();
    this.predictionSchema = schema.getField("prediction").schema();
    this.statusSchema = schema.getField("overall_status").schema();
    this.kindSchema = featureSchema.getField("kind").schema();
    this.fields = fields;
    this.thresholds = thresholds;
  }

  /** What a report says, for metrics and the demo summary. */
  public record Summary(
      long windowStart,
      String modelVersion,
      long events,
      long lateEvents,
      DriftStatus overall,
      Map<String, FeatureDrift> features,
      FeatureDrift prediction) {}

  /** A built report: the Avro record and its summary. */
  public record Report(GenericRecord record, Summary summary) {}

  /**
   * @param baseline the model version's training baseline, or null when it is no longer known (the
   *     report then carries statistics without distances and no verdict)
   */
  public Report build(
      long windowStart,
      long windowEnd,
      String modelVersion,
      DriftPartial merged,
      BaselineProfile baseline,
      long lateEvents) {
    Map<String, FeatureDrift> drifts = new LinkedHashMap<>();
    List<GenericRecord> features = new ArrayList<>();
    DriftStatus overall = DriftStatus.INSUFFICIENT_DATA;
    for (FeatureField field : fields) {
      GenericRecord stats = new GenericData.Record(featureSchema);
      stats.put("name", field.name());
      stats.put("kind", new GenericData.EnumSymbol(kindSchema, field.kind().name()));
      FeatureDrift drift =
          field.kind() == FeatureKind.CATEGORICAL
              ? categorical(field.name(), merged, baseline, stats)
              : numeric(field.name(), merged, baseline, stats);
      stats.put("count", drift.count());
      stats.put("missing_rate", drift.missingRate());
      stats.put("baseline_missing_rate", drift.baselineMissingRate());
      boolean judged = baseline != null && !Double.isNaN(drift.psi());
      stats.put("psi", judged ? drift.psi() : null);
      stats.put("js_distance", judged ? drift.jensenShannon() : null);
      stats.put("status", status(drift.status()));
      stats.put("defaulted_rate", defaultedRate(field, merged, drift.count()));
      overall = overall.worst(drift.status());
      drifts.put(field.name(), drift);
      features.add(stats);
    }
    FeatureDrift prediction = predictionDrift(merged, baseline);
    overall = overall.worst(prediction.status());
    GenericRecord predictionStats = predictionStats(merged, prediction);

    GenericRecord report = new GenericData.Record(schema);
    report.put("window_start", windowStart);
    report.put("window_end", windowEnd);
    report.put("event_count", merged.events);
    report.put("late_events", lateEvents);
    report.put("model_version", modelVersion);
    report.put(
        "baseline_id",
        baseline == null
            ? modelVersion + "/unavailable"
            : modelVersion + "/" + baseline.examples());
    report.put("baseline_available", baseline != null);
    report.put("overall_status", status(overall));
    report.put("features", features);
    report.put("prediction", predictionStats);
    return new Report(
        report,
        new Summary(
            windowStart, modelVersion, merged.events, lateEvents, overall, drifts, prediction));
  }

  /** A categorical feature's statistics into {@code stats}; its drift against the baseline. */
  private FeatureDrift categorical(
      String name, DriftPartial merged, BaselineProfile baseline, GenericRecord stats) {
    DriftPartial.CategoricalStats observed =
        merged.categorical.getOrDefault(name, new DriftPartial.CategoricalStats());
    BaselineProfile.CategoricalProfile profile =
        baseline == null ? null : baseline.categorical().get(name);
    stats.put("categories", new TreeMap<>(observed.counts));
    stats.put(
        "unseen",
        profile == null
            ? 0L
            : observed.counts.entrySet().stream()
                .filter(e -> !profile.frequencies().containsKey(e.getKey()))
                .mapToLong(Map.Entry::getValue)
                .sum());
    stats.put("bin_edges", List.of());
    stats.put("histogram", List.of());
    return profile == null
        ? statsOnly(name, observed.toAccumulator().count(), observed.missing, Moments.EMPTY)
        : observed.toAccumulator().compare(name, profile, thresholds);
  }

  /** A numeric feature's statistics into {@code stats}; its drift against the baseline. */
  private FeatureDrift numeric(
      String name, DriftPartial merged, BaselineProfile baseline, GenericRecord stats) {
    DriftPartial.NumericStats observed = merged.numeric.get(name);
    if (observed == null) {
      observed = new DriftPartial.NumericStats();
    }
    BaselineProfile.NumericProfile profile = baseline == null ? null : baseline.numeric().get(name);
    boolean comparable = profile != null && profile.edges().length + 1 == observed.bins.length;
    Moments moments = observed.moments.snapshot();
    stats.put("mean", moments.count() == 0 ? null : moments.mean());
    stats.put("variance", moments.count() == 0 ? null : moments.variance());
    stats.put("min", moments.count() == 0 ? null : moments.min());
    stats.put("max", moments.count() == 0 ? null : moments.max());
    stats.put("bin_edges", profile == null ? List.of() : boxed(profile.edges()));
    stats.put("histogram", boxed(observed.bins));
    stats.put("categories", Map.of());
    stats.put("unseen", 0L);
    return comparable
        ? observed.toAccumulator().compare(name, profile, thresholds)
        : statsOnly(name, moments.count() + observed.missing, observed.missing, moments);
  }

  /** The share of the window's values that were the reader's default (writer lacked the field). */
  private static double defaultedRate(FeatureField field, DriftPartial merged, long count) {
    if (count == 0) {
      return 0.0;
    }
    long defaulted;
    if (field.kind() == FeatureKind.CATEGORICAL) {
      DriftPartial.CategoricalStats stats = merged.categorical.get(field.name());
      defaulted = stats == null ? 0 : stats.defaulted;
    } else {
      DriftPartial.NumericStats stats = merged.numeric.get(field.name());
      defaulted = stats == null ? 0 : stats.defaulted;
    }
    return (double) defaulted / count;
  }

  private GenericRecord predictionStats(DriftPartial merged, FeatureDrift prediction) {
    GenericRecord predictionStats = new GenericData.Record(predictionSchema);
    predictionStats.put("count", merged.events);
    predictionStats.put("label_counts", new TreeMap<>(merged.predictedLabels.counts));
    Map<String, Double> meanScores = new TreeMap<>();
    merged.scores.forEach((label, moments) -> meanScores.put(label, moments.mean));
    predictionStats.put("mean_scores", meanScores);
    predictionStats.put(
        "mean_value", merged.predictedValue.count == 0 ? null : merged.predictedValue.mean);
    boolean judged = !Double.isNaN(prediction.psi());
    predictionStats.put("psi", judged ? prediction.psi() : null);
    predictionStats.put("js_distance", judged ? prediction.jensenShannon() : null);
    predictionStats.put("status", status(prediction.status()));
    return predictionStats;
  }

  /** Predicted labels against the training label distribution (classification only). */
  private FeatureDrift predictionDrift(DriftPartial merged, BaselineProfile baseline) {
    if (baseline == null || baseline.labels() == null || baseline.labels().isEmpty()) {
      return statsOnly("prediction", merged.events, 0, merged.predictedValue.snapshot());
    }
    return merged
        .predictedLabels
        .toAccumulator()
        .compare(
            "prediction",
            new BaselineProfile.CategoricalProfile(baseline.labels(), 0.0),
            thresholds);
  }

  /** Statistics without a reference: no distances, no verdict. */
  private static FeatureDrift statsOnly(String name, long count, long missing, Moments moments) {
    double missingRate = count == 0 ? 0 : (double) missing / count;
    return new FeatureDrift(
        name,
        count,
        missingRate,
        Double.NaN,
        Double.NaN,
        Double.NaN,
        moments,
        DriftStatus.INSUFFICIENT_DATA);
  }

  private GenericData.EnumSymbol status(DriftStatus status) {
    return new GenericData.EnumSymbol(statusSchema, status.name());
  }

  private static List<Double> boxed(double[] values) {
    List<Double> list = new ArrayList<>(values.length);
    for (double value : values) {
      list.add(value);
    }
    return list;
  }

  private static List<Long> boxed(long[] values) {
    List<Long> list = new ArrayList<>(values.length);
    for (long value : values) {
      list.add(value);
    }
    return list;
  }
}

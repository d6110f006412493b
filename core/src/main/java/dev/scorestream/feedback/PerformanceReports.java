package dev.scorestream.feedback;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Turns a closed label window's merged {@link PerformancePartial} into a {@code PerformanceReport}.
 */
public final class PerformanceReports {

  private final Schema schema;
  private final Schema classSchema;
  private final Schema delaySchema;

  public PerformanceReports(Schema schema) {
    this.schema = schema;
    this.classSchema = schema.getField("per_class").schema().getValueType();
    this.delaySchema = schema.getField("label_delay").schema();
  }

  /** What a report says, for metrics and the demo summary. */
  public record Summary(
      long windowStart,
      String modelVersion,
      long labels,
      long matched,
      long unmatched,
      long duplicates,
      Double accuracy,
      Double baselineAccuracy,
      Double logLoss) {}

  public record Report(GenericRecord record, Summary summary) {}

  /**
   * @param baselineAccuracy the model's held-out accuracy, or null when unknown
   */
  public Report build(
      long windowStart,
      long windowEnd,
      String modelVersion,
      PerformancePartial merged,
      Double baselineAccuracy,
      long lateLabels) {
    GenericRecord report = new GenericData.Record(schema);
    report.put("window_start", windowStart);
    report.put("window_end", windowEnd);
    report.put("model_version", modelVersion);
    report.put("labels", merged.labels);
    report.put("matched", merged.matched);
    report.put("unmatched", merged.unmatched);
    report.put("duplicates", merged.duplicates);
    report.put("late_labels", lateLabels);
    report.put("accuracy", merged.accuracy());
    report.put("baseline_accuracy", baselineAccuracy);
    report.put("log_loss", merged.logLoss());
    Map<String, GenericRecord> perClass = new TreeMap<>();
    merged.perClass.forEach(
        (label, counts) -> {
          GenericRecord stats = new GenericData.Record(classSchema);
          stats.put("support", counts.support);
          stats.put("predicted", counts.predicted);
          stats.put("true_positives", counts.truePositives);
          stats.put(
              "precision",
              counts.predicted == 0 ? null : (double) counts.truePositives / counts.predicted);
          stats.put(
              "recall",
              counts.support == 0 ? null : (double) counts.truePositives / counts.support);
          perClass.put(label, stats);
        });
    report.put("per_class", perClass);
    report.put(
        "rmse",
        merged.regressionCount == 0
            ? null
            : Math.sqrt(merged.squaredErrorSum / merged.regressionCount));
    report.put(
        "mae",
        merged.regressionCount == 0 ? null : merged.absoluteErrorSum / merged.regressionCount);
    GenericRecord delay = new GenericData.Record(delaySchema);
    delay.put("mean_ms", merged.delay.count == 0 ? null : merged.delay.mean);
    delay.put("max_ms", merged.delay.count == 0 ? null : (long) merged.delay.max);
    List<Long> bounds = new ArrayList<>();
    for (long bound : PerformancePartial.DELAY_BUCKETS) {
      bounds.add(bound);
    }
    List<Long> counts = new ArrayList<>();
    for (long count : merged.delayBuckets) {
      counts.add(count);
    }
    delay.put("bucket_upper_ms", bounds);
    delay.put("bucket_counts", counts);
    report.put("label_delay", delay);
    return new Report(
        report,
        new Summary(
            windowStart,
            modelVersion,
            merged.labels,
            merged.matched,
            merged.unmatched,
            merged.duplicates,
            merged.accuracy(),
            baselineAccuracy,
            merged.logLoss()));
  }
}

package dev.scorestream.feedback;

import dev.scorestream.drift.RunningMoments;
import java.util.Map;
import java.util.TreeMap;

/**
 * Live quality of some of one label window's labels, for one model version. Mutable and mergeable
 * by addition, like {@link dev.scorestream.drift.DriftPartial}; public fields so it travels as
 * JSON.
 */
public final class PerformancePartial {

  /**
   * Upper bounds of the label-delay buckets: 1 min, 5 min, 15 min, 1 h, 6 h, 1 day, 7 days; then
   * open.
   */
  public static final long[] DELAY_BUCKETS = {
    60_000L, 300_000L, 900_000L, 3_600_000L, 21_600_000L, 86_400_000L, 604_800_000L
  };

  /** Counts for one class: labels of it, predictions of it, and both (true positives). */
  public static final class ClassCounts {
    public long support;
    public long predicted;
    public long truePositives;
  }

  public long labels;
  public long matched;
  public long unmatched;
  public long duplicates;
  public long correct;
  public double logLossSum;
  public long logLossCount;
  public Map<String, ClassCounts> perClass = new TreeMap<>();
  public double squaredErrorSum;
  public double absoluteErrorSum;
  public long regressionCount;
  public RunningMoments delay = new RunningMoments();
  public long[] delayBuckets = new long[DELAY_BUCKETS.length + 1];

  /** Smallest probability used in log loss, so a confident miss costs ln(1e15), not infinity. */
  public static final double MIN_PROBABILITY = 1e-15;

  public void add(FeedbackResult result) {
    labels++;
    if (result instanceof FeedbackResult.Unmatched) {
      unmatched++;
      return;
    }
    if (result instanceof FeedbackResult.Duplicate) {
      duplicates++;
      return;
    }
    FeedbackResult.Matched joined = (FeedbackResult.Matched) result;
    PredictionSnapshots.Snapshot prediction = joined.prediction();
    matched++;
    long delayMs = Math.max(0, joined.labelTime() - prediction.eventTime());
    delay.add(delayMs);
    delayBuckets[bucket(delayMs)]++;
    if (joined.value() != null && prediction.predictedValue() != null) {
      double error = prediction.predictedValue() - joined.value();
      squaredErrorSum += error * error;
      absoluteErrorSum += Math.abs(error);
      regressionCount++;
      return;
    }
    String truth = joined.label();
    String predicted = prediction.predictedLabel();
    perClass.computeIfAbsent(truth, l -> new ClassCounts()).support++;
    perClass.computeIfAbsent(predicted, l -> new ClassCounts()).predicted++;
    if (truth.equals(predicted)) {
      correct++;
      perClass.get(truth).truePositives++;
    }
    Double score = prediction.scores().get(truth);
    logLossSum += -Math.log(Math.max(MIN_PROBABILITY, score == null ? 0.0 : score));
    logLossCount++;
  }

  static int bucket(long delayMs) {
    for (int i = 0; i < DELAY_BUCKETS.length; i++) {
      if (delayMs < DELAY_BUCKETS[i]) {
        return i;
      }
    }
    return DELAY_BUCKETS.length;
  }

  public void merge(PerformancePartial other) {
    labels += other.labels;
    matched += other.matched;
    unmatched += other.unmatched;
    duplicates += other.duplicates;
    correct += other.correct;
    logLossSum += other.logLossSum;
    logLossCount += other.logLossCount;
    other.perClass.forEach(
        (label, counts) -> {
          ClassCounts mine = perClass.computeIfAbsent(label, l -> new ClassCounts());
          mine.support += counts.support;
          mine.predicted += counts.predicted;
          mine.truePositives += counts.truePositives;
        });
    squaredErrorSum += other.squaredErrorSum;
    absoluteErrorSum += other.absoluteErrorSum;
    regressionCount += other.regressionCount;
    delay.merge(other.delay);
    for (int i = 0; i < delayBuckets.length && i < other.delayBuckets.length; i++) {
      delayBuckets[i] += other.delayBuckets[i];
    }
  }

  /** Classification accuracy over matched labels, or null without any. */
  public Double accuracy() {
    long classified = matched - regressionCount;
    return classified <= 0 ? null : (double) correct / classified;
  }

  public Double logLoss() {
    return logLossCount == 0 ? null : logLossSum / logLossCount;
  }
}

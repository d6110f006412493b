package dev.scorestream.retraining;

import dev.scorestream.model.Evaluation;
import dev.scorestream.model.Task;

/**
 * A figure a model is judged by, offline or live: accuracy (higher is better), log loss and RMSE
 * (lower is better). Knowing the direction here keeps every gate and trigger from spelling out the
 * sign of a comparison again.
 */
public enum QualityMetric {
  ACCURACY("accuracy", true, Task.CLASSIFICATION),
  LOG_LOSS("logLoss", false, Task.CLASSIFICATION),
  RMSE("rmse", false, Task.REGRESSION);

  private final String code;
  private final boolean higherIsBetter;
  private final Task task;

  QualityMetric(String code, boolean higherIsBetter, Task task) {
    this.code = code;
    this.higherIsBetter = higherIsBetter;
    this.task = task;
  }

  /** The name the policy file uses. */
  public String code() {
    return code;
  }

  public boolean higherIsBetter() {
    return higherIsBetter;
  }

  /** The task whose models this metric measures. */
  public Task task() {
    return task;
  }

  /** The metric named {@code code} in a policy file, or null. */
  public static QualityMetric of(String code) {
    for (QualityMetric metric : values()) {
      if (metric.code.equals(code)) {
        return metric;
      }
    }
    return null;
  }

  /** The metric an evaluation of a model of {@code task} is compared on when none is declared. */
  public static QualityMetric defaultFor(Task task) {
    return task == Task.REGRESSION ? RMSE : ACCURACY;
  }

  /**
   * How much better {@code value} is than {@code reference}: positive when better, whichever way
   * the metric runs.
   */
  public double gain(double reference, double value) {
    return higherIsBetter ? value - reference : reference - value;
  }

  /** This metric of an evaluation, or null when the evaluation did not measure it. */
  public Double of(Evaluation evaluation) {
    return switch (this) {
      case ACCURACY -> evaluation.accuracy();
      case LOG_LOSS -> evaluation.logLoss();
      case RMSE -> evaluation.rmse();
    };
  }
}

package dev.scorestream.retraining;

import java.time.Instant;
import java.util.Comparator;

/**
 * What the loop needs of one {@code PerformanceReport}: live quality of one model version in one
 * label window. The live-quality trigger reads the champion's windows, the rollback watch the new
 * champion's and, for the reference, the previous one's.
 *
 * @param matched labels joined with a prediction of this version
 * @param accuracy null when not measured (regression, or no matched label)
 * @param logLoss null when not measured
 * @param rmse null when not measured (classification)
 */
public record PerformanceWindow(
    Instant windowStart,
    String modelVersion,
    long matched,
    Double accuracy,
    Double logLoss,
    Double rmse) {

  public static final Comparator<PerformanceWindow> BY_START =
      Comparator.comparing(PerformanceWindow::windowStart);

  /** This window's figure for {@code metric}, or null. */
  public Double value(QualityMetric metric) {
    return switch (metric) {
      case ACCURACY -> accuracy;
      case LOG_LOSS -> logLoss;
      case RMSE -> rmse;
    };
  }
}

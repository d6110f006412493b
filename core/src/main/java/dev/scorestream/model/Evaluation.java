package dev.scorestream.model;

import java.util.Map;

/**
 * Quality of a model on held-out data. Classification fills accuracy, log loss, per-class metrics
 * and the confusion matrix; regression fills RMSE, MAE and R²; the other group is null.
 *
 * @param testExamples size of the held-out split
 * @param accuracy fraction predicted right
 * @param logLoss mean negative log of the score given to the true label (scores clipped at 1e-15)
 * @param perClass precision, recall, F1 and support per label
 * @param confusion counts by true label, then predicted label
 * @param rmse root mean squared error
 * @param mae mean absolute error
 * @param r2 coefficient of determination
 */
public record Evaluation(
    int testExamples,
    Double accuracy,
    Double logLoss,
    Map<String, ClassMetrics> perClass,
    Map<String, Map<String, Long>> confusion,
    Double rmse,
    Double mae,
    Double r2) {

  /** Metrics of one label. */
  public record ClassMetrics(double precision, double recall, double f1, long support) {}

  public static Evaluation classification(
      int testExamples,
      double accuracy,
      double logLoss,
      Map<String, ClassMetrics> perClass,
      Map<String, Map<String, Long>> confusion) {
    return new Evaluation(testExamples, accuracy, logLoss, perClass, confusion, null, null, null);
  }

  public static Evaluation regression(int testExamples, double rmse, double mae, double r2) {
    return new Evaluation(testExamples, null, null, null, null, rmse, mae, r2);
  }
}

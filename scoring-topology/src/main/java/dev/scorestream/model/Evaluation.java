package dev.scorestream.model;

import java.util.Map;

/**
 * Quality of a classification model on held-out data.
 *
 * @param testExamples size of the held-out split
 * @param accuracy fraction predicted right
 * @param logLoss mean negative log of the score given to the true label (scores clipped at 1e-15)
 * @param perClass precision, recall, F1 and support per label
 * @param confusion counts by true label, then predicted label
 */
public record Evaluation(
    int testExamples,
    double accuracy,
    double logLoss,
    Map<String, ClassMetrics> perClass,
    Map<String, Map<String, Long>> confusion) {

  /** Metrics of one label. */
  public record ClassMetrics(double precision, double recall, double f1, long support) {
  }
}

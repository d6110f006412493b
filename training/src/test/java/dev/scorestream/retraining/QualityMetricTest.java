package dev.scorestream.retraining;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.model.Evaluation;
import dev.scorestream.model.Task;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QualityMetricTest {

  @Test
  void shouldCountAGainPositiveWhicheverWayTheMetricRuns() {
    assertThat(QualityMetric.ACCURACY.gain(0.80, 0.85)).isPositive();
    assertThat(QualityMetric.LOG_LOSS.gain(0.40, 0.35)).isPositive();
    assertThat(QualityMetric.RMSE.gain(3.0, 3.5)).isNegative();
  }

  @Test
  void shouldReadItsFigureFromAnEvaluation() {
    Evaluation classification = Evaluation.classification(10, 0.9, 0.2, Map.of(), Map.of());

    assertThat(QualityMetric.ACCURACY.of(classification)).isEqualTo(0.9);
    assertThat(QualityMetric.LOG_LOSS.of(classification)).isEqualTo(0.2);
    assertThat(QualityMetric.RMSE.of(classification)).isNull();
    assertThat(QualityMetric.RMSE.of(Evaluation.regression(10, 1.5, 1, 0.3))).isEqualTo(1.5);
  }

  @Test
  void shouldBeNamedAsThePolicyNamesIt() {
    assertThat(QualityMetric.of("logLoss")).isEqualTo(QualityMetric.LOG_LOSS);
    assertThat(QualityMetric.of("log_loss")).isNull();
    assertThat(QualityMetric.defaultFor(Task.REGRESSION)).isEqualTo(QualityMetric.RMSE);
    assertThat(QualityMetric.defaultFor(Task.CLASSIFICATION)).isEqualTo(QualityMetric.ACCURACY);
  }
}

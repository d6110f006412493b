package dev.scorestream.retraining;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.scorestream.model.Evaluation;
import dev.scorestream.retraining.ModelEvent.GateResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OfflineGateTest {

  static final RetrainingPolicy.Offline ACCURACY =
      new RetrainingPolicy.Offline(QualityMetric.ACCURACY, 0.005, 500, 0.02, null);

  static Evaluation classified(int rows, double accuracy, double logLoss) {
    return Evaluation.classification(rows, accuracy, logLoss, Map.of(), Map.of());
  }

  static OfflineGate.Comparison comparison(
      double champion, double candidate, double championPerturbed, double candidatePerturbed) {
    return new OfflineGate.Comparison(
        classified(800, champion, 0.3),
        classified(800, candidate, 0.3),
        classified(800, championPerturbed, 0.3),
        classified(800, candidatePerturbed, 0.3),
        null);
  }

  static GateResult named(List<GateResult> results, String name) {
    return results.stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void shouldPassACandidateThatBeatsTheChampionByTheMargin() {
    List<GateResult> results = OfflineGate.check(ACCURACY, comparison(0.85, 0.87, 0.84, 0.86));

    assertThat(results)
        .extracting(GateResult::name)
        .containsExactly("offline.rows", "offline.margin", "offline.robustness");
    assertThat(OfflineGate.passed(results)).isTrue();
    GateResult margin = named(results, "offline.margin");
    assertThat(margin.value()).isCloseTo(0.02, within(1e-12));
    assertThat(margin.threshold()).isEqualTo(0.005);
    assertThat(margin.detail())
        .isEqualTo(
            "accuracy: candidate 0.8700, champion 0.8500, gain +0.0200, at least +0.0050 needed");
    assertThat(named(results, "offline.rows").value()).isEqualTo(800.0);
  }

  @Test
  void shouldRejectACandidateThatIsNotBetterByTheMargin() {
    List<GateResult> results = OfflineGate.check(ACCURACY, comparison(0.85, 0.853, 0.84, 0.843));

    assertThat(named(results, "offline.margin").passed()).isFalse();
    assertThat(named(results, "offline.robustness").passed()).isTrue();
    assertThat(OfflineGate.passed(results)).isFalse();
  }

  @Test
  void shouldCompareLossesTheOtherWay() {
    RetrainingPolicy.Offline logLoss =
        new RetrainingPolicy.Offline(QualityMetric.LOG_LOSS, 0.01, 500, 0.02, null);
    OfflineGate.Comparison lower =
        new OfflineGate.Comparison(
            classified(800, 0.85, 0.35),
            classified(800, 0.85, 0.30),
            classified(800, 0.85, 0.40),
            classified(800, 0.85, 0.36),
            null);
    OfflineGate.Comparison higher =
        new OfflineGate.Comparison(
            classified(800, 0.85, 0.35),
            classified(800, 0.85, 0.36),
            classified(800, 0.85, 0.40),
            classified(800, 0.85, 0.45),
            null);

    List<GateResult> better = OfflineGate.check(logLoss, lower);
    assertThat(named(better, "offline.margin").value()).isCloseTo(0.05, within(1e-12));
    assertThat(named(better, "offline.robustness").value())
        .as("candidate loses 0.06, champion 0.05")
        .isCloseTo(0.01, within(1e-12));
    assertThat(OfflineGate.passed(better)).isTrue();
    assertThat(named(OfflineGate.check(logLoss, higher), "offline.margin").passed()).isFalse();
  }

  @Test
  void shouldBoundHowMuchMoreTheCandidateLosesOnPerturbedRows() {
    GateResult inside =
        named(
            OfflineGate.check(ACCURACY, comparison(0.85, 0.88, 0.83, 0.841)), "offline.robustness");
    GateResult beyond =
        named(
            OfflineGate.check(ACCURACY, comparison(0.85, 0.88, 0.83, 0.8299)),
            "offline.robustness");

    assertThat(inside.value()).as("0.039 lost against 0.020").isCloseTo(0.019, within(1e-12));
    assertThat(inside.passed()).isTrue();
    assertThat(beyond.passed()).isFalse();
    assertThat(beyond.threshold()).isEqualTo(0.02);
  }

  @Test
  void shouldPassRobustnessThatCouldNotBeMeasured() {
    OfflineGate.Comparison nothingPerturbed =
        new OfflineGate.Comparison(
            classified(800, 0.85, 0.3), classified(800, 0.87, 0.3), null, null, null);

    GateResult robustness =
        named(OfflineGate.check(ACCURACY, nothingPerturbed), "offline.robustness");

    assertThat(robustness.passed()).isTrue();
    assertThat(robustness.value()).isNull();
    assertThat(robustness.detail()).isEqualTo("not measured: nothing could be perturbed");
  }

  @Test
  void shouldRequireEnoughRowsAndTheSameRowsForBoth() {
    OfflineGate.Comparison few =
        new OfflineGate.Comparison(
            classified(499, 0.85, 0.3), classified(499, 0.9, 0.3), null, null, null);
    OfflineGate.Comparison different =
        new OfflineGate.Comparison(
            classified(800, 0.85, 0.3), classified(900, 0.9, 0.3), null, null, null);

    assertThat(named(OfflineGate.check(ACCURACY, few), "offline.rows").passed()).isFalse();
    GateResult mismatch = named(OfflineGate.check(ACCURACY, different), "offline.rows");
    assertThat(mismatch.passed()).isFalse();
    assertThat(mismatch.detail())
        .isEqualTo("the champion was judged on 800 rows, the candidate on 900");
  }

  @Test
  void shouldTestSignificanceOnlyWhenDeclared() {
    RetrainingPolicy.Offline significant =
        new RetrainingPolicy.Offline(QualityMetric.ACCURACY, 0.005, 500, 0.02, 0.01);
    OfflineGate.Comparison strong =
        new OfflineGate.Comparison(
            classified(800, 0.85, 0.3),
            classified(800, 0.87, 0.3),
            null,
            null,
            new ModelEvent.PairCounts(800, 600, 10, 25, 165, 0));
    OfflineGate.Comparison weak =
        new OfflineGate.Comparison(
            classified(800, 0.85, 0.3),
            classified(800, 0.87, 0.3),
            null,
            null,
            new ModelEvent.PairCounts(800, 600, 20, 25, 155, 0));

    GateResult passed = named(OfflineGate.check(significant, strong), "offline.significance");
    assertThat(passed.passed()).isTrue();
    assertThat(passed.value()).isCloseTo(0.00834, within(5e-6));
    assertThat(named(OfflineGate.check(significant, weak), "offline.significance").passed())
        .isFalse();
    assertThat(OfflineGate.check(ACCURACY, strong))
        .extracting(GateResult::name)
        .doesNotContain("offline.significance");
    OfflineGate.Comparison uncounted =
        new OfflineGate.Comparison(
            classified(800, 0.85, 0.3), classified(800, 0.87, 0.3), null, null, null);
    assertThat(named(OfflineGate.check(significant, uncounted), "offline.significance").passed())
        .isFalse();
  }

  @Test
  void shouldJudgeARegressionByRmse() {
    RetrainingPolicy.Offline rmse =
        new RetrainingPolicy.Offline(QualityMetric.RMSE, 0.1, 500, 0.5, null);
    OfflineGate.Comparison comparison =
        new OfflineGate.Comparison(
            Evaluation.regression(600, 5.0, 4.0, 0.5),
            Evaluation.regression(600, 4.5, 3.6, 0.6),
            Evaluation.regression(600, 5.5, 4.4, 0.4),
            Evaluation.regression(600, 5.1, 4.0, 0.5),
            null);

    List<GateResult> results = OfflineGate.check(rmse, comparison);

    assertThat(named(results, "offline.margin").value()).isCloseTo(0.5, within(1e-12));
    assertThat(named(results, "offline.robustness").value()).isCloseTo(0.1, within(1e-12));
    assertThat(OfflineGate.passed(results)).isTrue();
  }

  @Test
  void shouldFailAMetricThatWasNotMeasuredAndRefuseAnUnresolvedPolicy() {
    RetrainingPolicy.Offline accuracy =
        new RetrainingPolicy.Offline(QualityMetric.ACCURACY, 0.005, 1, 0.02, null);
    OfflineGate.Comparison regression =
        new OfflineGate.Comparison(
            Evaluation.regression(600, 5.0, 4.0, 0.5),
            Evaluation.regression(600, 4.5, 3.6, 0.6),
            null,
            null,
            null);

    GateResult margin = named(OfflineGate.check(accuracy, regression), "offline.margin");

    assertThat(margin.passed()).isFalse();
    assertThat(margin.detail()).isEqualTo("accuracy was not measured");
    assertThatThrownBy(
            () ->
                OfflineGate.check(
                    new RetrainingPolicy.Offline(null, 0.005, 1, 0.02, null), regression))
        .hasMessageContaining("resolve the policy");
    assertThat(OfflineGate.passed(List.of())).as("no check is no pass").isFalse();
  }
}

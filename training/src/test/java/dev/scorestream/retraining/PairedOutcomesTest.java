package dev.scorestream.retraining;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PairedOutcomesTest {

  @Test
  void shouldCountWhoGotEachPairRight() {
    PairedOutcomes outcomes = PairedOutcomes.forClassification();
    outcomes.add(true, true, 0.9, 0.8);
    outcomes.add(true, false, 0.7, 0.3);
    outcomes.add(false, true, 0.2, 0.6);
    outcomes.add(false, true, 0.4, 0.9);
    outcomes.add(false, false, 0.1, 0.2);
    outcomes.addChallengerFailure();

    assertThat(outcomes.counts()).isEqualTo(new ModelEvent.PairCounts(5, 1, 1, 2, 1, 1));
    assertThat(outcomes.paired()).isEqualTo(5);
    assertThat(outcomes.failureShare()).isCloseTo(1.0 / 6, within(1e-15));
  }

  @Test
  void shouldDifferenceLogLossesChampionMinusChallenger() {
    PairedOutcomes outcomes = PairedOutcomes.forClassification();
    outcomes.add(true, true, 0.5, 0.8);
    outcomes.add(false, false, 0.0, 1e-20);
    outcomes.add(true, false, 0.9, Double.NaN);

    double[] d = outcomes.differences();

    assertThat(d[0])
        .as("the challenger was surer of the truth")
        .isCloseTo(-Math.log(0.5) + Math.log(0.8), within(1e-15));
    assertThat(d[0]).isPositive();
    assertThat(d[1]).as("both floored at 1e-15").isZero();
    assertThat(d[2]).isCloseTo(-Math.log(0.9) + Math.log(1e-15), within(1e-12));
    assertThat(PairedOutcomes.logLoss(0)).isCloseTo(-Math.log(1e-15), within(1e-12));
    assertThat(PairedOutcomes.logLoss(1.2)).as("a probability above 1 counts as 1").isZero();
  }

  @Test
  void shouldGrowBeyondItsFirstBlockAndReturnACopy() {
    PairedOutcomes outcomes = PairedOutcomes.forClassification();
    for (int i = 0; i < 5000; i++) {
      outcomes.add(i % 2 == 0, true, 0.5, 0.5 + (i % 10) / 100.0);
    }

    double[] d = outcomes.differences();
    d[4999] = 42;

    assertThat(outcomes.differences()).hasSize(5000);
    assertThat(outcomes.differences()[4999])
        .isCloseTo(-Math.log(0.5) + Math.log(0.59), within(1e-15));
    assertThat(outcomes.counts().challengerOnly()).isEqualTo(2500);
  }

  @Test
  void shouldDifferenceSquaredErrorsForRegression() {
    PairedOutcomes outcomes = PairedOutcomes.forRegression();
    outcomes.addErrors(3, -1);
    outcomes.addErrors(-2, 2);
    outcomes.addErrors(0.5, 1.5);
    outcomes.addChallengerFailure();

    assertThat(outcomes.differences()).containsExactly(8, 0, -2);
    assertThat(outcomes.counts()).isEqualTo(new ModelEvent.PairCounts(3, 0, 0, 0, 0, 1));
    assertThat(outcomes.regression()).isTrue();
  }

  @Test
  void shouldRefuseToMixClassificationAndRegression() {
    assertThatThrownBy(() -> PairedOutcomes.forRegression().add(true, true, 0.5, 0.5))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> PairedOutcomes.forClassification().addErrors(1, 2))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> PairedOutcomes.forRegression().addErrors(Double.NaN, 2))
        .hasMessageContaining("finite");
  }

  @Test
  void shouldHaveNoFailureShareBeforeAnyEvent() {
    assertThat(PairedOutcomes.forClassification().failureShare()).isZero();
    assertThat(PairedOutcomes.forClassification().counts()).isEqualTo(ModelEvent.PairCounts.NONE);
  }
}

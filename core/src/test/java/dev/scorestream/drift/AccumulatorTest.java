package dev.scorestream.drift;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.model.BaselineProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AccumulatorTest {

  static final BaselineProfile.NumericProfile AMOUNT =
      new BaselineProfile.NumericProfile(
          new double[] {10, 100}, new double[] {0.3, 0.5, 0.2}, 0.0, 50, 900, 1, 400);
  static final BaselineProfile.CategoricalProfile COUNTRY =
      new BaselineProfile.CategoricalProfile(Map.of("DE", 0.6, "FR", 0.4), 0.0);
  static final DriftThresholds THRESHOLDS = new DriftThresholds(0.1, 0.25, 0.1, 0.2, 0.1, 10);

  static NumericAccumulator amounts(double... values) {
    NumericAccumulator acc = NumericAccumulator.empty(AMOUNT);
    for (double value : values) {
      acc = acc.add(AMOUNT.edges(), value);
    }
    return acc;
  }

  @Test
  void shouldBeOkWhenWindowLooksLikeBaseline() {
    NumericAccumulator acc = amounts(1, 2, 3, 20, 30, 40, 50, 60, 150, 200);

    FeatureDrift drift = acc.compare("amount", AMOUNT, THRESHOLDS);

    assertThat(acc.bins()).containsExactly(3, 5, 2);
    assertThat(drift.psi()).isZero();
    assertThat(drift.status()).isEqualTo(DriftStatus.OK);
  }

  @Test
  void shouldAlertWhenValuesShiftUp() {
    FeatureDrift drift =
        amounts(150, 160, 170, 180, 190, 200, 210, 220, 50, 60)
            .compare("amount", AMOUNT, THRESHOLDS);

    assertThat(drift.psi()).isGreaterThan(0.25);
    assertThat(drift.status()).isEqualTo(DriftStatus.ALERT);
  }

  @Test
  void shouldWithholdVerdictBelowMinimumCount() {
    assertThat(amounts(500, 600).compare("amount", AMOUNT, THRESHOLDS).status())
        .isEqualTo(DriftStatus.INSUFFICIENT_DATA);
  }

  @Test
  void shouldAlertOnAllMissingValues() {
    NumericAccumulator acc = NumericAccumulator.empty(AMOUNT);
    for (int i = 0; i < 20; i++) {
      acc = acc.add(AMOUNT.edges(), null);
    }

    FeatureDrift drift = acc.compare("amount", AMOUNT, THRESHOLDS);

    assertThat(drift.missingRate()).isEqualTo(1.0);
    assertThat(drift.status()).isEqualTo(DriftStatus.ALERT);
  }

  @Test
  void shouldMergeToTheSameAsOneAccumulator() {
    assertThat(amounts(1, 20, 300).merge(amounts(5, 50))).isEqualTo(amounts(1, 20, 300, 5, 50));
  }

  @Test
  void shouldCountUnseenCategoriesInTheirOwnBucket() {
    CategoricalAccumulator acc = CategoricalAccumulator.EMPTY;
    for (int i = 0; i < 6; i++) {
      acc = acc.add("DE");
    }
    for (int i = 0; i < 4; i++) {
      acc = acc.add("BR");
    }

    FeatureDrift drift = acc.compare("country", COUNTRY, THRESHOLDS);

    assertThat(drift.psi()).isGreaterThan(0.25);
    assertThat(drift.status()).isEqualTo(DriftStatus.ALERT);
    assertThat(
            CategoricalAccumulator.EMPTY
                .add("DE")
                .merge(CategoricalAccumulator.EMPTY.add("FR").add(null)))
        .isEqualTo(CategoricalAccumulator.EMPTY.add("DE").add("FR").add(null));
  }

  @Test
  void shouldHandleSingleCategoryBaseline() {
    BaselineProfile.CategoricalProfile only =
        new BaselineProfile.CategoricalProfile(Map.of("POS", 1.0), 0.0);
    CategoricalAccumulator acc = CategoricalAccumulator.EMPTY;
    for (int i = 0; i < 10; i++) {
      acc = acc.add("POS");
    }

    FeatureDrift drift = acc.compare("channel", only, THRESHOLDS);

    assertThat(drift.psi()).isZero();
    assertThat(drift.jensenShannon()).isZero();
    assertThat(drift.status()).isEqualTo(DriftStatus.OK);
  }
}

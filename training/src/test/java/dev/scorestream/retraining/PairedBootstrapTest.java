package dev.scorestream.retraining;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class PairedBootstrapTest {

  static double[] normal(int n, double mean, double sd, long seed) {
    Random random = new Random(seed);
    double[] values = new double[n];
    for (int i = 0; i < n; i++) {
      values[i] = mean + sd * random.nextGaussian();
    }
    return values;
  }

  @Test
  void shouldGiveTheSameIntervalForTheSameSeed() {
    double[] differences = normal(500, 0.02, 0.3, 1);

    ModelEvent.Interval first = PairedBootstrap.interval(differences, 1000, 11, 0.05);
    ModelEvent.Interval again = PairedBootstrap.interval(differences.clone(), 1000, 11, 0.05);
    ModelEvent.Interval otherSeed = PairedBootstrap.interval(differences, 1000, 12, 0.05);

    assertThat(again).isEqualTo(first);
    assertThat(otherSeed.mean()).isEqualTo(first.mean());
    assertThat(otherSeed.low()).as("another seed resamples otherwise").isNotEqualTo(first.low());
  }

  @Test
  void shouldCoverTheMeanWithAnIntervalAsWideAsTheStandardError() {
    double[] differences = normal(2000, 0.05, 0.5, 2);
    double standardError = 0.5 / Math.sqrt(2000);

    ModelEvent.Interval interval = PairedBootstrap.interval(differences, 4000, 7, 0.05);

    assertThat(interval.mean()).isEqualTo(PairedBootstrap.mean(differences));
    assertThat(interval.low()).isLessThan(interval.mean());
    assertThat(interval.high()).isGreaterThan(interval.mean());
    // a 90% two-sided interval of a normal mean is about 2 * 1.645 standard errors wide
    assertThat(interval.high() - interval.low())
        .isCloseTo(2 * 1.645 * standardError, within(0.004));
    assertThat(interval.low()).as("a clear improvement stays above 0").isGreaterThan(0);
  }

  @Test
  void shouldNarrowAsAlphaGrows() {
    double[] differences = normal(300, 0, 1, 3);

    ModelEvent.Interval strict = PairedBootstrap.interval(differences, 2000, 5, 0.005);
    ModelEvent.Interval loose = PairedBootstrap.interval(differences, 2000, 5, 0.25);

    assertThat(strict.low()).isLessThan(loose.low());
    assertThat(strict.high()).isGreaterThan(loose.high());
  }

  @Test
  void shouldReadNearestRankQuantiles() {
    double[] sorted = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};

    assertThat(PairedBootstrap.quantile(sorted, 0.05)).isEqualTo(1);
    assertThat(PairedBootstrap.quantile(sorted, 0.1)).isEqualTo(1);
    assertThat(PairedBootstrap.quantile(sorted, 0.11)).isEqualTo(2);
    assertThat(PairedBootstrap.quantile(sorted, 0.95)).isEqualTo(10);
    assertThat(PairedBootstrap.quantile(sorted, 0.9)).isEqualTo(9);
  }

  @Test
  void shouldRefuseWhatItCannotResample() {
    assertThatThrownBy(() -> PairedBootstrap.interval(new double[0], 100, 1, 0.05))
        .hasMessage("no paired differences to resample");
    assertThatThrownBy(() -> PairedBootstrap.interval(new double[] {1}, 0, 1, 0.05))
        .hasMessage("resamples must be at least 1, got 0");
    assertThatThrownBy(() -> PairedBootstrap.interval(new double[] {1}, 10, 1, 0.6))
        .hasMessage("alpha must be in (0, 0.5], got 0.6");
  }
}

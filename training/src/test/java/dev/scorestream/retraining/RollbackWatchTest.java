package dev.scorestream.retraining;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.scorestream.retraining.RollbackWatch.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RollbackWatchTest {

  static final Instant PROMOTED = Instant.parse("2024-06-01T12:00:00Z");
  static final RetrainingPolicy.Rollback POLICY =
      new RetrainingPolicy.Rollback(3, 200, QualityMetric.ACCURACY, 0.01, Duration.ofHours(6));
  static final ControllerState.Watching WATCH =
      new ControllerState.Watching("v2", "v1", PROMOTED, Map.of(), null);

  static PerformanceWindow window(int minutes, String version, long matched, double accuracy) {
    return new PerformanceWindow(
        PROMOTED.plus(Duration.ofMinutes(minutes)), version, matched, accuracy, 0.3, null);
  }

  @Test
  void shouldPinTheLabelWeightedMeanOfThePreviousChampionsLastWindows() {
    List<PerformanceWindow> windows =
        List.of(
            window(-50, "v1", 1000, 0.50),
            window(-40, "v1", 300, 0.90),
            window(-30, "v1", 100, 0.10),
            window(-20, "v1", 300, 0.80),
            window(-10, "v1", 400, 0.85),
            window(-5, "v2", 400, 0.10));

    assertThat(RollbackWatch.reference(POLICY, "v1", windows).orElseThrow())
        .as("(300 * 0.90 + 300 * 0.80 + 400 * 0.85) / 1000; the thin window skipped")
        .isCloseTo(0.85, within(1e-12));
    assertThat(RollbackWatch.reference(POLICY, "v0", windows)).isEmpty();
    assertThat(RollbackWatch.reference(POLICY, "v1", windows.subList(3, 4)).orElseThrow())
        .as("fewer windows than declared: what there is")
        .isCloseTo(0.80, within(1e-12));
    assertThat(RollbackWatch.referenceKey(QualityMetric.ACCURACY))
        .isEqualTo("watch.reference.accuracy");
  }

  @Test
  void shouldRollBackANewChampionThatDoesWorseThanTheMargin() {
    List<PerformanceWindow> windows =
        List.of(
            window(10, "v2", 500, 0.82),
            window(15, "v1", 900, 0.99),
            window(20, "v2", 500, 0.83),
            window(30, "v2", 500, 0.84),
            window(40, "v2", 500, 0.99));

    RollbackWatch.Decision decision =
        RollbackWatch.decide(POLICY, 0.85, WATCH, windows, PROMOTED.plusSeconds(3600));

    assertThat(decision.outcome()).isEqualTo(Outcome.ROLL_BACK);
    assertThat(decision.observed())
        .as("the first 3 windows of v2, not its later ones, nor the old version's")
        .isCloseTo(0.83, within(1e-12));
    assertThat(decision.windows()).hasSize(3);
    assertThat(decision.reason())
        .isEqualTo(
            "LIVE_WORSE accuracy 0.8300 over 3 windows of v2 against 0.8500 before, margin 0.0100");
  }

  @Test
  void shouldConfirmANewChampionWithinTheMargin() {
    List<PerformanceWindow> windows =
        List.of(
            window(10, "v2", 500, 0.845),
            window(20, "v2", 500, 0.84),
            window(30, "v2", 500, 0.845));

    RollbackWatch.Decision decision =
        RollbackWatch.decide(POLICY, 0.85, WATCH, windows, PROMOTED.plusSeconds(3600));

    assertThat(decision.outcome()).isEqualTo(Outcome.CONFIRM);
    assertThat(decision.reason()).startsWith("LIVE_CONFIRMED accuracy 0.8433");
  }

  @Test
  void shouldWaitForLabelsThenConfirmWithoutThem() {
    List<PerformanceWindow> windows =
        List.of(window(10, "v2", 500, 0.5), window(20, "v2", 150, 0.5), window(30, "v2", 500, 0.5));

    RollbackWatch.Decision waiting =
        RollbackWatch.decide(
            POLICY, 0.85, WATCH, windows, PROMOTED.plus(Duration.ofHours(6)).minusMillis(1));
    RollbackWatch.Decision late =
        RollbackWatch.decide(POLICY, 0.85, WATCH, windows, PROMOTED.plus(Duration.ofHours(6)));

    assertThat(waiting.outcome()).isEqualTo(Outcome.WAIT);
    assertThat(waiting.observed()).isNull();
    assertThat(waiting.reason()).isEqualTo("WATCHING 2 of 3 windows in");
    assertThat(late.outcome()).isEqualTo(Outcome.CONFIRM_INSUFFICIENT_LABELS);
    assertThat(late.reason())
        .startsWith("INSUFFICIENT_LABELS only 2 of 3 windows with at least 200");
  }

  @Test
  void shouldRollBackOnAHigherLogLoss() {
    RetrainingPolicy.Rollback logLoss = POLICY.withMetric(QualityMetric.LOG_LOSS);
    List<PerformanceWindow> windows =
        List.of(
            new PerformanceWindow(PROMOTED.plusSeconds(60), "v2", 500, 0.9, 0.40, null),
            new PerformanceWindow(PROMOTED.plusSeconds(120), "v2", 500, 0.9, 0.42, null),
            new PerformanceWindow(PROMOTED.plusSeconds(180), "v2", 500, 0.9, 0.41, null));

    assertThat(RollbackWatch.decide(logLoss, 0.39, WATCH, windows, PROMOTED).outcome())
        .isEqualTo(Outcome.ROLL_BACK);
    assertThat(RollbackWatch.decide(logLoss, 0.405, WATCH, windows, PROMOTED).outcome())
        .isEqualTo(Outcome.CONFIRM);
  }

  @Test
  void shouldPoolRmseAsTheRootOfTheMeanSquare() {
    RetrainingPolicy.Rollback rmse = POLICY.withMetric(QualityMetric.RMSE);
    List<PerformanceWindow> windows =
        List.of(
            new PerformanceWindow(PROMOTED.plusSeconds(60), "v1", 200, null, null, 2.0),
            new PerformanceWindow(PROMOTED.plusSeconds(120), "v1", 600, null, null, 4.0));

    assertThat(RollbackWatch.reference(rmse, "v1", windows).orElseThrow())
        .isCloseTo(Math.sqrt((200 * 4.0 + 600 * 16.0) / 800), within(1e-12));
  }
}

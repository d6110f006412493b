package dev.scorestream.retraining;

import static dev.scorestream.retraining.TrailEvents.at;
import static dev.scorestream.retraining.TrailEvents.happyTrail;
import static dev.scorestream.retraining.TrailEvents.of;
import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.drift.DriftStatus;
import dev.scorestream.retraining.ModelEvent.Cause;
import dev.scorestream.retraining.ModelEvent.CauseKind;
import dev.scorestream.retraining.ModelEvent.Type;
import dev.scorestream.retraining.TriggerEvaluator.Evaluation;
import dev.scorestream.retraining.TriggerEvaluator.Firing;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TriggerEvaluatorTest {

  static final Instant NOW = at(86_400 * 3 + 3600);
  static final TriggerEvaluator.Champion CHAMPION =
      new TriggerEvaluator.Champion("v1", 0.92, 0.25, Set.of("amount", "country", "hour_of_day"));
  static final RetrainingPolicy.LiveQuality ACCURACY_BELOW =
      new RetrainingPolicy.LiveQuality(QualityMetric.ACCURACY, 0.85, null, 3, 200);
  static final RetrainingPolicy.Drift DRIFT =
      new RetrainingPolicy.Drift(2, List.of(), DriftStatus.ALERT);
  static final RetrainingPolicy.Schedule DAILY =
      new RetrainingPolicy.Schedule(Duration.ofDays(1), at(0));

  /** The champion's last three windows, each below the 0.85 of {@link #ACCURACY_BELOW}. */
  static final List<PerformanceWindow> THREE_BAD =
      List.of(
          performance(3, "v1", 500, 0.8),
          performance(4, "v1", 500, 0.8),
          performance(5, "v1", 500, 0.8));

  static RetrainingPolicy.Triggers triggers(
      RetrainingPolicy.LiveQuality live,
      RetrainingPolicy.Drift drift,
      boolean schema,
      RetrainingPolicy.Schedule schedule) {
    return new RetrainingPolicy.Triggers(
        Duration.ofSeconds(10), Duration.ofHours(1), false, live, drift, schema, schedule);
  }

  static PerformanceWindow performance(int minute, String version, long matched, double accuracy) {
    return new PerformanceWindow(
        NOW.minus(Duration.ofMinutes(60 - minute)), version, matched, accuracy, 0.3, null);
  }

  static DriftWindow drift(int minute, String version, Map<String, DriftStatus> features) {
    return new DriftWindow(NOW.minus(Duration.ofMinutes(60 - minute)), version, features);
  }

  static Evaluation evaluate(
      RetrainingPolicy.Triggers policy,
      List<PerformanceWindow> performance,
      List<DriftWindow> drift,
      ControllerState state) {
    return new TriggerEvaluator(policy)
        .evaluate(new TriggerEvaluator.Inputs(CHAMPION, performance, drift, List.of(), NOW, state));
  }

  static Evaluation live(RetrainingPolicy.LiveQuality rule, PerformanceWindow... windows) {
    return evaluate(
        triggers(rule, null, false, null), List.of(windows), List.of(), ControllerState.initial());
  }

  @Test
  void shouldFireWhenTheChampionsLastKWindowsAreAllBad() {
    Evaluation evaluation =
        live(
            ACCURACY_BELOW,
            performance(1, "v1", 500, 0.95),
            performance(2, "v1", 500, 0.84),
            performance(3, "v1", 500, 0.82),
            performance(4, "v1", 500, 0.80));

    assertThat(evaluation.fires()).isTrue();
    Firing fired = evaluation.fired();
    assertThat(fired.kind()).isEqualTo(CauseKind.LIVE_QUALITY);
    assertThat(fired.key()).isEqualTo("live:v1:accuracy");
    assertThat(fired.detail()).contains("0.8400, 0.8200, 0.8000").contains("limit 0.85");
    assertThat(evaluation.suppressed()).isEmpty();
  }

  @Test
  void shouldNotFireOnFewerThanKBadWindows() {
    assertThat(
            live(
                    ACCURACY_BELOW,
                    performance(2, "v1", 500, 0.84),
                    performance(3, "v1", 500, 0.95),
                    performance(4, "v1", 500, 0.80),
                    performance(5, "v1", 500, 0.80))
                .fires())
        .isFalse();
    assertThat(
            live(ACCURACY_BELOW, performance(4, "v1", 500, 0.8), performance(5, "v1", 500, 0.8))
                .fires())
        .isFalse();
  }

  @Test
  void shouldSkipThinWindowsRatherThanCountThem() {
    PerformanceWindow thinAndGood = performance(3, "v1", 50, 0.99);
    PerformanceWindow thinAndBad = performance(6, "v1", 199, 0.10);

    assertThat(
            live(
                    ACCURACY_BELOW,
                    performance(2, "v1", 500, 0.84),
                    thinAndGood,
                    performance(4, "v1", 500, 0.82),
                    performance(5, "v1", 200, 0.80))
                .fires())
        .as("a thin good window does not break the run")
        .isTrue();
    assertThat(
            live(
                    ACCURACY_BELOW,
                    performance(4, "v1", 500, 0.82),
                    performance(5, "v1", 500, 0.80),
                    thinAndBad)
                .fires())
        .as("a thin bad window does not complete it")
        .isFalse();
  }

  @Test
  void shouldCountOnlyTheChampionsWindowsWhateverTheirOrder() {
    assertThat(
            live(
                    ACCURACY_BELOW,
                    performance(4, "v0", 500, 0.5),
                    performance(5, "v0", 500, 0.5),
                    performance(6, "v0", 500, 0.5))
                .fires())
        .isFalse();
    assertThat(
            live(
                    ACCURACY_BELOW,
                    performance(5, "v1", 500, 0.8),
                    performance(3, "v1", 500, 0.8),
                    performance(4, "v1", 500, 0.8))
                .fires())
        .isTrue();
  }

  @Test
  void shouldCompareWithTheHeldOutFigureByAMargin() {
    RetrainingPolicy.LiveQuality baseline =
        new RetrainingPolicy.LiveQuality(QualityMetric.ACCURACY, null, 0.05, 2, 200);

    assertThat(
            live(baseline, performance(4, "v1", 500, 0.88), performance(5, "v1", 500, 0.88))
                .fires())
        .as("0.92 - 0.88 is within 0.05")
        .isFalse();
    assertThat(
            live(baseline, performance(4, "v1", 500, 0.86), performance(5, "v1", 500, 0.86))
                .fires())
        .isTrue();
  }

  @Test
  void shouldRunLogLossTheOtherWay() {
    RetrainingPolicy.LiveQuality logLoss =
        new RetrainingPolicy.LiveQuality(QualityMetric.LOG_LOSS, 0.5, 0.1, 2, 200);
    PerformanceWindow within =
        new PerformanceWindow(NOW.minusSeconds(120), "v1", 500, 0.9, 0.34, null);
    PerformanceWindow aboveBaseline =
        new PerformanceWindow(NOW.minusSeconds(60), "v1", 500, 0.9, 0.36, null);
    PerformanceWindow aboveLimit =
        new PerformanceWindow(NOW.minusSeconds(30), "v1", 500, 0.9, 0.6, null);

    assertThat(live(logLoss, within, aboveBaseline).fires()).isFalse();
    Evaluation evaluation = live(logLoss, aboveBaseline, aboveLimit);
    assertThat(evaluation.fires()).isTrue();
    assertThat(evaluation.fired().key()).isEqualTo("live:v1:logLoss");
  }

  @Test
  void shouldFireOnDriftOfAFeatureTheServingModelUses() {
    RetrainingPolicy.Triggers policy = triggers(null, DRIFT, false, null);
    List<DriftWindow> unserved =
        List.of(
            drift(1, "v1", Map.of("customer_id", DriftStatus.ALERT)),
            drift(2, "v1", Map.of("customer_id", DriftStatus.ALERT)));
    List<DriftWindow> served =
        List.of(
            drift(1, "v1", Map.of("country", DriftStatus.ALERT, "amount", DriftStatus.ALERT)),
            drift(2, "v1", Map.of("country", DriftStatus.ALERT, "amount", DriftStatus.ALERT)));
    List<DriftWindow> warnOnly =
        List.of(
            drift(1, "v1", Map.of("amount", DriftStatus.WARN)),
            drift(2, "v1", Map.of("amount", DriftStatus.ALERT)));

    assertThat(evaluate(policy, List.of(), unserved, ControllerState.initial()).fires()).isFalse();
    Evaluation evaluation = evaluate(policy, List.of(), served, ControllerState.initial());
    assertThat(evaluation.fired().kind()).isEqualTo(CauseKind.DRIFT);
    assertThat(evaluation.fired().key()).isEqualTo("drift:v1:amount");
    assertThat(evaluation.fired().detail()).startsWith("[amount, country] at ALERT");
    assertThat(evaluate(policy, List.of(), warnOnly, ControllerState.initial()).fires()).isFalse();
    RetrainingPolicy.Triggers warn =
        triggers(null, new RetrainingPolicy.Drift(2, List.of(), DriftStatus.WARN), false, null);
    assertThat(evaluate(warn, List.of(), warnOnly, ControllerState.initial()).fires()).isTrue();
    RetrainingPolicy.Triggers countryOnly =
        triggers(
            null,
            new RetrainingPolicy.Drift(2, List.of("hour_of_day"), DriftStatus.ALERT),
            false,
            null);
    assertThat(evaluate(countryOnly, List.of(), served, ControllerState.initial()).fires())
        .as("an explicit list watches only its fields")
        .isFalse();
  }

  @Test
  void shouldFireOncePerScheduleSlot() {
    RetrainingPolicy.Triggers policy = triggers(null, null, false, DAILY);

    Evaluation first = evaluate(policy, List.of(), List.of(), ControllerState.initial());
    assertThat(first.fired())
        .isEqualTo(
            new Firing(
                CauseKind.SCHEDULE,
                "schedule:3",
                "slot 3 began at " + at(86_400 * 3) + " (every PT24H)"));

    Cause slot = new Cause("t-9", CauseKind.SCHEDULE, "schedule:3", "slot 3");
    ControllerState fired =
        ControllerState.fold(
            List.of(
                of(Type.TRIGGERED).at(86_400 * 3 + 60).cause(slot).build(),
                of(Type.REJECTED).at(86_400 * 3 + 70).cause(slot).build()));
    assertThat(evaluate(policy, List.of(), List.of(), fired).fires())
        .as("the slot already fired")
        .isFalse();
    ControllerState yesterday =
        ControllerState.fold(
            List.of(
                of(Type.TRIGGERED).at(86_400 * 2 + 60).cause(slot).build(),
                of(Type.REJECTED).at(86_400 * 2 + 70).cause(slot).build()));
    assertThat(evaluate(policy, List.of(), List.of(), yesterday).fires()).isTrue();
    RetrainingPolicy.Triggers later =
        triggers(
            null,
            null,
            false,
            new RetrainingPolicy.Schedule(Duration.ofDays(1), NOW.plusSeconds(1)));
    assertThat(evaluate(later, List.of(), List.of(), ControllerState.initial()).fires()).isFalse();
  }

  @Test
  void shouldPassSchemaChangesOnlyWhenEnabled() {
    Firing change = new Firing(CauseKind.SCHEMA_CHANGE, "schema:events-value:7", "amount type");
    TriggerEvaluator.Inputs inputs =
        new TriggerEvaluator.Inputs(
            CHAMPION, List.of(), List.of(), List.of(change), NOW, ControllerState.initial());

    assertThat(new TriggerEvaluator(triggers(null, null, true, null)).evaluate(inputs).fired())
        .isEqualTo(change);
    assertThat(new TriggerEvaluator(triggers(null, DRIFT, false, null)).evaluate(inputs).fires())
        .isFalse();
  }

  @Test
  void shouldHoldEveryFiringBackWhileAnythingIsInFlight() {
    List<ModelEvent> trail = happyTrail();
    for (int cut = 1; cut < trail.size(); cut++) {
      ControllerState busy = ControllerState.fold(trail.subList(0, cut));

      Evaluation evaluation =
          evaluate(triggers(ACCURACY_BELOW, null, false, DAILY), THREE_BAD, List.of(), busy);

      assertThat(evaluation.fires()).as("cut " + cut).isFalse();
      assertThat(evaluation.suppressed())
          .extracting(TriggerEvaluator.Suppressed::why)
          .containsOnly("in flight: " + busy.phase().label())
          .hasSize(2);
    }
  }

  @Test
  void shouldCoolACauseDownAfterItsRejection() {
    Cause live = new Cause("t-1", CauseKind.LIVE_QUALITY, "live:v1:accuracy", "low");
    List<ModelEvent> rejected = new ArrayList<>();
    rejected.add(of(Type.TRIGGERED).at(86_400 * 3).cause(live).build());
    rejected.add(of(Type.REJECTED).at(86_400 * 3 + 1800).cause(live).build());
    TriggerEvaluator evaluator = new TriggerEvaluator(triggers(ACCURACY_BELOW, null, false, null));
    ControllerState state = ControllerState.fold(rejected);

    Evaluation cooling =
        evaluator.evaluate(
            new TriggerEvaluator.Inputs(CHAMPION, THREE_BAD, List.of(), List.of(), NOW, state));
    Evaluation after =
        evaluator.evaluate(
            new TriggerEvaluator.Inputs(
                CHAMPION,
                THREE_BAD,
                List.of(),
                List.of(),
                NOW.plus(Duration.ofMinutes(30)),
                state));

    assertThat(cooling.fires()).isFalse();
    assertThat(cooling.suppressed())
        .singleElement()
        .satisfies(s -> assertThat(s.why()).startsWith("cooling down after the rejection at"));
    assertThat(after.fired().key()).isEqualTo("live:v1:accuracy");
  }

  @Test
  void shouldFireOneCauseAndHoldTheOthersBack() {
    Evaluation evaluation =
        evaluate(
            triggers(ACCURACY_BELOW, DRIFT, false, DAILY),
            THREE_BAD,
            List.of(
                drift(4, "v1", Map.of("amount", DriftStatus.ALERT)),
                drift(5, "v1", Map.of("amount", DriftStatus.ALERT))),
            ControllerState.initial());

    assertThat(evaluation.fired().key()).isEqualTo("live:v1:accuracy");
    assertThat(evaluation.suppressed())
        .extracting(s -> s.firing().key() + " " + s.why())
        .containsExactly(
            "drift:v1:amount fired together with live:v1:accuracy",
            "schedule:3 fired together with live:v1:accuracy");
  }
}

package dev.scorestream.retraining;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.scorestream.retraining.ModelEvent.Verdict;
import dev.scorestream.retraining.RetrainingPolicy.ShadowTestKind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShadowVerdictsTest {

  static final Instant SINCE = Instant.parse("2024-03-01T10:00:00Z");
  static final ShadowVerdicts.Start START =
      new ShadowVerdicts.Start(SINCE, List.of(new ModelEvent.OffsetRange(0, 120, 120)));
  static final Instant SOON = SINCE.plus(Duration.ofMinutes(5));

  static RetrainingPolicy.Shadow policy(ShadowTestKind test, int looks, double margin) {
    return new RetrainingPolicy.Shadow(
        test,
        100,
        0.05,
        looks,
        margin,
        Duration.ofHours(24),
        Duration.ZERO,
        0.01,
        new RetrainingPolicy.Bootstrap(1000, 11));
  }

  /**
   * Pairs where the right model is sure (0.8 on the truth) and the wrong one is not (0.3), plus
   * {@code both} pairs each model gets right at 0.7.
   */
  static PairedOutcomes pairs(int championOnly, int challengerOnly, int both) {
    PairedOutcomes outcomes = PairedOutcomes.forClassification();
    for (int i = 0; i < Math.max(championOnly, Math.max(challengerOnly, both)); i++) {
      if (i < championOnly) {
        outcomes.add(true, false, 0.8, 0.3);
      }
      if (i < challengerOnly) {
        outcomes.add(false, true, 0.3, 0.8);
      }
      if (i < both) {
        outcomes.add(true, true, 0.7, 0.7);
      }
    }
    return outcomes;
  }

  static ShadowVerdicts.Decision judge(
      RetrainingPolicy.Shadow policy, int look, PairedOutcomes outcomes) {
    return ShadowVerdicts.judge(policy, look, outcomes, START, SOON);
  }

  @Test
  void shouldPromoteWhenMcNemarFavoursTheChallengerBelowAlphaPerLook() {
    PairedOutcomes outcomes = pairs(100, 140, 60);

    ShadowVerdicts.Decision decision = judge(policy(ShadowTestKind.MCNEMAR, 5, 0), 3, outcomes);

    assertThat(decision.verdict()).isEqualTo(Verdict.PROMOTE);
    assertThat(decision.code()).isEqualTo("SHADOW_BETTER");
    assertThat(decision.alphaPerLook()).isCloseTo(0.01, within(1e-15));
    ModelEvent.ShadowTest test = decision.test();
    assertThat(test.pValue()).isCloseTo(0.00583, within(5e-6));
    assertThat(test.test()).isEqualTo("mcnemar");
    assertThat(test.look()).isEqualTo(3);
    assertThat(test.logLoss()).as("McNemar alone runs no bootstrap").isNull();
    assertThat(test.pairs()).isEqualTo(new ModelEvent.PairCounts(300, 60, 100, 140, 0, 0));
    assertThat(test.since()).isEqualTo(SINCE);
    assertThat(test.startOffsets()).isEqualTo(START.offsets());
    assertThat(decision.reason()).contains("b=100 c=140").contains("alpha 0.01 per look");
  }

  @Test
  void shouldHoldEachLookToAlphaOverLooks() {
    // p = 0.0278: significant at 0.05, not at 0.05 / 5
    PairedOutcomes outcomes = pairs(100, 130, 0);

    assertThat(judge(policy(ShadowTestKind.MCNEMAR, 1, 0), 1, outcomes).verdict())
        .isEqualTo(Verdict.PROMOTE);
    ShadowVerdicts.Decision corrected = judge(policy(ShadowTestKind.MCNEMAR, 5, 0), 1, outcomes);
    assertThat(corrected.verdict()).isEqualTo(Verdict.CONTINUE);
    assertThat(corrected.code()).isEqualTo("SHADOW_CONTINUE");
    assertThat(corrected.test().pValue()).isCloseTo(0.0278, within(1e-4));
  }

  @Test
  void shouldRejectWhenTheTestFavoursTheChampion() {
    ShadowVerdicts.Decision mcnemar =
        judge(policy(ShadowTestKind.MCNEMAR, 5, 0), 2, pairs(160, 100, 0));
    assertThat(mcnemar.verdict()).isEqualTo(Verdict.REJECT);
    assertThat(mcnemar.code()).isEqualTo("SHADOW_WORSE");

    ShadowVerdicts.Decision bootstrap =
        judge(policy(ShadowTestKind.BOOTSTRAP, 5, 0), 2, pairs(160, 100, 0));
    assertThat(bootstrap.verdict()).isEqualTo(Verdict.REJECT);
    assertThat(bootstrap.test().logLoss().high()).isNegative();
  }

  @Test
  void shouldRejectAsInconclusiveAtTheLastLook() {
    PairedOutcomes even = pairs(50, 50, 100);
    RetrainingPolicy.Shadow policy = policy(ShadowTestKind.MCNEMAR, 5, 0);

    assertThat(judge(policy, 4, even).verdict()).isEqualTo(Verdict.CONTINUE);
    ShadowVerdicts.Decision last = judge(policy, 5, even);
    assertThat(last.verdict()).isEqualTo(Verdict.REJECT);
    assertThat(last.code()).isEqualTo("SHADOW_INCONCLUSIVE");
    assertThat(last.reason()).contains("last look (5)");
  }

  @Test
  void shouldRejectAsInconclusiveOnceMaxDurationHasPassed() {
    PairedOutcomes even = pairs(50, 50, 100);
    RetrainingPolicy.Shadow policy = policy(ShadowTestKind.MCNEMAR, 5, 0);
    Instant limit = SINCE.plus(Duration.ofHours(24));

    assertThat(ShadowVerdicts.judge(policy, 1, even, START, limit.minusMillis(1)).verdict())
        .isEqualTo(Verdict.CONTINUE);
    ShadowVerdicts.Decision late = ShadowVerdicts.judge(policy, 1, even, START, limit);
    assertThat(late.verdict()).isEqualTo(Verdict.REJECT);
    assertThat(late.code()).isEqualTo("SHADOW_INCONCLUSIVE");
    ShadowVerdicts.Decision beforeAnyLook =
        ShadowVerdicts.judge(policy, 0, pairs(1, 1, 0), START, limit);
    assertThat(beforeAnyLook.verdict())
        .as("a shadow that never reached a look still ends")
        .isEqualTo(Verdict.REJECT);
  }

  @Test
  void shouldRejectAChallengerThatFailsTooOften() {
    PairedOutcomes outcomes = pairs(0, 200, 0);
    outcomes.addChallengerFailure();
    outcomes.addChallengerFailure();
    RetrainingPolicy.Shadow policy = policy(ShadowTestKind.MCNEMAR, 5, 0);
    assertThat(judge(policy, 2, outcomes).verdict())
        .as("2 of 202 is under 1%")
        .isEqualTo(Verdict.PROMOTE);

    outcomes.addChallengerFailure();
    ShadowVerdicts.Decision failing = judge(policy, 2, outcomes);

    assertThat(failing.verdict()).as("3 of 203 is over 1%").isEqualTo(Verdict.REJECT);
    assertThat(failing.code()).isEqualTo("SHADOW_CHALLENGER_FAILURES");
    assertThat(failing.test().pairs().challengerFailed()).isEqualTo(3);
  }

  @Test
  void shouldNotJudgeFailuresOnFewerEventsThanALook() {
    PairedOutcomes outcomes = pairs(0, 10, 0);
    outcomes.addChallengerFailure();

    assertThat(judge(policy(ShadowTestKind.MCNEMAR, 5, 0), 0, outcomes).verdict())
        .isEqualTo(Verdict.CONTINUE);
  }

  @Test
  void shouldNotTestBeforeTheFirstLook() {
    ShadowVerdicts.Decision early = judge(policy(ShadowTestKind.MCNEMAR, 5, 0), 0, pairs(0, 90, 0));

    assertThat(early.verdict()).isEqualTo(Verdict.CONTINUE);
    assertThat(early.test().pValue()).isNull();
    assertThat(early.test().look()).isZero();
  }

  @Test
  void shouldPromoteOnTheBootstrapOnlyAboveTheMargin() {
    PairedOutcomes outcomes = pairs(30, 70, 100);
    // each discordant pair differs by ln(0.8 / 0.3) = 0.98: mean = 40 * 0.98 / 200 = 0.196

    ShadowVerdicts.Decision promoted =
        judge(policy(ShadowTestKind.BOOTSTRAP, 2, 0.01), 1, outcomes);
    assertThat(promoted.verdict()).isEqualTo(Verdict.PROMOTE);
    assertThat(promoted.test().test()).isEqualTo("bootstrapLogLoss");
    assertThat(promoted.test().pValue()).isNull();
    assertThat(promoted.test().logLoss().mean()).isCloseTo(0.196, within(0.001));
    assertThat(promoted.test().logLoss().low()).isGreaterThan(0.01);

    ShadowVerdicts.Decision beyondMargin =
        judge(policy(ShadowTestKind.BOOTSTRAP, 2, 0.2), 1, outcomes);
    assertThat(beyondMargin.verdict()).isEqualTo(Verdict.CONTINUE);
  }

  @Test
  void shouldRequireBothTestsForBoth() {
    // The challenger is right more often, but so unsure when right that its log loss is worse.
    PairedOutcomes rightButUnsure = PairedOutcomes.forClassification();
    for (int i = 0; i < 150; i++) {
      rightButUnsure.add(false, true, 0.45, 0.55);
    }
    for (int i = 0; i < 50; i++) {
      rightButUnsure.add(true, false, 0.99, 0.01);
    }
    RetrainingPolicy.Shadow both = policy(ShadowTestKind.BOTH, 1, 0);

    ShadowVerdicts.Decision split = judge(both, 1, rightButUnsure);

    assertThat(split.test().pValue()).isLessThan(0.05);
    assertThat(split.test().logLoss().mean()).isNegative();
    assertThat(split.verdict()).isEqualTo(Verdict.REJECT);
    assertThat(judge(policy(ShadowTestKind.MCNEMAR, 1, 0), 1, rightButUnsure).verdict())
        .isEqualTo(Verdict.PROMOTE);
    assertThat(judge(both, 1, pairs(40, 80, 0)).verdict()).isEqualTo(Verdict.PROMOTE);
  }

  @Test
  void shouldJudgeARegressionBySquaredErrors() {
    PairedOutcomes outcomes = PairedOutcomes.forRegression();
    for (int i = 0; i < 200; i++) {
      outcomes.addErrors(2 + (i % 5) * 0.1, 1 + (i % 7) * 0.1);
    }

    ShadowVerdicts.Decision decision = judge(policy(ShadowTestKind.BOOTSTRAP, 3, 0), 2, outcomes);

    assertThat(decision.verdict()).isEqualTo(Verdict.PROMOTE);
    assertThat(decision.test().test()).isEqualTo(ShadowVerdicts.SQUARED_ERROR_TEST);
    assertThat(decision.reason()).contains("squared-error difference");
    assertThatThrownBy(() -> judge(policy(ShadowTestKind.MCNEMAR, 3, 0), 2, outcomes))
        .hasMessage("mcnemar cannot judge a regression shadow");
    assertThatThrownBy(() -> judge(policy(null, 3, 0), 2, outcomes))
        .hasMessageContaining("resolve the policy");
  }

  @Test
  void shouldCountLooksByPairs() {
    RetrainingPolicy.Shadow policy = policy(ShadowTestKind.MCNEMAR, 5, 0);

    assertThat(ShadowVerdicts.look(policy, 99)).isZero();
    assertThat(ShadowVerdicts.look(policy, 100)).isEqualTo(1);
    assertThat(ShadowVerdicts.look(policy, 250)).isEqualTo(2);
  }
}

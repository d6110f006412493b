package dev.scorestream.retraining;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class McNemarTestTest {

  @Test
  void shouldGiveTheDesignsFiguresForTenAgainstTwentyFive() {
    McNemarTest test = McNemarTest.of(10, 25);

    assertThat(test.twoSidedP()).isCloseTo(0.01667, within(5e-6));
    assertThat(test.challengerBetterP()).isCloseTo(0.00834, within(5e-6));
    assertThat(test.chiSquare()).isCloseTo(5.6, within(1e-12));
    assertThat(test.chiSquareP()).isCloseTo(0.01796, within(5e-6));
    assertThat(test.championBetterP()).as("the other tail").isGreaterThan(0.99);
  }

  @Test
  void shouldGiveTheDesignsFiguresForAHundredAgainstAHundredAndForty() {
    McNemarTest test = McNemarTest.of(100, 140);

    assertThat(test.twoSidedP()).isCloseTo(0.01166, within(5e-6));
    assertThat(test.challengerBetterP()).isCloseTo(0.00583, within(5e-6));
    assertThat(test.chiSquare()).isCloseTo(6.3375, within(1e-12));
    assertThat(test.chiSquareP()).isCloseTo(0.01182, within(5e-6));
  }

  @Test
  void shouldTurnTheTailsAroundWhenTheChampionIsBetter() {
    McNemarTest better = McNemarTest.of(25, 10);

    assertThat(better.championBetterP()).isCloseTo(0.00834, within(5e-6));
    assertThat(better.challengerBetterP()).isGreaterThan(0.99);
    assertThat(better.twoSidedP()).isEqualTo(McNemarTest.of(10, 25).twoSidedP());
  }

  @Test
  void shouldSayNothingWithoutDiscordantPairs() {
    McNemarTest none = McNemarTest.of(0, 0);

    assertThat(none.challengerBetterP()).isEqualTo(1.0);
    assertThat(none.twoSidedP()).isEqualTo(1.0);
    assertThat(none.chiSquare()).isZero();
    assertThat(McNemarTest.of(7, 7).twoSidedP()).isEqualTo(1.0);
    assertThat(McNemarTest.of(7, 7).chiSquare()).as("|b - c| - 1 floors at 0").isZero();
    assertThatThrownBy(() -> McNemarTest.of(-1, 3)).hasMessageContaining("b=-1");
  }

  @Test
  void shouldStayFiniteAndExactForTensOfThousandsOfPairs() {
    // 2^-60000 underflows a double: only log space gets this right.
    McNemarTest large = McNemarTest.of(29_500, 30_500);

    assertThat(large.challengerBetterP()).isCloseTo(exactTail(60_000, 30_500), within(1e-12));
    assertThat(large.challengerBetterP()).isBetween(0.0, 0.0001).isNotZero();
    assertThat(McNemarTest.of(0, 60_000).challengerBetterP()).isZero();
  }

  @Property(tries = 200)
  void shouldMatchTheExactBinomialTail(
      @ForAll @IntRange(min = 0, max = 300) int b, @ForAll @IntRange(min = 0, max = 300) int c) {
    McNemarTest test = McNemarTest.of(b, c);

    assertThat(test.challengerBetterP()).isCloseTo(exactTail(b + c, c), within(1e-9));
    assertThat(test.championBetterP()).isCloseTo(exactTail(b + c, b), within(1e-9));
  }

  @Test
  void shouldComputeErfcToSevenDigits() {
    assertThat(McNemarTest.erfc(0)).isCloseTo(1.0, within(2e-7));
    assertThat(McNemarTest.erfc(1)).isCloseTo(0.157299207050285, within(2e-8));
    assertThat(McNemarTest.erfc(2)).isCloseTo(0.004677734981047, within(1e-9));
    assertThat(McNemarTest.erfc(-1)).isCloseTo(1.842700792949715, within(2e-7));
  }

  /** P(X >= k), X ~ Bin(n, 1/2), in exact arithmetic. */
  static double exactTail(int n, int k) {
    BigInteger sum = BigInteger.ZERO;
    BigInteger choose = BigInteger.ONE;
    for (int j = 0; j <= n; j++) {
      if (j >= k) {
        sum = sum.add(choose);
      }
      choose = choose.multiply(BigInteger.valueOf(n - j)).divide(BigInteger.valueOf(j + 1));
    }
    return new BigDecimal(sum)
        .divide(new BigDecimal(BigInteger.TWO.pow(n)), MathContext.DECIMAL64)
        .doubleValue();
  }
}

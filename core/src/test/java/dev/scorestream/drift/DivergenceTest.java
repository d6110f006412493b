package dev.scorestream.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;

class DivergenceTest {

  @Test
  void shouldComputePsiByHand() {
    // (0.1-0.25)ln(0.1/0.25) + (0.2-0.25)ln(0.2/0.25) + (0.3-0.25)ln(0.3/0.25) +
    // (0.4-0.25)ln(0.4/0.25) = 0.137444 + 0.011157 + 0.009116 + 0.070501 = 0.228218
    double psi =
        Divergence.psi(new double[] {0.25, 0.25, 0.25, 0.25}, new double[] {0.1, 0.2, 0.3, 0.4});

    assertThat(psi).isCloseTo(0.2282183, offset(1e-6));
  }

  @Test
  void shouldBeZeroForIdenticalAndSymmetricInItsArguments() {
    double[] a = {0.2, 0.5, 0.3};
    double[] b = {0.3, 0.3, 0.4};

    assertThat(Divergence.psi(a, a)).isZero();
    assertThat(Divergence.jensenShannon(a, a)).isZero();
    assertThat(Divergence.psi(a, b)).isCloseTo(Divergence.psi(b, a), offset(1e-12));
    assertThat(Divergence.jensenShannon(a, b))
        .isCloseTo(Divergence.jensenShannon(b, a), offset(1e-12));
  }

  @Test
  void shouldReplaceEmptyBinsWithDocumentedEpsilonInPsi() {
    // bin 2 empty in actual: (1e-4 - 0.5) ln(1e-4 / 0.5) + (1 - 0.5) ln(1 / 0.5)
    double expected = (1e-4 - 0.5) * Math.log(1e-4 / 0.5) + 0.5 * Math.log(2);

    assertThat(Divergence.psi(new double[] {0.5, 0.5}, new double[] {1.0, 0.0}))
        .isCloseTo(expected, offset(1e-12));
    assertThat(expected).as("checked independently in Python").isCloseTo(4.604318, offset(1e-6));
  }

  @Test
  void shouldGiveJensenShannonDistanceOneForDisjointAndKnownValueForHalfOverlap() {
    assertThat(Divergence.jensenShannon(new double[] {1, 0}, new double[] {0, 1}))
        .isCloseTo(1.0, offset(1e-12));
    // p = (1, 0), q = (0.5, 0.5), m = (0.75, 0.25): JSD = 0.5 * 1 * log2(1/0.75) + 0.5 * (0.5
    // log2(0.5/0.75) + 0.5 log2(0.5/0.25)) = 0.311278
    assertThat(Divergence.jensenShannon(new double[] {1, 0}, new double[] {0.5, 0.5}))
        .isCloseTo(Math.sqrt(0.3112781), offset(1e-6));
  }

  @Test
  void shouldMatchScipysPublishedJensenShannonExamples() {
    // docs.scipy.org, scipy.spatial.distance.jensenshannon, "Examples":
    //   jensenshannon([1.0, 0.0, 0.0], [0.0, 1.0, 0.0], 2.0) == 1.0
    //   jensenshannon([1.0, 0.0], [0.5, 0.5]) == 0.46450140402245893   (natural logarithm, scipy's
    // default)
    //   jensenshannon([1.0, 0.0, 0.0], [1.0, 0.0, 0.0]) == 0.0
    // Ours is base 2; the natural-log distance is the base-2 one times sqrt(ln 2).
    assertThat(Divergence.jensenShannon(new double[] {1, 0, 0}, new double[] {0, 1, 0}))
        .isCloseTo(1.0, offset(1e-12));
    assertThat(
            Divergence.jensenShannon(new double[] {1, 0}, new double[] {0.5, 0.5})
                * Math.sqrt(Math.log(2)))
        .isCloseTo(0.46450140402245893, offset(1e-12));
    assertThat(Divergence.jensenShannon(new double[] {1, 0, 0}, new double[] {1, 0, 0})).isZero();
  }

  @Test
  void shouldGiveZeroSharesForNoCounts() {
    assertThat(Divergence.shares(new long[] {0, 0})).containsExactly(0.0, 0.0);
    assertThat(Divergence.shares(new long[] {1, 3})).containsExactly(0.25, 0.75);
  }
}

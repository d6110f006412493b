package dev.scorestream.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class MomentsTest {

  static Moments of(double... values) {
    Moments moments = Moments.EMPTY;
    for (double value : values) {
      moments = moments.add(value);
    }
    return moments;
  }

  @Test
  void shouldComputeMeanAndSampleVarianceByHand() {
    Moments moments = of(2, 4, 4, 4, 5, 5, 7, 9);

    assertThat(moments.count()).isEqualTo(8);
    assertThat(moments.mean()).isEqualTo(5.0);
    assertThat(moments.variance()).isCloseTo(32.0 / 7, offset(1e-12));
    assertThat(moments.min()).isEqualTo(2);
    assertThat(moments.max()).isEqualTo(9);
  }

  @Test
  void shouldTreatEmptyAndSingleValueSanely() {
    assertThat(Moments.EMPTY.variance()).isZero();
    assertThat(of(3).variance()).isZero();
    assertThat(Moments.EMPTY.merge(of(1, 2))).isEqualTo(of(1, 2));
  }

  @Property(tries = 300)
  void mergingPartsEqualsAddingAll(
      @ForAll @Size(max = 60) List<@DoubleRange(min = -1e6, max = 1e6) Double> left,
      @ForAll @Size(max = 60) List<@DoubleRange(min = -1e6, max = 1e6) Double> right) {
    Moments merged =
        of(left.stream().mapToDouble(Double::doubleValue).toArray())
            .merge(of(right.stream().mapToDouble(Double::doubleValue).toArray()));
    Moments all =
        of(Stream.concat(left.stream(), right.stream()).mapToDouble(Double::doubleValue).toArray());

    assertThat(merged.count()).isEqualTo(all.count());
    assertThat(merged.mean()).isCloseTo(all.mean(), offset(1e-6));
    assertThat(merged.variance())
        .isCloseTo(all.variance(), offset(Math.max(1e-6, all.variance() * 1e-9)));
    assertThat(merged.min()).isEqualTo(all.min());
    assertThat(merged.max()).isEqualTo(all.max());
  }
}

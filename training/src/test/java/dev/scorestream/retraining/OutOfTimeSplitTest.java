package dev.scorestream.retraining;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scorestream.schemas.LabelledRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class OutOfTimeSplitTest {

  /** Rows at these times, on 3 partitions, offsets in reading order. */
  static List<TimedRow> rows(long... times) {
    List<TimedRow> rows = new ArrayList<>();
    for (int i = 0; i < times.length; i++) {
      rows.add(new TimedRow("e" + i, new LabelledRecord(null, "LEGIT"), times[i], i % 3, 100 + i));
    }
    return rows;
  }

  static List<Long> times(List<TimedRow> rows) {
    return rows.stream().map(TimedRow::eventTime).toList();
  }

  @Test
  void shouldHoldOutTheNewestFraction() {
    OutOfTimeSplit.Split split =
        OutOfTimeSplit.split(rows(5, 1, 9, 3, 2, 10, 4, 8, 6, 7), 0.2, Duration.ZERO);

    assertThat(times(split.train())).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
    assertThat(times(split.eval())).containsExactly(9L, 10L);
    assertThat(split.holdoutFrom()).isEqualTo(Instant.ofEpochMilli(9));
    assertThat(split.dropped()).isZero();
  }

  @Test
  void shouldSendTiesAtTheCutoffToEval() {
    OutOfTimeSplit.Split split =
        OutOfTimeSplit.split(rows(1, 2, 3, 4, 5, 6, 7, 8, 8, 8), 0.2, Duration.ZERO);

    assertThat(times(split.eval())).containsExactly(8L, 8L, 8L);
    assertThat(times(split.train())).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
  }

  @Test
  void shouldLeaveTheGapOutOfBoth() {
    long minute = 60_000;
    OutOfTimeSplit.Split split =
        OutOfTimeSplit.split(
            rows(
                0,
                minute,
                2 * minute,
                3 * minute,
                4 * minute,
                5 * minute,
                6 * minute,
                7 * minute,
                8 * minute,
                9 * minute),
            0.2,
            Duration.ofMinutes(2));

    assertThat(split.holdoutFrom()).isEqualTo(Instant.ofEpochMilli(8 * minute));
    assertThat(times(split.train())).last().isEqualTo(5 * minute);
    assertThat(split.train()).hasSize(6);
    assertThat(split.eval()).hasSize(2);
    assertThat(split.dropped()).isEqualTo(2);
  }

  @Test
  void shouldOrderByTimeThenPartitionThenOffsetWhateverTheReadingOrder() {
    List<TimedRow> rows = rows(4, 4, 4, 1, 1, 9, 9, 9, 2, 3);
    List<TimedRow> shuffled = new ArrayList<>(rows);
    Collections.shuffle(shuffled, new Random(3));

    OutOfTimeSplit.Split split = OutOfTimeSplit.split(shuffled, 0.3, Duration.ZERO);

    assertThat(split).isEqualTo(OutOfTimeSplit.split(rows, 0.3, Duration.ZERO));
    assertThat(split.train()).isSortedAccordingTo(TimedRow.CHRONOLOGICAL);
    assertThat(split.eval()).isSortedAccordingTo(TimedRow.CHRONOLOGICAL);
    assertThat(split.train().subList(4, 7))
        .extracting(TimedRow::partition)
        .as("equal times by partition")
        .containsExactly(0, 1, 2);
  }

  @Test
  void shouldSplitNothingIntoNothing() {
    OutOfTimeSplit.Split split = OutOfTimeSplit.split(List.of(), 0.2, Duration.ZERO);

    assertThat(split.train()).isEmpty();
    assertThat(split.eval()).isEmpty();
    assertThat(split.holdoutFrom()).isNull();
  }

  @Test
  void shouldRefuseAFractionOrGapThatSplitsNothing() {
    assertThatThrownBy(() -> OutOfTimeSplit.split(rows(1), 0, Duration.ZERO))
        .hasMessage("evalFraction must be in (0, 1), got 0.0");
    assertThatThrownBy(() -> OutOfTimeSplit.split(rows(1), 1, Duration.ZERO))
        .hasMessageContaining("evalFraction");
    assertThatThrownBy(() -> OutOfTimeSplit.split(rows(1), 0.2, Duration.ofMillis(-1)))
        .hasMessageContaining("gap must not be negative");
  }

  @Property(tries = 500)
  void shouldNeverTrainOnARowAsNewAsAHeldOutOne(
      @ForAll @Size(min = 1, max = 300) List<@IntRange(min = 0, max = 500) Integer> times,
      @ForAll @DoubleRange(min = 0.05, max = 0.5) double evalFraction,
      @ForAll @IntRange(min = 0, max = 50) int gapMillis) {
    List<TimedRow> rows = rows(times.stream().mapToLong(Integer::longValue).toArray());

    OutOfTimeSplit.Split split =
        OutOfTimeSplit.split(rows, evalFraction, Duration.ofMillis(gapMillis));

    long cutoff = split.holdoutFrom().toEpochMilli();
    assertThat(split.eval()).isNotEmpty().allMatch(row -> row.eventTime() >= cutoff);
    assertThat(split.train()).allMatch(row -> row.eventTime() < cutoff - gapMillis);
    long newestTrained = split.train().stream().mapToLong(TimedRow::eventTime).max().orElse(-1);
    long oldestHeldOut = split.eval().stream().mapToLong(TimedRow::eventTime).min().orElseThrow();
    assertThat(newestTrained).isLessThan(oldestHeldOut);
    assertThat(split.eval().size())
        .as("at least the newest fraction is held out")
        .isGreaterThanOrEqualTo(rows.size() - (int) Math.floor((1 - evalFraction) * rows.size()));
    Set<String> ids = new HashSet<>();
    split.train().forEach(row -> ids.add(row.eventId()));
    split.eval().forEach(row -> assertThat(ids.add(row.eventId())).isTrue());
    assertThat(split.train().size() + split.eval().size() + split.dropped()).isEqualTo(rows.size());
  }
}

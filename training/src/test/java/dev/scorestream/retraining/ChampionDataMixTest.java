package dev.scorestream.retraining;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.schemas.LabelledRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChampionDataMixTest {

  static final long HOUR = 3_600_000;

  /** The new rows: one an hour for 10 hours; the last 2 are held out. */
  static final OutOfTimeSplit.Split SPLIT = split();

  static OutOfTimeSplit.Split split() {
    List<TimedRow> rows = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      rows.add(row("new-" + i, 100 * HOUR + i * HOUR, 0, i));
    }
    return OutOfTimeSplit.split(rows, 0.2, Duration.ZERO);
  }

  static TimedRow row(String id, long time, int partition, long offset) {
    return new TimedRow(id, new LabelledRecord(null, "LEGIT"), time, partition, offset);
  }

  /** The champion's rows: {@code count} of them, one a minute from hour 0. */
  static List<TimedRow> championRows(int count) {
    List<TimedRow> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      rows.add(row("old-" + i, i * 60_000L, -1, i));
    }
    return rows;
  }

  static ChampionDataMix mix(double share, int maxRows, Duration gap, long seed) {
    return new ChampionDataMix(new RetrainingPolicy.ChampionData(share, maxRows, false), gap, seed);
  }

  @Test
  void shouldAskForShareOverOneMinusShareCappedByMaxRows() {
    assertThat(mix(0.2, 50_000, Duration.ZERO, 1).wanted(1000)).isEqualTo(250);
    assertThat(mix(0.5, 50_000, Duration.ZERO, 1).wanted(1000)).isEqualTo(1000);
    assertThat(mix(0.2, 100, Duration.ZERO, 1).wanted(1000)).isEqualTo(100);
    assertThat(mix(0.0, 100, Duration.ZERO, 1).wanted(1000)).isZero();
    assertThat(mix(0.1, 100, Duration.ZERO, 1).wanted(4000))
        .as("the demo policy: 10 percent of 4,000 new rows, capped at 100")
        .isEqualTo(100);
    assertThat(mix(0.1, 50_000, Duration.ZERO, 1).wanted(4000)).isEqualTo(444);
  }

  @Test
  void shouldMakeTheChampionsRowsTheDeclaredShareOfTheTraining() {
    ChampionDataMix.Mix mix = mix(0.2, 50_000, Duration.ZERO, 7).mix(championRows(100), 8, SPLIT);

    assertThat(mix.wanted()).isEqualTo(2);
    assertThat(mix.rows()).hasSize(2);
    assertThat(mix.eligible()).isEqualTo(100);
  }

  @Test
  void shouldTakeOnlyRowsOlderThanTheHoldoutMinusTheGapAndNotHeldOut() {
    long holdout = SPLIT.holdoutFrom().toEpochMilli();
    List<TimedRow> champion = new ArrayList<>();
    champion.add(row("early", holdout - 3 * HOUR, -1, 0));
    champion.add(row("in-gap", holdout - HOUR, -1, 1));
    champion.add(row("after", holdout + HOUR, -1, 2));
    champion.add(row(SPLIT.eval().get(0).eventId(), holdout - 5 * HOUR, -1, 3));
    champion.add(row("earliest", holdout - 9 * HOUR, -1, 4));

    ChampionDataMix.Mix mix = mix(0.9, 50_000, Duration.ofHours(2), 1).mix(champion, 1000, SPLIT);

    assertThat(mix.eligible()).isEqualTo(2);
    assertThat(mix.rows()).extracting(TimedRow::eventId).containsExactly("earliest", "early");
  }

  @Test
  void shouldChooseTheSameRowsForTheSameSeedWhateverTheReadingOrder() {
    List<TimedRow> champion = championRows(500);
    List<TimedRow> shuffled = new ArrayList<>(champion);
    Collections.shuffle(shuffled, new Random(5));
    ChampionDataMix seeded = mix(0.5, 50, Duration.ZERO, 11);

    ChampionDataMix.Mix first = seeded.mix(champion, 1000, SPLIT);

    assertThat(seeded.mix(shuffled, 1000, SPLIT)).isEqualTo(first);
    assertThat(first.rows()).hasSize(50).isSortedAccordingTo(TimedRow.CHRONOLOGICAL);
    assertThat(first.rows()).doesNotHaveDuplicates();
    assertThat(mix(0.5, 50, Duration.ZERO, 12).mix(champion, 1000, SPLIT).rows())
        .as("another seed, another sample")
        .isNotEqualTo(first.rows());
    assertThat(first.rows().get(49).eventTime() - first.rows().get(0).eventTime())
        .as("a sample spread over the champion's data, not its first rows")
        .isGreaterThan(250 * 60_000L);
  }

  @Test
  void shouldTakeEveryEligibleRowWhenThereAreFewerThanWanted() {
    ChampionDataMix.Mix mix = mix(0.5, 50_000, Duration.ZERO, 3).mix(championRows(30), 1000, SPLIT);

    assertThat(mix.wanted()).isEqualTo(1000);
    assertThat(mix.rows()).hasSize(30);
  }
}

package dev.scorestream.retraining;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Chooses rows of the champion's own training data to train the candidate on beside the new rows,
 * so that it does not forget the stable part of the world: {@code min(maxRows, round(share * n_new
 * / (1 - share)))} of them, which makes them {@code share} of the final training rows.
 *
 * <p>Only rows older than {@code holdoutFrom - gap} whose event is not held out may be chosen: the
 * previous generation's data overlaps the new window, and a held-out event coming back through it
 * would be graded on what it was trained on. The choice is a seeded shuffle of the eligible rows in
 * chronological order, so the same rows, seed and split always give the same mix, whatever order
 * the rows were read in.
 */
public final class ChampionDataMix {

  /**
   * @param rows the chosen rows, in chronological order
   * @param wanted how many the share asked for
   * @param eligible how many could have been chosen
   */
  public record Mix(List<TimedRow> rows, long wanted, long eligible) {

    public Mix {
      rows = List.copyOf(rows);
    }
  }

  private final RetrainingPolicy.ChampionData policy;
  private final Duration gap;
  private final long seed;

  public ChampionDataMix(RetrainingPolicy.ChampionData policy, Duration gap, long seed) {
    this.policy = policy;
    this.gap = gap;
    this.seed = seed;
  }

  /** How many champion rows go with {@code newRows} new ones. */
  public long wanted(long newRows) {
    if (policy.share() <= 0 || newRows <= 0) {
      return 0;
    }
    long byShare = Math.round(policy.share() * newRows / (1 - policy.share()));
    return Math.min(policy.maxRows(), byShare);
  }

  /**
   * @param championRows the champion's training rows
   * @param newRows how many new training rows the candidate has
   * @param split the new rows' split, whose held-out events and cutoff bound the choice
   */
  public Mix mix(List<TimedRow> championRows, long newRows, OutOfTimeSplit.Split split) {
    long wanted = wanted(newRows);
    Set<String> heldOut = new HashSet<>();
    split.eval().forEach(row -> heldOut.add(row.eventId()));
    long before =
        split.holdoutFrom() == null
            ? Long.MAX_VALUE
            : split.holdoutFrom().toEpochMilli() - gap.toMillis();
    List<TimedRow> eligible = new ArrayList<>();
    for (TimedRow row : championRows) {
      if (row.eventTime() < before && !heldOut.contains(row.eventId())) {
        eligible.add(row);
      }
    }
    eligible.sort(TimedRow.CHRONOLOGICAL.thenComparing(TimedRow::eventId));
    int take = (int) Math.min(wanted, eligible.size());
    // A partial Fisher-Yates shuffle: the first `take` places hold a uniform seeded sample.
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < take; i++) {
      int j = i + random.nextInt(eligible.size() - i);
      TimedRow swap = eligible.get(i);
      eligible.set(i, eligible.get(j));
      eligible.set(j, swap);
    }
    List<TimedRow> chosen = new ArrayList<>(eligible.subList(0, take));
    chosen.sort(TimedRow.CHRONOLOGICAL.thenComparing(TimedRow::eventId));
    return new Mix(chosen, wanted, eligible.size());
  }
}

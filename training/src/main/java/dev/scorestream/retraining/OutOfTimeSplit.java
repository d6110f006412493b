package dev.scorestream.retraining;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits training rows by time, never at random: the newest {@code evalFraction} is held out, and
 * only rows older than the cutoff minus a gap are trained on. A random split of the same period
 * would let a model learn from the week it is graded on and flatter it; out of time, the held-out
 * rows are what the future looks like from the training rows.
 *
 * <p>Rows are sorted by (time, partition, offset); the cutoff is the time of the row at position
 * floor((1 - evalFraction) * n). Eval = time &gt;= cutoff (ties go to eval, so no row shares a time
 * with a held-out row); train = time &lt; cutoff - gap; rows in the gap are dropped. The invariant
 * max(train time) &lt; min(eval time) is checked on every split.
 */
public final class OutOfTimeSplit {

  /**
   * @param train oldest rows, in chronological order
   * @param eval held-out rows, in chronological order
   * @param holdoutFrom the cutoff: the first held-out time; null when there were no rows
   * @param dropped rows within the gap before the cutoff, in neither
   */
  public record Split(List<TimedRow> train, List<TimedRow> eval, Instant holdoutFrom, int dropped) {

    public Split {
      train = List.copyOf(train);
      eval = List.copyOf(eval);
    }
  }

  private OutOfTimeSplit() {}

  /**
   * @param evalFraction share of rows to hold out, in (0, 1)
   * @param gap time left out before the cutoff, so that rows right before it (whose labels may
   *     describe the same incident) do not leak into training
   */
  public static Split split(List<TimedRow> rows, double evalFraction, Duration gap) {
    if (!(evalFraction > 0 && evalFraction < 1)) {
      throw new IllegalArgumentException("evalFraction must be in (0, 1), got " + evalFraction);
    }
    if (gap.isNegative()) {
      throw new IllegalArgumentException("gap must not be negative, got " + gap);
    }
    if (rows.isEmpty()) {
      return new Split(List.of(), List.of(), null, 0);
    }
    List<TimedRow> sorted = new ArrayList<>(rows);
    sorted.sort(TimedRow.CHRONOLOGICAL);
    long cutoff = sorted.get((int) Math.floor((1 - evalFraction) * sorted.size())).eventTime();
    long trainBefore = cutoff - gap.toMillis();
    List<TimedRow> train = new ArrayList<>();
    List<TimedRow> eval = new ArrayList<>();
    for (TimedRow row : sorted) {
      if (row.eventTime() >= cutoff) {
        eval.add(row);
      } else if (row.eventTime() < trainBefore) {
        train.add(row);
      }
    }
    if (!train.isEmpty() && train.get(train.size() - 1).eventTime() >= eval.get(0).eventTime()) {
      throw new IllegalStateException(
          "a training row at "
              + train.get(train.size() - 1).eventTime()
              + " is not older than the first held-out row at "
              + eval.get(0).eventTime());
    }
    return new Split(
        train, eval, Instant.ofEpochMilli(cutoff), sorted.size() - train.size() - eval.size());
  }
}

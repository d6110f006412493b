package dev.scorestream.retraining;

import dev.scorestream.schemas.LabelledRecord;
import java.util.Comparator;

/**
 * A labelled training row with where it came from and when it happened: the unit the out-of-time
 * split, the champion-data mix and the row digest work on.
 *
 * @param eventId the event's id, the label join's key: an event held out for evaluation must never
 *     come back as a training row from the champion's data
 * @param eventTime the time the split orders by (event or label time, per {@code data.timeField}),
 *     epoch millis
 * @param partition the training topic's partition; -1 for a row of the champion's own data
 * @param offset the offset in that partition; for the champion's data, the row's position in it
 */
public record TimedRow(
    String eventId, LabelledRecord row, long eventTime, int partition, long offset) {

  /** Time, then partition, then offset: a total order that does not depend on reading order. */
  public static final Comparator<TimedRow> CHRONOLOGICAL =
      Comparator.comparingLong(TimedRow::eventTime)
          .thenComparingInt(TimedRow::partition)
          .thenComparingLong(TimedRow::offset);
}

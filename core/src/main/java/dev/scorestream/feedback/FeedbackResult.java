package dev.scorestream.feedback;

/** What a label met in the prediction store. */
public sealed interface FeedbackResult {

  /** When the label became known (its {@code label_time}). */
  long labelTime();

  /**
   * Joined with its prediction.
   *
   * @param label the true label (classification) or the true value as text (regression)
   * @param value the true value (regression), else null
   */
  record Matched(
      PredictionSnapshots.Snapshot prediction, String label, Double value, long labelTime)
      implements FeedbackResult {}

  /** No prediction stored for the event id (unknown, expired, or the event was dead-lettered). */
  record Unmatched(String eventId, long labelTime) implements FeedbackResult {}

  /** The event had been labelled before; this label is ignored. */
  record Duplicate(String eventId, String modelVersion, long labelTime) implements FeedbackResult {}
}

package dev.scorestream.topology;

import dev.scorestream.serving.Outcome;

/**
 * What reaches the feedback join: a stored-to-be prediction, a decoded label, or a label to
 * dead-letter.
 */
sealed interface FeedbackInput {

  /**
   * A prediction snapshot ({@link dev.scorestream.feedback.PredictionSnapshots}); the record time
   * is the event time.
   */
  record Prediction(byte[] snapshot) implements FeedbackInput {}

  /** A valid label. */
  record Label(String eventId, String label, Double value, long labelTime)
      implements FeedbackInput {}

  /** A label that cannot be used; it goes to the dead-letter topic like a bad event. */
  record Invalid(Outcome.Rejected rejected) implements FeedbackInput {}
}

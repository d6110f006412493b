package dev.scorestream.serving;

import dev.scorestream.model.ModelScorer;
import dev.scorestream.model.ScoreResult;
import dev.scorestream.schemas.Reason;
import java.util.List;
import org.apache.avro.generic.GenericRecord;

/** What became of one input record: exactly one of a prediction or a dead letter. */
public sealed interface Outcome {

  /**
   * Scored: {@code prediction} is the wire-format Prediction to write; the rest feeds drift and
   * feedback.
   *
   * @param event the sanitized record, as the feature extractor saw it
   * @param eventTime the event time (the configured field, else the record timestamp)
   * @param input the record's value as it arrived (wire format), kept by the feedback join
   * @param challenger the challenger's answer in shadow, or null when none scored it
   */
  record Scored(
      byte[] prediction,
      ModelScorer model,
      GenericRecord event,
      ScoreResult result,
      String eventId,
      long eventTime,
      byte[] input,
      EventScorer.Challenged challenger)
      implements Outcome {

    public String modelVersion() {
      return model.version();
    }
  }

  /**
   * Rejected: the record goes to the dead-letter topic as {@code originalValue}, byte for byte.
   *
   * @param schemaId wire-format schema id, -1 when there was none
   * @param modelVersion active model version when it was rejected, "" when unknown
   */
  record Rejected(
      Reason reason,
      List<String> rules,
      String message,
      Throwable cause,
      int schemaId,
      String modelVersion,
      byte[] originalValue)
      implements Outcome {}
}

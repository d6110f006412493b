package dev.scorestream.topology;

import dev.scorestream.deadletter.Reason;
import java.util.List;

/** What became of one input record: exactly one of a prediction or a dead letter. */
public sealed interface Outcome {

  /** Scored: {@code prediction} is the wire-format Prediction to write. */
  record Scored(byte[] prediction, String modelVersion) implements Outcome {
  }

  /**
   * Rejected: the record goes to the dead-letter topic as {@code originalValue}, byte for byte.
   *
   * @param schemaId wire-format schema id, -1 when there was none
   * @param modelVersion active model version when it was rejected, "" when unknown
   */
  record Rejected(Reason reason, List<String> rules, String message, Throwable cause, int schemaId,
      String modelVersion, byte[] originalValue) implements Outcome {
  }
}

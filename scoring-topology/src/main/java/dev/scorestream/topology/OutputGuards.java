package dev.scorestream.topology;

/**
 * What keeps a single record from stopping the pipeline at its outputs: the size limits, the inputs
 * whose outputs were refused before, and which input headers travel onto predictions.
 */
public record OutputGuards(
    OutputLimits limits, OversizedOutputs refused, PredictionHeaders predictionHeaders) {

  /** No limits, default header policy: for tests and tools. */
  public static OutputGuards unlimited() {
    return new OutputGuards(
        OutputLimits.UNLIMITED, new OversizedOutputs(), PredictionHeaders.DEFAULT);
  }
}

package dev.scorestream.inference;

import dev.scorestream.model.ScoreResult;
import java.util.List;

/**
 * The answer to an {@link InferRequest}: one result per row, in request order.
 *
 * @param labels the order of the {@code scores} output's columns
 * @param outputs the outputs to send, in protocol order
 */
public record InferResult(
    String modelName,
    String modelVersion,
    String id,
    List<String> labels,
    List<ScoreResult> rows,
    List<String> outputs) {}

package dev.scorestream.inference;

import java.util.List;

/**
 * A V2 inference request, whichever binding it came over.
 *
 * @param modelVersion empty: the champion
 * @param id echoed in the response, may be empty
 * @param outputs the outputs asked for; empty: all of them
 */
public record InferRequest(
    String modelName,
    String modelVersion,
    String id,
    List<InputTensor> inputs,
    List<String> outputs) {}

package dev.scorestream.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * A held-out event with the answer the model gave right after training ({@code smoke.json} in the
 * artifact). A candidate model must reproduce these answers before it may serve: proof that the
 * file on disk is the model that was evaluated and that it works with this scorer's feature
 * extraction.
 *
 * @param event the event as plain JSON (reader-schema fields)
 * @param label the predicted label at training time
 * @param scores the scores at training time
 */
public record SmokeExample(JsonNode event, String label, Map<String, Double> scores) {}

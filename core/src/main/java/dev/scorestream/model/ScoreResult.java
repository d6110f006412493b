package dev.scorestream.model;

import java.util.Map;

/** A model's answer for one example: the predicted label and the score of every label. */
public record ScoreResult(String label, Map<String, Double> scores) {}

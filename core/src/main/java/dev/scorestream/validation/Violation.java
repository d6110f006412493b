package dev.scorestream.validation;

/**
 * One violated rule.
 *
 * @param ruleId {@code field.rule}, e.g. {@code amount.max}; the stable id used in dead-letter
 *     headers
 * @param message what the value was and what the rule wants
 */
public record Violation(String ruleId, String message) {}

package dev.scorestream.drift;

/**
 * One feature's window compared with its training baseline.
 *
 * @param count values seen (present and missing)
 * @param missingRate share of missing values in the window
 * @param baselineMissingRate share of missing values in the training data
 */
public record FeatureDrift(
    String feature,
    long count,
    double missingRate,
    double baselineMissingRate,
    double psi,
    double jensenShannon,
    Moments moments,
    DriftStatus status) {}

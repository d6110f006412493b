package dev.scorestream.model;

import java.util.Map;

/**
 * The training data's distribution, the reference drift is measured against ({@code
 * baseline.json}).
 *
 * @param examples number of training records profiled
 * @param numeric per numeric or boolean field: bin edges and proportions plus moments
 * @param categorical per categorical field: value frequencies
 * @param labels frequencies of the labels the model predicted on its training data (the reference
 *     for prediction drift); empty for regression
 */
public record BaselineProfile(
    long examples,
    Map<String, NumericProfile> numeric,
    Map<String, CategoricalProfile> categorical,
    Map<String, Double> labels) {

  /**
   * @param edges ascending bin edges; {@code edges.length + 1} bins, the first open below, the last
   *     open above
   * @param proportions share of non-missing values per bin, summing to 1
   * @param missingRate share of records where the field was null
   */
  public record NumericProfile(
      double[] edges,
      double[] proportions,
      double missingRate,
      double mean,
      double variance,
      double min,
      double max) {}

  /**
   * @param frequencies share of non-missing values per category, summing to 1
   * @param missingRate share of records where the field was null
   */
  public record CategoricalProfile(Map<String, Double> frequencies, double missingRate) {}
}

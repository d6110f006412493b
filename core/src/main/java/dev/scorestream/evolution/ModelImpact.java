package dev.scorestream.evolution;

import java.util.List;

/**
 * What a new writer schema does to one serving model: every feature a change reaches, the
 * unaffected ones included, sorted by name.
 */
public record ModelImpact(
    String model, String version, ServingModel.Role role, List<FeatureImpact> features) {

  public ModelImpact {
    features = List.copyOf(features);
  }

  /** True when at least one feature is worse off than under the previous writer. */
  public boolean affected() {
    return features.stream().anyMatch(FeatureImpact::degraded);
  }

  /** The features worse off than under the previous writer, by name. */
  public List<FeatureImpact> degraded() {
    return features.stream().filter(FeatureImpact::degraded).toList();
  }
}

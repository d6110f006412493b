package dev.scorestream.evolution;

/**
 * A model the analysis reports on: the champion, the challenger scored in shadow, or for a labels
 * subject the label join that reads the labels' fields.
 *
 * @param version the version every prediction names
 */
public record ServingModel(String name, String version, Role role, ModelInputs inputs) {

  /** Which answer the model gives. */
  public enum Role {
    CHAMPION,
    CHALLENGER,
    /** Not a model: the label join, whose "features" are the fields of a label it reads. */
    FEEDBACK
  }
}

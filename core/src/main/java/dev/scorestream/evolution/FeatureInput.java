package dev.scorestream.evolution;

/**
 * One model feature and the reader-schema field it is read from.
 *
 * @param feature the name the model knows it by (Tribuo's feature map, a feature-spec column)
 * @param field the top-level reader-schema field it depends on
 * @param use how the field's value reaches the feature
 * @param category for {@link Use#ONE_HOT}, the value that sets it; else null
 */
public record FeatureInput(String feature, String field, Use use, String category) {

  /** How a field's value reaches a feature. */
  public enum Use {
    /** The number itself, or 1/0 for a boolean. */
    VALUE,
    /** 1 when the field holds {@code category}. */
    ONE_HOT,
    /** The field names the reference row or entity the feature is looked up for. */
    JOIN_KEY,
    /** The feature aggregates the field over the entity's recent events. */
    AGGREGATED
  }
}

package dev.scorestream.evolution;

/**
 * What a new writer schema does to one feature of one model, next to what the previous writer did
 * to it: a feature a field removal already defaulted under the previous writer is not news.
 *
 * @param feature the model's name for it
 * @param field the reader field it is read from
 * @param cause the change that decides {@code consequence}; null when the new writer no longer
 *     changes the feature (the previous one did)
 * @param consequence under the new writer
 * @param previously under the previous writer ({@code UNAFFECTED} when there is none)
 */
public record FeatureImpact(
    String feature,
    String field,
    ChangeKind cause,
    Consequence consequence,
    Consequence previously) {

  /** True when the new writer makes this feature worse than the previous writer did. */
  public boolean degraded() {
    return consequence.worseThan(previously);
  }
}

package dev.scorestream.evolution;

import java.util.ArrayList;
import java.util.List;

/**
 * A model fed from the enriched schema: besides the reader fields it reads directly, a field feeds
 * every enriched field derived from it. A reference table's fields and missing flag derive from the
 * join key; an entity's windowed features derive from the entity key and from the field they
 * aggregate. The adapter walks {@code EnrichmentSpec.references()} and {@code entity()}.
 */
public final class EnrichedInputs implements ModelInputs {

  /** One enriched field and a reader field it depends on. */
  public record Derivation(String enrichedField, String readerField, FeatureInput.Use use) {}

  private final ModelInputs enriched;
  private final List<Derivation> derivations;

  /**
   * @param enriched the model's features over the enriched schema (reader fields included)
   */
  public EnrichedInputs(ModelInputs enriched, List<Derivation> derivations) {
    this.enriched = enriched;
    this.derivations = List.copyOf(derivations);
  }

  @Override
  public List<FeatureInput> inputsOf(String field) {
    List<FeatureInput> inputs = new ArrayList<>(enriched.inputsOf(field));
    for (Derivation derivation : derivations) {
      if (derivation.readerField().equals(field)) {
        for (FeatureInput input : enriched.inputsOf(derivation.enrichedField())) {
          inputs.add(new FeatureInput(input.feature(), field, derivation.use(), input.category()));
        }
      }
    }
    return inputs;
  }

  @Override
  public List<FeatureInput> all() {
    return enriched.all();
  }
}

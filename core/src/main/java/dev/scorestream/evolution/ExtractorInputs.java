package dev.scorestream.evolution;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * The features of a model fed by the feature extractor: a numeric or boolean field is the feature
 * of its name, a categorical field the one-hot features {@code field=value}. Only features the
 * model knows count (Tribuo's feature map): the extractor may produce {@code channel=WALLET}, but a
 * model never trained on it ignores it.
 *
 * <p>The adapter from the pipeline's classes is one line each: {@code extractor.fields()} mapped to
 * {@link ExtractedField}s, and the names in {@code model.getFeatureIDMap()}.
 */
public final class ExtractorInputs implements ModelInputs {

  /** How the extractor reads a field, as {@code FeatureExtractor.FeatureKind} says. */
  public enum Kind {
    NUMERIC,
    BOOLEAN,
    CATEGORICAL
  }

  /** One field the extractor reads, as {@code FeatureExtractor.FeatureField} has it. */
  public record ExtractedField(String name, Kind kind) {}

  private final List<ExtractedField> fields;
  private final NavigableSet<String> known;

  public ExtractorInputs(List<ExtractedField> fields, Collection<String> modelFeatures) {
    this.fields = List.copyOf(fields);
    this.known = new TreeSet<>(modelFeatures);
  }

  @Override
  public List<FeatureInput> inputsOf(String field) {
    List<FeatureInput> inputs = new ArrayList<>();
    for (ExtractedField extracted : fields) {
      if (extracted.name().equals(field)) {
        inputs.addAll(inputs(extracted));
      }
    }
    return inputs;
  }

  @Override
  public List<FeatureInput> all() {
    List<FeatureInput> inputs = new ArrayList<>();
    fields.forEach(field -> inputs.addAll(inputs(field)));
    return inputs;
  }

  private List<FeatureInput> inputs(ExtractedField field) {
    if (field.kind() != Kind.CATEGORICAL) {
      return known.contains(field.name())
          ? List.of(new FeatureInput(field.name(), field.name(), FeatureInput.Use.VALUE, null))
          : List.of();
    }
    // Avro names cannot contain '=', so the prefix names exactly this field's one-hot features.
    String prefix = field.name() + "=";
    List<FeatureInput> inputs = new ArrayList<>();
    for (String feature : known.tailSet(prefix)) {
      if (!feature.startsWith(prefix)) {
        break;
      }
      inputs.add(
          new FeatureInput(
              feature, field.name(), FeatureInput.Use.ONE_HOT, feature.substring(prefix.length())));
    }
    return inputs;
  }
}

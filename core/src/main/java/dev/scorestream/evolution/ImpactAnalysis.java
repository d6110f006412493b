package dev.scorestream.evolution;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Traces changes against the reader schema to the features of one model, under the new writer and
 * under the previous one, and keeps the worst consequence per feature.
 */
final class ImpactAnalysis {

  /** The changes against the reader, and whether events decode, under one writer. */
  record Resolution(List<FieldChange> changes, Decodability decodability) {

    static final Resolution NONE = new Resolution(List.of(), Decodability.ALL_EVENTS);
  }

  /** The worst consequence of one feature and the change that decides it. */
  private record Worst(FeatureInput input, ChangeKind cause, Consequence consequence) {}

  private ImpactAnalysis() {}

  static ModelImpact of(ServingModel model, Resolution now, Resolution before) {
    Map<String, Worst> current = worst(model.inputs(), now);
    Map<String, Worst> previous = worst(model.inputs(), before);
    List<FeatureImpact> features = new ArrayList<>();
    for (String feature : new TreeSet<>(union(current, previous))) {
      Worst after = current.get(feature);
      Worst earlier = previous.get(feature);
      FeatureInput input = after != null ? after.input() : earlier.input();
      features.add(
          new FeatureImpact(
              feature,
              input.field(),
              after == null ? null : after.cause(),
              after == null ? Consequence.UNAFFECTED : after.consequence(),
              earlier == null ? Consequence.UNAFFECTED : earlier.consequence()));
    }
    return new ModelImpact(model.name(), model.version(), model.role(), features);
  }

  private static List<String> union(Map<String, Worst> one, Map<String, Worst> other) {
    List<String> names = new ArrayList<>(one.keySet());
    names.addAll(other.keySet());
    return names;
  }

  /**
   * Per feature, the worst consequence of any change to its field. Nested changes reach no feature
   * (the extractor reads top-level fields only); when no event decodes, every feature is lost.
   */
  private static Map<String, Worst> worst(ModelInputs inputs, Resolution resolution) {
    Map<String, Worst> worst = new TreeMap<>();
    if (resolution.decodability() == Decodability.NO_EVENTS) {
      ChangeKind cause = fatalCause(resolution.changes());
      for (FeatureInput input : inputs.all()) {
        worst.put(input.feature(), new Worst(input, cause, Consequence.DEAD_LETTERED));
      }
    }
    for (FieldChange change : resolution.changes()) {
      if (!change.isTopLevel()) {
        continue;
      }
      for (FeatureInput input : inputs.inputsOf(change.field())) {
        Optional<Consequence> consequence = Consequences.of(change, input);
        if (consequence.isEmpty()) {
          continue;
        }
        Worst known = worst.get(input.feature());
        if (known == null || consequence.get().worseThan(known.consequence())) {
          worst.put(input.feature(), new Worst(input, change.kind(), consequence.get()));
        }
      }
    }
    return worst;
  }

  /** The change that makes every event fail: the first one rejecting every value. */
  private static ChangeKind fatalCause(List<FieldChange> changes) {
    return changes.stream()
        .filter(c -> c.rejection().scope() == Rejection.Scope.EVERY_VALUE)
        .map(FieldChange::kind)
        .findFirst()
        .orElse(ChangeKind.TYPE_INCOMPATIBLE);
  }
}

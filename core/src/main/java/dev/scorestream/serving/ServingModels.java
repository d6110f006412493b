package dev.scorestream.serving;

import dev.scorestream.enrichment.EnrichmentSpec;
import dev.scorestream.evolution.EnrichedInputs;
import dev.scorestream.evolution.EnrichedInputs.Derivation;
import dev.scorestream.evolution.ExtractorInputs;
import dev.scorestream.evolution.FeatureInput;
import dev.scorestream.evolution.ModelInputs;
import dev.scorestream.evolution.ServingModel;
import dev.scorestream.evolution.SpecInputs;
import dev.scorestream.features.FeatureExtractor;
import dev.scorestream.features.FeatureSpec;
import dev.scorestream.model.ModelScorer;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.tribuo.VariableInfo;

/**
 * The serving models as the schema-change analysis sees them ({@link ServingModel}): which of their
 * features read which reader-schema field, through the feature extractor, a feature spec or an
 * enrichment spec. The adapter between the pipeline's classes and {@code
 * dev.scorestream.evolution}, which knows none of them.
 */
public final class ServingModels {

  /** The model name of the label join, the reader of a labels subject. */
  public static final String FEEDBACK = "feedback";

  private ServingModels() {}

  /**
   * The champion, then the challenger when one is scored in shadow.
   *
   * @param enrichment the pipeline's enrichment spec, or null for none
   */
  public static List<ServingModel> of(
      ActiveModel active, FeatureExtractor extractor, EnrichmentSpec enrichment) {
    List<ServingModel> models = new ArrayList<>();
    models.add(of(active.current(), ServingModel.Role.CHAMPION, extractor, enrichment));
    active
        .challenger()
        .ifPresent(c -> models.add(of(c, ServingModel.Role.CHALLENGER, extractor, enrichment)));
    return models;
  }

  /** One model in one role. */
  public static ServingModel of(
      ModelScorer scorer,
      ServingModel.Role role,
      FeatureExtractor extractor,
      EnrichmentSpec enrichment) {
    FeatureSpec spec = scorer.artifact().spec();
    ModelInputs direct = spec == null ? extracted(scorer, extractor) : specified(spec);
    ModelInputs inputs =
        enrichment == null || enrichment.isEmpty()
            ? direct
            : new EnrichedInputs(direct, derivations(enrichment));
    return new ServingModel(scorer.name(), scorer.version(), role, inputs);
  }

  /**
   * The label join: what it reads from a label (its "features" are the fields themselves), so a
   * labels writer that drops {@code label} is reported as the join losing it.
   */
  public static ServingModel feedback(Schema labelReader) {
    List<SpecInputs.SpecColumn> columns = new ArrayList<>();
    for (Schema.Field field : labelReader.getFields()) {
      columns.add(new SpecInputs.SpecColumn(field.name(), field.name(), null));
    }
    return new ServingModel(FEEDBACK, "-", ServingModel.Role.FEEDBACK, new SpecInputs(columns));
  }

  /** Only the features the model knows: Tribuo's feature map. */
  private static ModelInputs extracted(ModelScorer scorer, FeatureExtractor extractor) {
    List<ExtractorInputs.ExtractedField> fields = new ArrayList<>();
    for (FeatureExtractor.FeatureField field : extractor.fields()) {
      fields.add(
          new ExtractorInputs.ExtractedField(
              field.name(), ExtractorInputs.Kind.valueOf(field.kind().name())));
    }
    List<String> known = new ArrayList<>();
    for (VariableInfo info : scorer.artifact().model().getFeatureIDMap()) {
      known.add(info.getName());
    }
    return new ExtractorInputs(fields, known);
  }

  private static ModelInputs specified(FeatureSpec spec) {
    List<SpecInputs.SpecColumn> columns = new ArrayList<>();
    for (FeatureSpec.Column column : spec.columns()) {
      columns.add(
          new SpecInputs.SpecColumn(
              column.name(),
              column.field().name(),
              column instanceof FeatureSpec.OneHot oneHot ? oneHot.category() : null));
    }
    return new SpecInputs(columns);
  }

  /**
   * Which enriched fields each reader field feeds: a reference table's fields and missing flag
   * derive from its join key; an entity's features from the entity key, and the aggregating ones
   * from the field they aggregate too.
   */
  static List<Derivation> derivations(EnrichmentSpec enrichment) {
    List<Derivation> derivations = new ArrayList<>();
    for (EnrichmentSpec.Reference reference : enrichment.references()) {
      for (EnrichmentSpec.Field field : reference.fields()) {
        derivations.add(
            new Derivation(
                field.enrichedName(reference.table()), reference.key(), FeatureInput.Use.JOIN_KEY));
      }
      derivations.add(
          new Derivation(reference.missingField(), reference.key(), FeatureInput.Use.JOIN_KEY));
    }
    enrichment.entity().ifPresent(entity -> addEntity(entity, derivations));
    return derivations;
  }

  private static void addEntity(EnrichmentSpec.Entity entity, List<Derivation> derivations) {
    for (EnrichmentSpec.Aggregate aggregate : entity.aggregates()) {
      List<String> names = new ArrayList<>();
      if (aggregate.kind() == EnrichmentSpec.Kind.SINCE_PREVIOUS) {
        names.add(aggregate.enrichedName(entity.name(), null));
      } else {
        entity.windows().forEach(w -> names.add(aggregate.enrichedName(entity.name(), w)));
      }
      for (String name : names) {
        derivations.add(new Derivation(name, entity.key(), FeatureInput.Use.JOIN_KEY));
        if (aggregate.field() != null) {
          derivations.add(new Derivation(name, aggregate.field(), FeatureInput.Use.AGGREGATED));
        }
      }
    }
  }
}

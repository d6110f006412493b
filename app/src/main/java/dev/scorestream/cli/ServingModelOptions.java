package dev.scorestream.cli;

import dev.scorestream.enrichment.EnrichmentSpec;
import dev.scorestream.evolution.ServingModel;
import dev.scorestream.features.FeatureExtractor;
import dev.scorestream.model.ModelArtifact;
import dev.scorestream.model.ModelScorer;
import dev.scorestream.serving.ServingModels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --model DIR} and {@code --challenger DIR}: the models a schema change is judged against,
 * loaded and checked as the scorer loads them. Load models only from locations you trust.
 */
final class ServingModelOptions {

  @Option(
      names = "--model",
      paramLabel = "DIR",
      description = "The serving model artifact; its features are traced to the changed fields.")
  Path model;

  @Option(
      names = "--challenger",
      paramLabel = "DIR",
      description = "A challenger artifact scored in shadow, judged too.")
  Path challenger;

  /**
   * The given models, as the analysis sees them; none without {@code --model}.
   *
   * @param enrichment the pipeline's enrichment spec (the models read its enriched schema)
   */
  List<ServingModel> load(EnrichmentSpec enrichment) {
    List<ServingModel> models = new ArrayList<>();
    FeatureExtractor extractor = FeatureExtractor.forSchema(enrichment.enrichedSchema());
    if (model != null) {
      models.add(of(model, ServingModel.Role.CHAMPION, extractor, enrichment));
    }
    if (challenger != null) {
      models.add(of(challenger, ServingModel.Role.CHALLENGER, extractor, enrichment));
    }
    return models;
  }

  private static ServingModel of(
      Path dir, ServingModel.Role role, FeatureExtractor extractor, EnrichmentSpec enrichment) {
    return ServingModels.of(
        new ModelScorer(ModelArtifact.load(dir, extractor)), role, extractor, enrichment);
  }
}

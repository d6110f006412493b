package dev.scorestream.app;

import dev.scorestream.config.ScorerConfig;
import dev.scorestream.enrichment.EnrichmentSpec;
import dev.scorestream.features.FeatureExtractor;
import dev.scorestream.model.InvalidModelException;
import dev.scorestream.model.ModelArtifact;
import dev.scorestream.model.ModelDirectory;
import dev.scorestream.model.ModelScorer;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.serving.ActiveModel;
import dev.scorestream.serving.PredictionBuilder;
import dev.scorestream.validation.RecordValidator;
import java.nio.file.Path;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up phase one, before anything is contacted: what the configuration serves. The reader
 * schema and its rules, the enrichment spec, the features, and the champion (and challenger)
 * models, each checked, with an error that names the key or the artifact.
 *
 * @param models the models directory that {@code model.dir} names, or null when it names one
 *     artifact
 * @param champion the artifact served first
 */
record ServingSetup(
    Schema reader,
    RecordValidator validator,
    EnrichmentSpec enrichment,
    FeatureExtractor extractor,
    PredictionBuilder predictions,
    ModelDirectory models,
    ModelArtifact champion,
    ActiveModel model) {

  private static final Logger LOG = LoggerFactory.getLogger(ServingSetup.class);

  static ServingSetup load(ScorerConfig config) {
    Schema reader = PipelineConfig.readerSchema(config);
    RecordValidator validator = RecordValidator.forSchema(reader);
    EnrichmentSpec enrichment = PipelineConfig.enrichment(config, reader);
    // With reference tables, everything after the lookup (features, models, drift, training
    // examples) sees the enriched schema: the reader's fields, then the tables' fields.
    FeatureExtractor extractor = FeatureExtractor.forSchema(enrichment.enrichedSchema());
    PredictionBuilder predictions =
        new PredictionBuilder(
            Contracts.prediction(),
            reader,
            config.getString(ScorerConfig.EVENT_ID_FIELD),
            config.getString(ScorerConfig.EVENT_TIME_FIELD));
    Path modelPath = Path.of(config.getString(ScorerConfig.MODEL_DIR));
    ModelDirectory models =
        ModelDirectory.isArtifact(modelPath) ? null : new ModelDirectory(modelPath, extractor);
    ModelArtifact artifact =
        models == null ? ModelArtifact.load(modelPath, extractor) : newestValid(models);
    String challengerDir = config.getString(ScorerConfig.CHALLENGER_DIR);
    ModelScorer challenger =
        challengerDir.isEmpty()
            ? null
            : new ModelScorer(ModelArtifact.load(Path.of(challengerDir), extractor));
    ActiveModel model = new ActiveModel(new ModelScorer(artifact), challenger);
    LOG.info(
        "serving model {} version {} from {}{}",
        artifact.metadata().name(),
        artifact.metadata().version(),
        artifact.directory(),
        challenger == null ? "" : ", challenger " + challenger.version());
    return new ServingSetup(
        reader, validator, enrichment, extractor, predictions, models, artifact, model);
  }

  private static ModelArtifact newestValid(ModelDirectory models) {
    return models
        .newestValid()
        .orElseThrow(
            () ->
                new InvalidModelException(
                    models.path(),
                    "holds no valid model artifact: "
                        + models.list().stream().map(ModelDirectory.Entry::problem).toList()));
  }
}

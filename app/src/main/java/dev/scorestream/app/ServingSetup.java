package dev.scorestream.app;

import dev.scorestream.config.ScorerConfig;
import dev.scorestream.enrichment.EnrichmentSpec;
import dev.scorestream.evolution.ServingModel;
import dev.scorestream.features.FeatureExtractor;
import dev.scorestream.model.ArtifactSignature;
import dev.scorestream.model.InvalidModelException;
import dev.scorestream.model.ModelArtifact;
import dev.scorestream.model.ModelDirectory;
import dev.scorestream.model.ModelScorer;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.serving.ActiveModel;
import dev.scorestream.serving.PredictionBuilder;
import dev.scorestream.serving.ServingModels;
import dev.scorestream.validation.RecordValidator;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up phase one, before anything is contacted: what the configuration serves. The reader
 * schema and its rules, the enrichment spec, the features, and the champion (and challenger)
 * models, each checked, with an error that names the key or the artifact.
 *
 * @param models where the models come from
 */
record ServingSetup(
    Schema reader,
    RecordValidator validator,
    EnrichmentSpec enrichment,
    FeatureExtractor extractor,
    PredictionBuilder predictions,
    Models models,
    ActiveModel model) {

  /**
   * The directories the champion and the challenger come from, and what served first.
   *
   * @param champions the models directory {@code model.dir} names, or null when it names one
   *     artifact
   * @param champion the artifact served first
   * @param challengers the directory of challengers {@code challenger.dir} names, empty while it
   *     does not exist yet, or null (none, or one fixed artifact)
   * @param challenger the challenger served first, or null
   */
  record Models(
      ModelDirectory champions,
      ModelArtifact champion,
      ModelDirectory challengers,
      ModelArtifact challenger) {}

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
    boolean requireManifest = config.getBoolean(ScorerConfig.MODEL_REQUIRE_MANIFEST);
    List<PublicKey> trusted = ArtifactKeys.trusted(config);
    Path modelPath = Path.of(config.getString(ScorerConfig.MODEL_DIR));
    ModelDirectory models =
        ModelDirectory.isArtifact(modelPath)
            ? null
            : new ModelDirectory(modelPath, extractor, requireManifest).trusting(trusted);
    ModelArtifact artifact =
        models == null ? loadOne(modelPath, extractor, trusted) : newestValid(models);
    String challengerPath = config.getString(ScorerConfig.CHALLENGER_DIR);
    ModelDirectory challengers =
        challengerPath.isEmpty() || ModelDirectory.isArtifact(Path.of(challengerPath))
            ? null
            : ModelDirectory.mayNotExistYet(Path.of(challengerPath), extractor, requireManifest)
                .trusting(trusted);
    ModelArtifact challengerArtifact =
        challengerPath.isEmpty()
            ? null
            : challengers == null
                ? loadOne(Path.of(challengerPath), extractor, trusted)
                : challengers.newestValid().orElse(null);
    ModelScorer challenger =
        challengerArtifact == null ? null : new ModelScorer(challengerArtifact);
    ActiveModel model = new ActiveModel(new ModelScorer(artifact), challenger);
    LOG.info(
        "serving model {} version {} from {}{}",
        artifact.metadata().name(),
        artifact.metadata().version(),
        artifact.directory(),
        challenger == null ? "" : ", challenger " + challenger.version());
    return new ServingSetup(
        reader,
        validator,
        enrichment,
        extractor,
        predictions,
        new Models(models, artifact, challengers, challengerArtifact),
        model);
  }

  /** The models serving now, as the schema-change analysis sees their inputs. */
  List<ServingModel> servingModels() {
    return ServingModels.of(model, extractor, enrichment);
  }

  /** One artifact {@code model.dir} names directly, its signature checked first when required. */
  private static ModelArtifact loadOne(
      Path artifact, FeatureExtractor extractor, List<PublicKey> trusted) {
    if (!trusted.isEmpty()) {
      ArtifactSignature.verify(artifact, trusted);
    }
    return ModelArtifact.load(artifact, extractor);
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

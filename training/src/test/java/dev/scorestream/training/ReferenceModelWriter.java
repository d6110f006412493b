package dev.scorestream.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scorestream.features.JsonEvents;
import dev.scorestream.model.ModelArtifact;
import dev.scorestream.model.ModelScorer;
import dev.scorestream.model.ReferenceModels;
import dev.scorestream.model.ScoreResult;
import dev.scorestream.schemas.LabelledRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes the models committed in the core's test resources ({@link ReferenceModels}), and with the
 * reference model its expected predictions. Run it only when the artifact format changes on
 * purpose, then commit the files: {@code java -cp <training test classpath>
 * dev.scorestream.training.ReferenceModelWriter core/src/test/resources/models [VERSION...]} (every
 * model when no version is named).
 */
public final class ReferenceModelWriter {

  /** What each committed model is: its version, the number of payments and their seed. */
  record Recipe(String version, int count, long seed) {

    ModelArtifact train() {
      return TestModels.train(version, TrainerKind.LOGISTIC, count, seed);
    }
  }

  static final List<Recipe> RECIPES =
      List.of(
          new Recipe(ReferenceModels.LOGISTIC_V1, 4000, 7),
          new Recipe(ReferenceModels.LOGISTIC_V2, 2000, 9),
          new Recipe(ReferenceModels.REFERENCE, 2000, 1234));

  private ReferenceModelWriter() {}

  public static void main(String[] args) throws Exception {
    Path models = Path.of(args[0]);
    List<String> versions = List.of(args).subList(1, args.length);
    for (Recipe recipe : RECIPES) {
      if (versions.isEmpty() || versions.contains(recipe.version())) {
        recipe.train().save(models.resolve(recipe.version()));
      }
    }
    if (versions.isEmpty() || versions.contains(ReferenceModels.REFERENCE)) {
      writeExpectedPredictions(models);
    }
  }

  private static void writeExpectedPredictions(Path models) throws Exception {
    ModelScorer scorer =
        new ModelScorer(
            ModelArtifact.load(models.resolve(ReferenceModels.REFERENCE), TestModels.extractor()));
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ArrayNode expected = json.createArrayNode();
    for (LabelledRecord row : TestModels.payments(10, 4321)) {
      ScoreResult result = scorer.score(TestModels.extractor().extract(row.record()));
      ObjectNode entry = expected.addObject();
      entry.set("event", JsonEvents.toJson(row.record()));
      entry.put("label", result.label());
      entry.set("scores", json.valueToTree(result.scores()));
    }
    Files.writeString(
        models.resolve(ReferenceModels.REFERENCE + "-predictions.json"),
        json.writeValueAsString(expected));
  }
}

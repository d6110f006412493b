package dev.scorestream.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scorestream.features.JsonEvents;
import dev.scorestream.schemas.LabelledRecord;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the committed reference model and its expected predictions. Run it only when the artifact
 * format changes on purpose, then commit the files: {@code java -cp <test classpath>
 * dev.scorestream.model.ReferenceModelWriter scoring-topology/src/test/resources}
 */
public final class ReferenceModelWriter {

  static final String DIRECTORY = "reference-model";
  static final String EXPECTED = "reference-predictions.json";

  private ReferenceModelWriter() {}

  public static void main(String[] args) throws Exception {
    Path resources = Path.of(args[0]);
    ModelArtifact artifact = TestModels.train("reference-1", TrainerKind.LOGISTIC, 2000, 1234);
    artifact.save(resources.resolve(DIRECTORY));
    ModelScorer scorer = new ModelScorer(artifact);
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ArrayNode expected = json.createArrayNode();
    for (LabelledRecord row : TestModels.payments(10, 4321)) {
      ScoreResult result = scorer.score(TestModels.extractor().extract(row.record()));
      ObjectNode entry = expected.addObject();
      entry.set("event", JsonEvents.toJson(row.record()));
      entry.put("label", result.label());
      entry.set("scores", json.valueToTree(result.scores()));
    }
    Files.writeString(resources.resolve(EXPECTED), json.writeValueAsString(expected));
  }
}

package dev.scorestream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scorestream.features.JsonEvents;
import dev.scorestream.schemas.Contracts;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/**
 * A model trained and committed once (src/test/resources/models/reference-1): loading it today must
 * give the same version and, on fixed inputs, the same predictions within 1e-7. Fails when a
 * dependency upgrade or a change to feature extraction silently changes what a deployed model
 * computes.
 */
class ReferenceModelTest {

  @Test
  void shouldLoadReferenceModelAndReproduceItsPredictions() throws Exception {
    ModelArtifact artifact = ReferenceModels.load(ReferenceModels.REFERENCE);
    ModelScorer scorer = new ModelScorer(artifact);
    JsonEvents events = new JsonEvents(Contracts.paymentEvent());

    assertThat(artifact.metadata().version()).isEqualTo("reference-1");
    assertThat(artifact.metadata().trainer()).isEqualTo("logistic");
    JsonNode expected;
    try (InputStream in =
        ReferenceModelTest.class.getResourceAsStream(
            "/models/" + ReferenceModels.REFERENCE + "-predictions.json")) {
      expected = new ObjectMapper().readTree(in);
    }
    assertThat(expected).hasSize(10);
    for (JsonNode entry : expected) {
      ScoreResult result =
          scorer.score(
              ReferenceModels.extractor().extract(events.parse(entry.get("event").toString())));
      assertThat(result.label()).isEqualTo(entry.get("label").asText());
      entry
          .get("scores")
          .fields()
          .forEachRemaining(
              score ->
                  assertThat(result.scores().get(score.getKey()))
                      .isCloseTo(score.getValue().asDouble(), offset(1e-7)));
    }
  }
}

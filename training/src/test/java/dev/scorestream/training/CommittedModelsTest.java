package dev.scorestream.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import dev.scorestream.model.ModelArtifact;
import dev.scorestream.model.ModelScorer;
import dev.scorestream.model.ReferenceModels;
import dev.scorestream.model.ScoreResult;
import dev.scorestream.schemas.LabelledRecord;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The core's tests load committed models instead of training them. Training them again today must
 * give the same models: the same version and, on payments none of them saw, the same scores within
 * 1e-7. Fails when a change to training, feature extraction or a dependency upgrade would leave the
 * core testing models this code no longer makes (rewrite them with {@link ReferenceModelWriter}).
 */
class CommittedModelsTest {

  static final List<ReferenceModelWriter.Recipe> RECIPES = ReferenceModelWriter.RECIPES;

  @ParameterizedTest
  @FieldSource("RECIPES")
  void shouldTrainTheModelsTheCoreTestsLoad(ReferenceModelWriter.Recipe recipe) {
    ModelArtifact committed = ReferenceModels.load(recipe.version());
    ModelArtifact trained = recipe.train();

    assertThat(committed.metadata().version()).isEqualTo(trained.metadata().version());
    assertThat(committed.metadata().createdAt()).isEqualTo(trained.metadata().createdAt());
    ModelScorer before = new ModelScorer(committed);
    ModelScorer now = new ModelScorer(trained);
    for (LabelledRecord row : TestModels.payments(50, 777)) {
      ScoreResult expected = before.score(TestModels.extractor().extract(row.record()));
      ScoreResult actual = now.score(TestModels.extractor().extract(row.record()));
      assertThat(actual.label()).isEqualTo(expected.label());
      expected
          .scores()
          .forEach(
              (label, score) ->
                  assertThat(actual.scores().get(label)).isCloseTo(score, offset(1e-7)));
    }
  }
}

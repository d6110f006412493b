package dev.scorestream.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import dev.scorestream.model.ArtifactManifest;
import dev.scorestream.model.Evaluation;
import dev.scorestream.model.ModelArtifact;
import dev.scorestream.model.ModelScorer;
import dev.scorestream.model.ScoreResult;
import dev.scorestream.model.Task;
import dev.scorestream.schemas.LabelledRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RegressionModelTest {

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(
      value = TrainerKind.class,
      names = {"LINEAR_REGRESSION", "TREE_REGRESSION"})
  void shouldTrainEvaluateSaveAndReloadRegressionModels(TrainerKind kind) throws IOException {
    ModelArtifact trained = TestModels.trainRegression("cost-1", kind, 3000, 11);

    Evaluation evaluation = trained.metadata().evaluation();
    assertThat(trained.task()).isEqualTo(Task.REGRESSION);
    assertThat(trained.metadata().task()).isEqualTo("regression");
    assertThat(evaluation.accuracy()).isNull();
    assertThat(evaluation.r2())
        .as("%s learns a target that is a function of its features", kind)
        .isGreaterThan(0.8);
    assertThat(evaluation.mae()).isLessThanOrEqualTo(evaluation.rmse());

    trained.save(dir.resolve("m"));
    ModelArtifact loaded = ModelArtifact.load(dir.resolve("m"), TestModels.extractor());
    LabelledRecord row = TestModels.numericTargets(1, 99).get(0);
    ScoreResult before =
        new ModelScorer(trained).score(TestModels.extractor().extract(row.record()));
    ScoreResult after = new ModelScorer(loaded).score(TestModels.extractor().extract(row.record()));
    assertThat(after.scores().get(ModelScorer.VALUE))
        .isCloseTo(before.scores().get(ModelScorer.VALUE), offset(1e-9));
    assertThat(Double.parseDouble(after.label())).isEqualTo(after.scores().get(ModelScorer.VALUE));
  }

  @Test
  void shouldRefuseNonNumericLabelsForRegression() {
    ModelTrainer trainer = new ModelTrainer(TestModels.extractor(), Clock.systemUTC());

    assertThatThrownBy(
            () ->
                trainer.train(
                    TestModels.payments(100, 1),
                    new ModelTrainer.Options(
                        "x", null, TrainerKind.TREE_REGRESSION, 0.2, 1, "label"),
                    line -> {}))
        .hasMessageContaining("regression needs numeric labels");
  }

  @Test
  void shouldRefuseRegressionModelDeclaredAsClassification() throws IOException {
    Path model = dir.resolve("mislabelled");
    TestModels.trainRegression("cost-2", TrainerKind.TREE_REGRESSION, 300, 4).save(model);
    String metadata = Files.readString(model.resolve(ModelArtifact.METADATA_FILE));
    Files.writeString(
        model.resolve(ModelArtifact.METADATA_FILE),
        metadata.replace("\"task\" : \"regression\"", "\"task\" : \"classification\""));
    // Sealed again: the task check, not the manifest, is what refuses it.
    ArtifactManifest.of(model).write(model);

    assertThatThrownBy(() -> ModelArtifact.load(model, TestModels.extractor()))
        .hasMessageContaining("is not a classification model");
  }
}

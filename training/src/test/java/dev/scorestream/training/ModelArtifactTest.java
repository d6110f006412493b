package dev.scorestream.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import dev.scorestream.features.FeatureExtractor;
import dev.scorestream.model.ArtifactManifest;
import dev.scorestream.model.BaselineProfile;
import dev.scorestream.model.InvalidModelException;
import dev.scorestream.model.ModelArtifact;
import dev.scorestream.model.ModelMetadata;
import dev.scorestream.model.ModelScorer;
import dev.scorestream.model.ReferenceModels;
import dev.scorestream.model.ScoreResult;
import dev.scorestream.schemas.LabelledRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelArtifactTest {

  @TempDir Path dir;

  Path saved(ModelArtifact artifact, String name) throws IOException {
    Path target = dir.resolve(name);
    artifact.save(target);
    return target;
  }

  /**
   * Seals a tampered artifact again, so that the check under test refuses it and not its manifest
   * (an artifact without one, or one whose manifest was rewritten, still meets these checks).
   */
  static void reseal(Path artifact) throws IOException {
    ArtifactManifest.of(artifact).write(artifact);
  }

  @Test
  void shouldLoadWhatWasSavedAndPredictIdentically() throws IOException {
    ModelArtifact trained = TestModels.logistic();
    ModelArtifact loaded = ModelArtifact.load(saved(trained, "m"), TestModels.extractor());

    assertThat(loaded.metadata()).isEqualTo(trained.metadata());
    assertThat(loaded.baseline().numeric().get("amount").edges())
        .containsExactly(trained.baseline().numeric().get("amount").edges());
    ModelScorer before = new ModelScorer(trained);
    ModelScorer after = new ModelScorer(loaded);
    for (LabelledRecord row : TestModels.payments(200, 99)) {
      ScoreResult a = before.score(TestModels.extractor().extract(row.record()));
      ScoreResult b = after.score(TestModels.extractor().extract(row.record()));
      assertThat(b.label()).isEqualTo(a.label());
      b.scores()
          .forEach(
              (label, score) -> assertThat(score).isCloseTo(a.scores().get(label), offset(1e-12)));
    }
  }

  @Test
  void shouldRecordEvaluationAndBaselineOfTrainingData() {
    ModelMetadata metadata = TestModels.logistic().metadata();
    BaselineProfile baseline = TestModels.logistic().baseline();

    assertThat(metadata.version()).isEqualTo("test-v1");
    assertThat(metadata.labels()).containsExactly("FRAUD", "LEGIT");
    assertThat(metadata.trainingExamples()).isEqualTo(3200);
    assertThat(metadata.evaluation().testExamples()).isEqualTo(800);
    assertThat(metadata.evaluation().accuracy()).isGreaterThan(0.85);
    assertThat(metadata.featureCount()).isLessThan(40);
    assertThat(baseline.examples()).isEqualTo(3200);
    assertThat(baseline.numeric().keySet())
        .containsExactlyInAnyOrder("amount", "card_present", "hour_of_day", "account_age_days");
    assertThat(baseline.categorical().keySet())
        .containsExactlyInAnyOrder("currency", "country", "merchant_category", "channel");
    assertThat(
            baseline.categorical().get("channel").frequencies().values().stream()
                .mapToDouble(Double::doubleValue)
                .sum())
        .isCloseTo(1.0, offset(1e-9));
    assertThat(baseline.labels().values().stream().mapToDouble(Double::doubleValue).sum())
        .isCloseTo(1.0, offset(1e-9));
  }

  @Test
  void shouldDeriveVersionFromProvenanceHashWhenNotGiven() {
    ModelArtifact artifact = TestModels.train(null, TrainerKind.CART, 600, 3);

    assertThat(artifact.metadata().version())
        .isEqualTo(artifact.metadata().provenanceHash().substring(0, 12));
    assertThat(artifact.metadata().trainer()).isEqualTo("cart");
  }

  @Test
  void shouldRefuseMissingFileNamingIt() throws IOException {
    Path model = saved(TestModels.logistic(), "m");
    Files.delete(model.resolve(ModelArtifact.BASELINE_FILE));

    assertThatThrownBy(() -> ModelArtifact.load(model, TestModels.extractor()))
        .isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("has no baseline.json");
  }

  @Test
  void shouldRefuseModelFileFromAnotherArtifact() throws IOException {
    Path first = saved(TestModels.logistic(), "first");
    Path second = saved(TestModels.train("other", TrainerKind.LOGISTIC, 500, 1), "second");
    Files.copy(
        second.resolve(ModelArtifact.MODEL_FILE),
        first.resolve(ModelArtifact.MODEL_FILE),
        StandardCopyOption.REPLACE_EXISTING);
    reseal(first);

    assertThatThrownBy(() -> ModelArtifact.load(first, TestModels.extractor()))
        .hasMessageContaining("does not belong to metadata.json");
  }

  @Test
  void shouldRefuseCorruptModelFile() throws IOException {
    Path model = saved(TestModels.logistic(), "m");
    Files.write(model.resolve(ModelArtifact.MODEL_FILE), new byte[] {1, 2, 3, 4, 5});
    reseal(model);

    assertThatThrownBy(() -> ModelArtifact.load(model, TestModels.extractor()))
        .hasMessageContaining("model.tribuo is not a readable Tribuo model");
  }

  @Test
  void shouldRefuseCorruptMetadata() throws IOException {
    Path model = saved(TestModels.logistic(), "m");
    Files.writeString(model.resolve(ModelArtifact.METADATA_FILE), "{ not json");
    reseal(model);

    assertThatThrownBy(() -> ModelArtifact.load(model, TestModels.extractor()))
        .hasMessageContaining("metadata.json is not valid");
  }

  @Test
  void shouldRefuseUnknownFormatVersion() throws IOException {
    Path model = saved(TestModels.logistic(), "m");
    String metadata = Files.readString(model.resolve(ModelArtifact.METADATA_FILE));
    Files.writeString(
        model.resolve(ModelArtifact.METADATA_FILE),
        metadata.replace("\"formatVersion\" : 1", "\"formatVersion\" : 9"));
    reseal(model);

    assertThatThrownBy(() -> ModelArtifact.load(model, TestModels.extractor()))
        .hasMessageContaining("formatVersion 9");
  }

  @Test
  void shouldRefuseModelWhoseFeaturesTheReaderSchemaCannotProduce() throws IOException {
    Path model = saved(TestModels.logistic(), "m");
    Schema other =
        new Schema.Parser()
            .parse(
                """
        {"type":"record","name":"Other","fields":[{"name":"temperature","type":"double"}]}""");

    assertThatThrownBy(() -> ModelArtifact.load(model, FeatureExtractor.forSchema(other)))
        .hasMessageContaining("none of the model's")
        .hasMessageContaining("Other");
  }

  @Test
  void shouldRefuseDirectoryThatIsNotThere() {
    assertThatThrownBy(() -> ModelArtifact.load(dir.resolve("nope"), TestModels.extractor()))
        .hasMessageContaining("is not a directory");
  }

  @Test
  void shouldHoldOutEveryLabelInStratifiedSplit() {
    List<LabelledRecord> rows = TestModels.payments(1000, 5);

    ModelTrainer.Split split = ModelTrainer.stratifiedSplit(rows, 0.2, 1);

    long fraud = rows.stream().filter(r -> r.label().equals("FRAUD")).count();
    long heldFraud = split.test().stream().filter(r -> r.label().equals("FRAUD")).count();
    assertThat(split.train().size() + split.test().size()).isEqualTo(1000);
    assertThat(heldFraud).isEqualTo(Math.round(fraud * 0.2));
  }

  /**
   * A field with one value throughout (a flag never set, a table with a row for everyone) has no
   * spread to standardize by; it must not turn every example into NaN.
   */
  @Test
  void shouldTrainWhenAFeatureNeverChanges() {
    List<LabelledRecord> rows = TestModels.payments(1000, 9);
    rows.forEach(row -> row.record().put("account_age_days", 30));
    rows.forEach(row -> row.record().put("card_present", false)); // a 0 in every example
    for (TrainerKind kind : List.of(TrainerKind.LOGISTIC, TrainerKind.CART)) {
      ModelArtifact artifact =
          new ModelTrainer(
                  TestModels.extractor(),
                  java.time.Clock.fixed(ReferenceModels.TRAINED_AT, java.time.ZoneOffset.UTC))
              .train(rows, new ModelTrainer.Options("fraud", "c1", kind, 0.2, 9, "label"), l -> {});

      assertThat(artifact.metadata().evaluation().logLoss()).as(kind.name()).isFinite();
      assertThat(artifact.metadata().evaluation().accuracy()).as(kind.name()).isGreaterThan(0.5);
    }
  }
}

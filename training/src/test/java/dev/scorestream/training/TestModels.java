package dev.scorestream.training;

import dev.scorestream.features.FeatureExtractor;
import dev.scorestream.model.ModelArtifact;
import dev.scorestream.model.ReferenceModels;
import dev.scorestream.schemas.LabelledRecord;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;

/**
 * Small models trained on generated payments, shared by the tests of the training module and of the
 * modules above it (training takes well under a second). The logistic model is the committed {@link
 * ReferenceModels#LOGISTIC_V1}, which {@link CommittedModelsTest} proves training still makes.
 */
public final class TestModels {

  private TestModels() {}

  public static FeatureExtractor extractor() {
    return ReferenceModels.extractor();
  }

  public static List<LabelledRecord> payments(int count, long seed) {
    return ReferenceModels.payments(count, seed);
  }

  /** A logistic-regression fraud model on 4,000 generated payments, version {@code test-v1}. */
  public static ModelArtifact logistic() {
    return ReferenceModels.logistic();
  }

  /**
   * Payments labelled with a number that depends on their features: 0.5 * amount + 10 * hour +
   * noise.
   */
  public static List<LabelledRecord> numericTargets(int count, long seed) {
    Random noise = new Random(seed);
    return payments(count, seed).stream()
        .map(
            row ->
                new LabelledRecord(
                    row.record(),
                    Double.toString(
                        0.5 * (double) row.record().get("amount")
                            + 10 * (int) row.record().get("hour_of_day")
                            + noise.nextGaussian())))
        .toList();
  }

  public static ModelArtifact trainRegression(
      String version, TrainerKind kind, int count, long seed) {
    return trainer()
        .train(
            numericTargets(count, seed),
            new ModelTrainer.Options("cost", version, kind, 0.2, seed, "cost"),
            line -> {});
  }

  public static ModelArtifact train(String version, TrainerKind kind, int count, long seed) {
    return trainer()
        .train(
            payments(count, seed),
            new ModelTrainer.Options("fraud", version, kind, 0.2, seed, "label"),
            line -> {});
  }

  private static ModelTrainer trainer() {
    return new ModelTrainer(extractor(), Clock.fixed(ReferenceModels.TRAINED_AT, ZoneOffset.UTC));
  }
}

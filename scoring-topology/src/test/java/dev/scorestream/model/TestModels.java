package dev.scorestream.model;

import dev.scorestream.features.FeatureExtractor;
import dev.scorestream.samples.PaymentGenerator;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.schemas.LabelledRecord;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Small models trained on generated payments, shared by tests (training takes well under a second).
 */
public final class TestModels {

  public static final Instant TRAINED_AT = Instant.parse("2026-11-01T00:00:00Z");
  private static ModelArtifact logistic;

  private TestModels() {}

  public static FeatureExtractor extractor() {
    return FeatureExtractor.forSchema(Contracts.paymentEvent());
  }

  public static List<LabelledRecord> payments(int count, long seed) {
    PaymentGenerator generator = new PaymentGenerator(Contracts.paymentEvent(), seed);
    List<LabelledRecord> rows = new ArrayList<>(count);
    long time = TRAINED_AT.toEpochMilli();
    for (int i = 0; i < count; i++) {
      rows.add(generator.next(time + i * 1000L));
    }
    return rows;
  }

  /** A logistic-regression fraud model on 4,000 generated payments, version {@code test-v1}. */
  public static synchronized ModelArtifact logistic() {
    if (logistic == null) {
      logistic = train("test-v1", TrainerKind.LOGISTIC, 4000, 7);
    }
    return logistic;
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
    ModelTrainer trainer = new ModelTrainer(extractor(), Clock.fixed(TRAINED_AT, ZoneOffset.UTC));
    return trainer.train(
        numericTargets(count, seed),
        new ModelTrainer.Options("cost", version, kind, 0.2, seed, "cost"),
        line -> {});
  }

  public static ModelArtifact train(String version, TrainerKind kind, int count, long seed) {
    ModelTrainer trainer = new ModelTrainer(extractor(), Clock.fixed(TRAINED_AT, ZoneOffset.UTC));
    return trainer.train(
        payments(count, seed),
        new ModelTrainer.Options("fraud", version, kind, 0.2, seed, "label"),
        line -> {});
  }
}

package dev.scorestream.model;

import dev.scorestream.demo.PaymentGenerator;
import dev.scorestream.features.FeatureExtractor;
import dev.scorestream.schemas.Contracts;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** Small models trained on generated payments, shared by tests (training takes well under a second). */
public final class TestModels {

  public static final Instant TRAINED_AT = Instant.parse("2026-11-01T00:00:00Z");
  private static ModelArtifact logistic;

  private TestModels() {
  }

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

  public static ModelArtifact train(String version, TrainerKind kind, int count, long seed) {
    ModelTrainer trainer = new ModelTrainer(extractor(), Clock.fixed(TRAINED_AT, ZoneOffset.UTC));
    return trainer.train(payments(count, seed),
        new ModelTrainer.Options("fraud", version, kind, 0.2, seed, "label"), line -> { });
  }
}

package dev.scorestream.demo;

import dev.scorestream.features.FeatureExtractor;
import dev.scorestream.model.ModelArtifact;
import dev.scorestream.model.TrainingRows;
import dev.scorestream.payments.PaymentGenerator;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.schemas.LabelledRecord;
import dev.scorestream.training.ModelTrainer;
import dev.scorestream.training.TrainerKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.avro.Schema;

/**
 * A logistic-regression fraud model trained on generated sample payments (a month of them, one a
 * minute), for the demo, the benchmark and the chaos suite.
 */
public final class SampleModel {

  private SampleModel() {}

  /**
   * Trains on {@code payments} payments drawn with {@code seed}, saves the artifact to {@code
   * target} and returns it.
   *
   * @param version the model version, or null to derive it from the Tribuo provenance
   * @param log receives the trainer's progress lines
   */
  public static ModelArtifact train(
      Path target, int payments, long seed, String version, Consumer<String> log) {
    Schema reader = Contracts.paymentEvent();
    PaymentGenerator generator = new PaymentGenerator(reader, seed + 1);
    List<LabelledRecord> rows = new ArrayList<>(payments);
    long start = System.currentTimeMillis() - TimeUnit.DAYS.toMillis(30);
    for (int i = 0; i < payments; i++) {
      rows.add(generator.next(start + i * 60_000L));
    }
    ModelTrainer.Options options =
        new ModelTrainer.Options("fraud", version, TrainerKind.LOGISTIC, 0.2, seed, "label");
    ModelTrainer.Split split = ModelTrainer.split(rows, options);
    ModelArtifact artifact =
        new ModelTrainer(FeatureExtractor.forSchema(reader), Clock.systemUTC())
            .train(split, options, log);
    try {
      // The rows it learned from go with it: a retraining mixes them back in.
      TrainingRows.write(target, reader, TrainingRows.of(split.train(), "event_id", "event_time"));
      artifact.save(target);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the sample model to " + target, e);
    }
    return artifact;
  }
}

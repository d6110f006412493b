package dev.scorestream.lab;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.model.ModelArtifact;
import dev.scorestream.model.ModelMetadata;
import dev.scorestream.model.ModelScorer;
import dev.scorestream.model.ScoreResult;
import dev.scorestream.model.Task;
import dev.scorestream.model.XGBoostTrees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tribuo.Model;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.impl.ArrayExample;

/**
 * Imported XGBoost boosters are served by {@link XGBoostTrees} in Java: their answers must be
 * XGBoost's own, through Tribuo's native path, on rows with missing values, exact zeros and values
 * on split thresholds, for both objectives an import produces.
 */
class XGBoostTreesParityTest {

  static final int COLUMNS = 9;
  static final int ROWS = 3000;

  @TempDir Path dir;

  static float[][] data(Random random, int rows) {
    float[][] data = new float[rows][COLUMNS];
    for (float[] row : data) {
      for (int c = 0; c < COLUMNS; c++) {
        double draw = random.nextDouble();
        row[c] =
            draw < 0.1
                ? Float.NaN
                : draw < 0.2 ? 0f : c == 3 ? random.nextInt(4) : (float) random.nextGaussian();
      }
    }
    return data;
  }

  static float label(float[] row, int classes) {
    double signal =
        (Float.isNaN(row[0]) ? 0.3 : row[0]) + 0.8 * (Float.isNaN(row[1]) ? -1 : row[1]) * row[2];
    if (classes == 2) {
      return signal > 0.2 ? 1 : 0;
    }
    return signal < -0.5 ? 0 : signal < 0.5 ? 1 : 2;
  }

  Path train(String objective, int classes, int rounds) throws Exception {
    Random random = new Random(42);
    float[][] rows = data(random, ROWS);
    float[] flat = new float[ROWS * COLUMNS];
    float[] labels = new float[ROWS];
    for (int r = 0; r < ROWS; r++) {
      System.arraycopy(rows[r], 0, flat, r * COLUMNS, COLUMNS);
      labels[r] = label(rows[r], classes);
    }
    DMatrix matrix = new DMatrix(flat, ROWS, COLUMNS, Float.NaN);
    matrix.setLabel(labels);
    Map<String, Object> params = new HashMap<>();
    params.put("objective", objective);
    params.put("max_depth", 6);
    params.put("eta", 0.3);
    params.put("nthread", 1);
    params.put("base_score", 0.37);
    if (objective.startsWith("multi:")) {
      params.put("num_class", classes);
    }
    Booster booster = XGBoost.train(matrix, params, rounds, Map.of(), null, null);
    Path file = dir.resolve(objective.replace(':', '-') + ".json");
    booster.saveModel(file.toString());
    matrix.dispose();
    booster.dispose();
    return file;
  }

  static ModelScorer scorer(Model<Label> model, List<String> labels) {
    ModelMetadata metadata =
        new ModelMetadata(
            ModelMetadata.FORMAT_VERSION,
            "parity",
            "v1",
            Instant.EPOCH,
            "hash",
            "Payment",
            "fingerprint",
            "xgboost (imported)",
            Task.CLASSIFICATION.code(),
            "label",
            labels,
            COLUMNS,
            ROWS,
            null);
    return new ModelScorer(new ModelArtifact(null, model, metadata, null, List.of()));
  }

  /**
   * A row as the feature spec hands it: named columns, missing ones left out (Tribuo refuses NaN).
   */
  static ArrayExample<Label> example(float[] row, List<String> columns) {
    ArrayExample<Label> example = new ArrayExample<>(LabelFactory.UNKNOWN_LABEL);
    for (int c = 0; c < COLUMNS; c++) {
      if (!Float.isNaN(row[c])) {
        example.add(columns.get(c), row[c]);
      }
    }
    return example;
  }

  @ParameterizedTest(name = "{0}, {1} classes")
  @CsvSource({"binary:logistic, 2, 60", "multi:softprob, 3, 40", "multi:softprob, 2, 30"})
  void shouldAnswerAsXGBoostDoesForEveryRow(String objective, int classes, int rounds)
      throws Exception {
    Path file = train(objective, classes, rounds);
    assertThat(XGBoostTrees.fromJson(Files.readAllBytes(file))).isPresent();
    List<String> columns = new ArrayList<>();
    for (int c = 0; c < COLUMNS; c++) {
      columns.add("f" + c);
    }
    List<String> labels = new ArrayList<>();
    for (int k = 0; k < classes; k++) {
      labels.add("class-" + k);
    }
    Model<Label> model = ExternalModels.load(ExternalModels.Kind.XGBOOST, file, columns, labels);
    ModelScorer scorer = scorer(model, labels);
    assertThat(scorer.batchHungry()).as("served in Java, no micro-batch").isFalse();

    Random random = new Random(7);
    float[][] rows = data(random, 2000);
    double worst = 0;
    int agreed = 0;
    for (int r = 0; r < rows.length; r++) {
      ArrayExample<Label> example = example(rows[r], columns);
      Prediction<Label> native_ = model.predict(example);
      ScoreResult java = scorer.score(example);
      assertThat(java.label()).as("row %d", r).isEqualTo(native_.getOutput().getLabel());
      for (String label : labels) {
        double expected = native_.getOutputScores().get(label).getScore();
        worst = Math.max(worst, Math.abs(java.scores().get(label) - expected));
      }
      agreed++;
    }
    assertThat(agreed).isEqualTo(rows.length);
    assertThat(worst).as("largest score difference").isLessThanOrEqualTo(1e-6);
    List<ScoreResult> batch =
        scorer.scoreAll(List.of(example(rows[0], columns), example(rows[1], columns)));
    assertThat(batch)
        .containsExactly(
            scorer.score(example(rows[0], columns)), scorer.score(example(rows[1], columns)));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"reg:squarederror", "binary:logitraw"})
  void shouldLeaveOtherObjectivesToXGBoost(String objective) throws Exception {
    Path file = train(objective, 2, 5);

    assertThat(XGBoostTrees.fromJson(Files.readAllBytes(file))).isEmpty();
  }
}

package dev.scorestream.model;

import java.lang.reflect.Field;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import ml.dmlc.xgboost4j.java.Booster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.classification.Label;
import org.tribuo.common.xgboost.XGBoostExternalModel;
import org.tribuo.interop.ExternalModel;

/**
 * An imported XGBoost classifier served by {@link XGBoostTrees} instead of XGBoost's native
 * predictor, with Tribuo's mapping of feature names to the booster's columns and of its outputs to
 * labels, and the answers Tribuo's converters give (for a binary booster, {@code 1 - p} and {@code
 * p}, as the lab's converter does).
 *
 * <p>Tribuo keeps the booster and the column mapping in protected fields, read here once by
 * reflection; a Tribuo version without them, or a booster the trees cannot evaluate, leaves the
 * model on XGBoost's predictor ({@link #of} answers empty, with the reason logged).
 */
final class XGBoostInJava {

  private static final Logger LOG = LoggerFactory.getLogger(XGBoostInJava.class);

  private final XGBoostTrees trees;
  private final Map<String, Integer> columns;
  private final String[] labels;

  private XGBoostInJava(XGBoostTrees trees, Map<String, Integer> columns, String[] labels) {
    this.trees = trees;
    this.columns = columns;
    this.labels = labels;
  }

  static Optional<XGBoostInJava> of(XGBoostExternalModel<?> model, String name) {
    try {
      Booster booster = (Booster) field(XGBoostExternalModel.class, "model").get(model);
      int[] forward = (int[]) field(ExternalModel.class, "featureForwardMapping").get(model);
      Optional<XGBoostTrees> trees = XGBoostTrees.fromJson(booster.toByteArray("json"));
      if (trees.isEmpty()) {
        LOG.info("model {}: XGBoost's own predictor (booster or objective not read in Java)", name);
        return Optional.empty();
      }
      ImmutableFeatureMap featureMap = model.getFeatureIDMap();
      Map<String, Integer> columns = new HashMap<>();
      for (int id = 0; id < forward.length; id++) {
        columns.put(featureMap.get(id).getName(), forward[id]);
      }
      @SuppressWarnings("unchecked")
      ImmutableOutputInfo<Label> outputs = (ImmutableOutputInfo<Label>) model.getOutputIDInfo();
      String[] labels = new String[outputs.size()];
      for (int id = 0; id < labels.length; id++) {
        labels[id] = outputs.getOutput(id).getLabel();
      }
      int expected =
          trees.get().objective() == XGBoostTrees.Objective.BINARY_LOGISTIC
              ? 2
              : trees.get().outputs();
      if (labels.length != expected) {
        LOG.info(
            "model {}: XGBoost's own predictor ({} labels, {} outputs)",
            name,
            labels.length,
            expected);
        return Optional.empty();
      }
      return Optional.of(new XGBoostInJava(trees.get(), columns, labels));
    } catch (ReflectiveOperationException
        | RuntimeException
        | ml.dmlc.xgboost4j.java.XGBoostError e) {
      LOG.info("model {}: XGBoost's own predictor ({})", name, e.toString());
      return Optional.empty();
    }
  }

  private static Field field(Class<?> owner, String name) throws NoSuchFieldException {
    Field field = owner.getDeclaredField(name);
    field.setAccessible(true);
    return field;
  }

  /** The answer Tribuo's XGBoost model gives for {@code example}. */
  ScoreResult score(Example<Label> example) {
    float[] row = new float[trees.rowLength()];
    java.util.Arrays.fill(row, Float.NaN);
    for (Feature feature : example) {
      Integer column = columns.get(feature.getName());
      if (column != null && column < row.length) {
        row[column] = (float) feature.getValue();
      }
    }
    float[] out = trees.predict(row);
    Map<String, Double> scores = new HashMap<>(labels.length * 2);
    if (trees.objective() == XGBoostTrees.Objective.BINARY_LOGISTIC) {
      float one = out[0];
      float zero = 1.0f - one;
      scores.put(labels[0], (double) zero);
      scores.put(labels[1], (double) one);
      return new ScoreResult(one > zero ? labels[1] : labels[0], scores);
    }
    int best = 0;
    for (int k = 0; k < out.length; k++) {
      scores.put(labels[k], (double) out[k]);
      if (out[k] > out[best]) {
        best = k;
      }
    }
    return new ScoreResult(labels[best], scores);
  }
}

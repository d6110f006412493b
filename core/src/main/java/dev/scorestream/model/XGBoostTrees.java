package dev.scorestream.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Optional;

/**
 * An XGBoost booster's trees evaluated in Java, from the booster's own JSON model: no JNI call, no
 * native thread pool, no matrix copy, so a row costs its node visits and nothing else, and a model
 * needs no micro-batch.
 *
 * <p>It follows XGBoost's CPU predictor in float32: a feature value {@code x} goes left when {@code
 * x < split}, a missing one (absent, or NaN) the node's default way; the leaves of each class's
 * trees are added in tree order to the margin-space base score, then {@code binary:logistic} takes
 * the sigmoid and {@code multi:softprob} the softmax. Only {@code gbtree} boosters with those
 * objectives and numerical splits are read; {@link #fromJson} answers empty for the others, which
 * keep XGBoost's own predictor. The import's parity gate judges every model either way.
 */
public final class XGBoostTrees {

  /** What the booster's output means. */
  public enum Objective {
    /** One margin; the probability of the second class is its sigmoid. */
    BINARY_LOGISTIC,
    /** A margin per class; the probabilities are their softmax. */
    MULTI_SOFTPROB
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Objective objective;
  private final int classes;
  private final int features;
  private final float baseMargin;
  private final int[] treeClass;
  private final int[][] left;
  private final int[][] right;
  private final int[][] feature;
  private final float[][] split;
  private final boolean[][] defaultLeft;

  private XGBoostTrees(
      Objective objective,
      int classes,
      int features,
      float baseMargin,
      JsonNode trees,
      JsonNode info) {
    this.objective = objective;
    this.classes = classes;
    this.features = features;
    this.baseMargin = baseMargin;
    int count = trees.size();
    this.treeClass = new int[count];
    this.left = new int[count][];
    this.right = new int[count][];
    this.feature = new int[count][];
    this.split = new float[count][];
    this.defaultLeft = new boolean[count][];
    for (int t = 0; t < count; t++) {
      JsonNode tree = trees.get(t);
      treeClass[t] = info.get(t).asInt();
      left[t] = ints(tree.get("left_children"));
      right[t] = ints(tree.get("right_children"));
      feature[t] = ints(tree.get("split_indices"));
      split[t] = floats(tree.get("split_conditions"));
      int[] defaults = ints(tree.get("default_left"));
      defaultLeft[t] = new boolean[defaults.length];
      for (int n = 0; n < defaults.length; n++) {
        defaultLeft[t][n] = defaults[n] != 0;
      }
      if (treeClass[t] < 0 || treeClass[t] >= classes) {
        throw new IllegalArgumentException("tree " + t + " belongs to class " + treeClass[t]);
      }
    }
  }

  /**
   * The trees of a booster saved as JSON ({@code Booster.save_model("m.json")}, or {@code
   * toByteArray("json")}); empty when the booster is not one this evaluator reads (another booster,
   * objective or split type).
   *
   * @throws IllegalArgumentException when the JSON is not an XGBoost model
   */
  public static Optional<XGBoostTrees> fromJson(byte[] json) {
    JsonNode learner;
    try {
      learner = JSON.readTree(json).path("learner");
    } catch (IOException e) {
      throw new IllegalArgumentException("not an XGBoost JSON model: " + e.getMessage(), e);
    }
    JsonNode booster = learner.path("gradient_booster");
    String objectiveName = learner.path("objective").path("name").asText();
    Objective objective =
        switch (objectiveName) {
          case "binary:logistic" -> Objective.BINARY_LOGISTIC;
          case "multi:softprob" -> Objective.MULTI_SOFTPROB;
          default -> null;
        };
    JsonNode model = booster.path("model");
    if (objective == null || !"gbtree".equals(booster.path("name").asText())) {
      return Optional.empty();
    }
    JsonNode trees = model.path("trees");
    JsonNode info = model.path("tree_info");
    if (!trees.isArray() || trees.isEmpty() || info.size() != trees.size()) {
      throw new IllegalArgumentException("XGBoost JSON model without trees");
    }
    for (JsonNode tree : trees) {
      for (JsonNode type : tree.path("split_type")) {
        if (type.asInt() != 0) {
          return Optional.empty();
        }
      }
    }
    JsonNode params = learner.path("learner_model_param");
    int classes =
        objective == Objective.MULTI_SOFTPROB ? Math.max(1, params.path("num_class").asInt()) : 1;
    int features = params.path("num_feature").asInt();
    float baseScore = Float.parseFloat(params.path("base_score").asText("0.5"));
    // XGBoost's ProbToMargin: the logit for binary:logistic; softprob adds the base score as is.
    float baseMargin =
        objective == Objective.BINARY_LOGISTIC
            ? (float) -Math.log(1.0f / baseScore - 1.0f)
            : baseScore;
    return Optional.of(new XGBoostTrees(objective, classes, features, baseMargin, trees, info));
  }

  public Objective objective() {
    return objective;
  }

  /** Columns the booster was trained on; a row has this many values. */
  public int features() {
    return features;
  }

  /** Outputs of {@link #predict}: 1 for binary:logistic, the class count for softprob. */
  public int outputs() {
    return classes;
  }

  /**
   * The booster's output for one row of {@link #features()} values (NaN for missing): the
   * probability of the second class for binary:logistic, a probability per class for softprob.
   */
  public float[] predict(float[] row) {
    float[] margin = new float[classes];
    java.util.Arrays.fill(margin, baseMargin);
    for (int t = 0; t < treeClass.length; t++) {
      margin[treeClass[t]] += leaf(t, row);
    }
    if (objective == Objective.BINARY_LOGISTIC) {
      margin[0] = 1.0f / (1.0f + (float) Math.exp(-margin[0]));
      return margin;
    }
    float max = margin[0];
    for (float m : margin) {
      max = Math.max(max, m);
    }
    // XGBoost's Softmax: float exponentials, summed in double, divided as float.
    double sum = 0;
    for (int k = 0; k < classes; k++) {
      margin[k] = (float) Math.exp(margin[k] - max);
      sum += margin[k];
    }
    for (int k = 0; k < classes; k++) {
      margin[k] /= (float) sum;
    }
    return margin;
  }

  private float leaf(int t, float[] row) {
    int[] lefts = left[t];
    int[] rights = right[t];
    int[] features = feature[t];
    float[] splits = split[t];
    int node = 0;
    while (lefts[node] != -1) {
      int column = features[node];
      float value = column < row.length ? row[column] : Float.NaN;
      if (Float.isNaN(value)) {
        node = defaultLeft[t][node] ? lefts[node] : rights[node];
      } else {
        node = value < splits[node] ? lefts[node] : rights[node];
      }
    }
    return splits[node];
  }

  private static int[] ints(JsonNode array) {
    if (array == null || !array.isArray()) {
      throw new IllegalArgumentException("XGBoost JSON tree without a node array");
    }
    int[] values = new int[array.size()];
    for (int i = 0; i < values.length; i++) {
      JsonNode value = array.get(i);
      values[i] = value.isBoolean() ? (value.asBoolean() ? 1 : 0) : value.asInt();
    }
    return values;
  }

  private static float[] floats(JsonNode array) {
    if (array == null || !array.isArray()) {
      throw new IllegalArgumentException("XGBoost JSON tree without split conditions");
    }
    float[] values = new float[array.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) array.get(i).asDouble();
    }
    return values;
  }
}

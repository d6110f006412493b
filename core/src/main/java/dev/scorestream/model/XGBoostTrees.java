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
  private final int rowLength;

  /** The first node of each tree, as an index into {@link #nodes}. */
  private final int[] roots;

  private final int[] treeClass;

  /** Each tree's depth: the steps from its root to its deepest leaf. */
  private final int[] depth;

  /**
   * Every tree's nodes, tree after tree, {@value #STRIDE} ints each: the left child's index, the
   * right child's (a leaf's are its own, so a walk may step past it and stay), the split column
   * times two plus one when missing values go left, and the split condition's (or leaf value's)
   * float bits. One array, so a node is one cache line at most and its fields load together.
   */
  private final int[] nodes;

  private static final int STRIDE = 4;

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
    int total = 0;
    for (JsonNode tree : trees) {
      total += tree.path("left_children").size();
    }
    this.roots = new int[count];
    this.treeClass = new int[count];
    this.depth = new int[count];
    this.nodes = new int[total * STRIDE];
    int offset = 0;
    int widest = features;
    for (int t = 0; t < count; t++) {
      JsonNode tree = trees.get(t);
      treeClass[t] = info.get(t).asInt();
      if (treeClass[t] < 0 || treeClass[t] >= classes) {
        throw new IllegalArgumentException("tree " + t + " belongs to class " + treeClass[t]);
      }
      widest = Math.max(widest, pack(t, tree, offset));
      int size = tree.path("left_children").size();
      roots[t] = offset * STRIDE;
      depth[t] = depth(roots[t], size);
      offset += size;
    }
    this.rowLength = Math.max(1, widest);
  }

  /**
   * The steps from {@code root} to the deepest leaf of a tree of {@code size} nodes.
   *
   * @throws IllegalArgumentException when the children do not form a tree (a node reached twice)
   */
  private int depth(int root, int size) {
    int[] stack = new int[size];
    int[] level = new int[size];
    boolean[] seen = new boolean[size];
    int top = 0;
    int deepest = 0;
    stack[top] = root;
    level[top++] = 0;
    while (top > 0) {
      int node = stack[--top];
      int at = level[top];
      int local = (node - root) / STRIDE;
      if (seen[local]) {
        throw new IllegalArgumentException("XGBoost tree whose nodes do not form a tree");
      }
      seen[local] = true;
      deepest = Math.max(deepest, at);
      if (nodes[node] != node) {
        if (top + 2 > size) {
          throw new IllegalArgumentException("XGBoost tree whose nodes do not form a tree");
        }
        stack[top] = nodes[node];
        level[top++] = at + 1;
        stack[top] = nodes[node + 1];
        level[top++] = at + 1;
      }
    }
    return deepest;
  }

  /** Writes tree {@code t}'s nodes from node {@code offset} on; answers the columns it reads. */
  private int pack(int t, JsonNode tree, int offset) {
    int[] lefts = ints(tree.get("left_children"));
    int[] rights = ints(tree.get("right_children"));
    int[] splits = ints(tree.get("split_indices"));
    float[] conditions = floats(tree.get("split_conditions"));
    int[] defaults = ints(tree.get("default_left"));
    int size = lefts.length;
    if (rights.length != size
        || splits.length != size
        || conditions.length != size
        || defaults.length != size) {
      throw new IllegalArgumentException("tree " + t + " has node arrays of different lengths");
    }
    int widest = 0;
    for (int n = 0; n < size; n++) {
      boolean leaf = lefts[n] == -1;
      if (!leaf
          && (lefts[n] <= 0
              || lefts[n] >= size
              || rights[n] <= 0
              || rights[n] >= size
              || splits[n] < 0)) {
        throw new IllegalArgumentException("tree " + t + " node " + n + " has no such child");
      }
      int at = (offset + n) * STRIDE;
      nodes[at] = leaf ? at : (offset + lefts[n]) * STRIDE;
      nodes[at + 1] = leaf ? at : (offset + rights[n]) * STRIDE;
      nodes[at + 2] = leaf ? 0 : splits[n] * 2 + (defaults[n] != 0 ? 1 : 0);
      nodes[at + 3] = Float.floatToRawIntBits(conditions[n]);
      widest = Math.max(widest, leaf ? 0 : splits[n] + 1);
    }
    return widest;
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

  /** Columns the booster was trained on; a row has at least this many values. */
  public int features() {
    return features;
  }

  /** The length of the rows {@link #predict} reads: every column a split uses. */
  public int rowLength() {
    return rowLength;
  }

  /** Outputs of {@link #predict}: 1 for binary:logistic, the class count for softprob. */
  public int outputs() {
    return classes;
  }

  /**
   * The booster's output for one row of {@link #rowLength()} values (NaN for missing): the
   * probability of the second class for binary:logistic, a probability per class for softprob.
   */
  public float[] predict(float[] row) {
    if (row.length < rowLength) {
      throw new IllegalArgumentException(
          "a row of " + row.length + " values; the trees read " + rowLength);
    }
    float[] margin = new float[classes];
    java.util.Arrays.fill(margin, baseMargin);
    int t = 0;
    // Four trees walked side by side: their node loads overlap instead of waiting on each other.
    for (; t + 4 <= roots.length; t += 4) {
      addLeaves4(t, row, margin);
    }
    for (; t < roots.length; t++) {
      int node = roots[t];
      for (int step = 0; step < depth[t]; step++) {
        node = step(node, row);
      }
      margin[treeClass[t]] += Float.intBitsToFloat(nodes[node + 3]);
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

  /**
   * Adds the leaf values of trees {@code t} to {@code t + 3} for {@code row} to their classes'
   * margins, in tree order: as many steps as the deepest of the four needs (a leaf steps to
   * itself), no test on the way.
   */
  private void addLeaves4(int t, float[] row, float[] margin) {
    int a = roots[t];
    int b = roots[t + 1];
    int c = roots[t + 2];
    int d = roots[t + 3];
    int steps = Math.max(Math.max(depth[t], depth[t + 1]), Math.max(depth[t + 2], depth[t + 3]));
    for (int step = 0; step < steps; step++) {
      a = step(a, row);
      b = step(b, row);
      c = step(c, row);
      d = step(d, row);
    }
    margin[treeClass[t]] += Float.intBitsToFloat(nodes[a + 3]);
    margin[treeClass[t + 1]] += Float.intBitsToFloat(nodes[b + 3]);
    margin[treeClass[t + 2]] += Float.intBitsToFloat(nodes[c + 3]);
    margin[treeClass[t + 3]] += Float.intBitsToFloat(nodes[d + 3]);
  }

  /**
   * The child {@code row} goes to from {@code node} (a leaf: itself). Without a branch on the data:
   * NaN compares false, so a missing value goes left only when the node's default is left.
   */
  private int step(int node, float[] row) {
    int split = nodes[node + 2];
    float x = row[split >>> 1];
    boolean goLeft = (x < Float.intBitsToFloat(nodes[node + 3])) | ((x != x) & ((split & 1) != 0));
    return goLeft ? nodes[node] : nodes[node + 1];
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

package dev.scorestream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The tree walk on hand-made boosters, whose answers are worked out by hand; parity with XGBoost
 * itself is {@code XGBoostTreesParityTest}'s (training module).
 */
class XGBoostTreesTest {

  /**
   * Tree 0: column 1 < 2.5 ? 0.25 : (column 0 < -1 ? -0.5 : 0.75), missing column 1 goes right and
   * missing column 0 left. Tree 1: a single leaf of 0.125.
   */
  static String booster(String objective, String booster, String splitType, String rights) {
    return """
        {"learner": {
          "objective": {"name": "%s"},
          "learner_model_param": {"base_score": "5E-1", "num_class": "0", "num_feature": "2"},
          "gradient_booster": {"name": "%s", "model": {
            "tree_info": [0, 0],
            "trees": [
              {"left_children": [1, -1, 3, -1, -1], "right_children": %s,
               "split_indices": [1, 0, 0, 0, 0], "split_conditions": [2.5, 0.25, -1, -0.5, 0.75],
               "default_left": [0, 0, 1, 0, 0], "split_type": [%s, 0, 0, 0, 0]},
              {"left_children": [-1], "right_children": [-1], "split_indices": [0],
               "split_conditions": [0.125], "default_left": [0], "split_type": [0]}
            ]}}}}
        """
        .formatted(objective, booster, rights, splitType);
  }

  static XGBoostTrees trees(String json) {
    return XGBoostTrees.fromJson(json.getBytes(StandardCharsets.UTF_8)).orElseThrow();
  }

  static float sigmoid(float margin) {
    return 1.0f / (1.0f + (float) Math.exp(-margin));
  }

  @Test
  void shouldWalkEachTreeAndAddTheLeavesToTheBaseMargin() {
    XGBoostTrees trees = trees(booster("binary:logistic", "gbtree", "0", "[2, -1, 4, -1, -1]"));

    assertThat(trees.rowLength()).isEqualTo(2);
    assertThat(trees.predict(new float[] {0, 1})[0]).isEqualTo(sigmoid(0.25f + 0.125f));
    assertThat(trees.predict(new float[] {-3, 2.5f})[0]).isEqualTo(sigmoid(-0.5f + 0.125f));
    assertThat(trees.predict(new float[] {5, 9})[0]).isEqualTo(sigmoid(0.75f + 0.125f));
    assertThat(trees.predict(new float[] {Float.NaN, Float.NaN})[0])
        .as("missing: right at the root, left below it")
        .isEqualTo(sigmoid(-0.5f + 0.125f));
  }

  @Test
  void shouldLeaveBoostersItDoesNotReadToXGBoost() {
    assertThat(
            XGBoostTrees.fromJson(
                booster("binary:logistic", "dart", "0", "[2, -1, 4, -1, -1]")
                    .getBytes(StandardCharsets.UTF_8)))
        .isEmpty();
    assertThat(
            XGBoostTrees.fromJson(
                booster("binary:logistic", "gbtree", "1", "[2, -1, 4, -1, -1]")
                    .getBytes(StandardCharsets.UTF_8)))
        .as("a categorical split")
        .isEmpty();
    assertThat(
            XGBoostTrees.fromJson(
                booster("reg:squarederror", "gbtree", "0", "[2, -1, 4, -1, -1]")
                    .getBytes(StandardCharsets.UTF_8)))
        .isEmpty();
  }

  @Test
  void shouldRefuseTreesWhoseNodesDoNotFormATree() {
    assertThatThrownBy(() -> trees(booster("binary:logistic", "gbtree", "0", "[2, -1, 1, -1, -1]")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("do not form a tree");
    assertThatThrownBy(() -> trees(booster("binary:logistic", "gbtree", "0", "[2, -1, 9, -1, -1]")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no such child");
    assertThatThrownBy(() -> XGBoostTrees.fromJson("{".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not an XGBoost JSON model");
  }

  @Test
  void shouldRefuseARowShorterThanTheColumnsTheTreesRead() {
    XGBoostTrees trees = trees(booster("binary:logistic", "gbtree", "0", "[2, -1, 4, -1, -1]"));

    assertThatThrownBy(() -> trees.predict(new float[1]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the trees read 2");
  }
}

package dev.scorestream.training;

import dev.scorestream.model.Task;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tribuo.Trainer;
import org.tribuo.classification.Label;
import org.tribuo.classification.dtree.CARTClassificationTrainer;
import org.tribuo.classification.ensemble.VotingCombiner;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.common.tree.RandomForestTrainer;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.rtree.CARTRegressionTrainer;
import org.tribuo.regression.sgd.objectives.SquaredLoss;
import org.tribuo.transform.TransformTrainer;
import org.tribuo.transform.Transformation;
import org.tribuo.transform.TransformationMap;
import org.tribuo.transform.transformations.MeanStdDevTransformation;

/** The classification trainers {@code scorer train} offers. */
public enum TrainerKind {
  /** Logistic regression by SGD (AdaGrad), scalar features standardized inside the model. */
  LOGISTIC,
  /** A CART decision tree of depth at most 10. */
  CART,
  /**
   * A random forest: 50 CART trees of depth 10 on bootstrap samples, each split over a random half
   * of the features, combined by voting. About 20-40k predictions/s here, so it scores one record
   * at a time.
   */
  FOREST,
  /**
   * Linear regression by SGD (squared loss, AdaGrad), scalar features standardized inside the
   * model.
   */
  LINEAR_REGRESSION,
  /** A CART regression tree of depth at most 10. */
  TREE_REGRESSION;

  /** Whether this trainer predicts labels or numbers. */
  public Task task() {
    return this == LINEAR_REGRESSION || this == TREE_REGRESSION
        ? Task.REGRESSION
        : Task.CLASSIFICATION;
  }

  /** The kind named {@code code} ({@code logistic}, {@code tree-regression}, ...), or null. */
  public static TrainerKind of(String code) {
    for (TrainerKind kind : values()) {
      if (kind.code().equals(code)) {
        return kind;
      }
    }
    return null;
  }

  /**
   * @param scalarFeatures numeric feature names; standardized for linear models (one-hot features
   *     are left alone: their variance over observed values is 0)
   */
  Trainer<Label> classifier(Iterable<String> scalarFeatures, long seed) {
    return switch (this) {
      case LOGISTIC -> {
        Map<String, List<Transformation>> perFeature = new HashMap<>();
        scalarFeatures.forEach(
            name -> perFeature.put(name, List.of(new MeanStdDevTransformation())));
        // Tribuo's LogisticRegressionTrainer settings (AdaGrad 1.0, 5 epochs) with our seed and no
        // per-1000-iterations log lines.
        LinearSGDTrainer inner =
            new LinearSGDTrainer(
                new LogMulticlass(), new AdaGrad(1.0, 0.1), 5, Integer.MAX_VALUE, seed);
        yield new TransformTrainer<>(inner, new TransformationMap(List.of(), perFeature));
      }
      case CART -> new CARTClassificationTrainer(10, 1.0f, seed);
      case FOREST ->
          new RandomForestTrainer<>(
              new CARTClassificationTrainer(10, 0.5f, seed), new VotingCombiner(), 50, seed);
      case LINEAR_REGRESSION, TREE_REGRESSION ->
          throw new IllegalStateException(this + " is a regression trainer");
    };
  }

  Trainer<Regressor> regressor(Iterable<String> scalarFeatures, long seed) {
    return switch (this) {
      case LINEAR_REGRESSION -> {
        Map<String, List<Transformation>> perFeature = new HashMap<>();
        scalarFeatures.forEach(
            name -> perFeature.put(name, List.of(new MeanStdDevTransformation())));
        var inner =
            new org.tribuo.regression.sgd.linear.LinearSGDTrainer(
                new SquaredLoss(), new AdaGrad(1.0, 0.1), 20, Integer.MAX_VALUE, seed);
        yield new TransformTrainer<>(inner, new TransformationMap(List.of(), perFeature));
      }
      case TREE_REGRESSION -> new CARTRegressionTrainer(10);
      default -> throw new IllegalStateException(this + " is a classification trainer");
    };
  }

  public String code() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}

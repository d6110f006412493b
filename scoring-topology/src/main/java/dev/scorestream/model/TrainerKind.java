package dev.scorestream.model;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tribuo.Trainer;
import org.tribuo.classification.Label;
import org.tribuo.classification.dtree.CARTClassificationTrainer;
import org.tribuo.classification.ensemble.VotingCombiner;
import org.tribuo.common.tree.RandomForestTrainer;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.math.optimisers.AdaGrad;
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
   * A random forest: 50 CART trees of depth 10 on bootstrap samples, each split over a random half of the
   * features, combined by voting. About 20-40k predictions/s here, so it scores one record at a time.
   */
  FOREST;

  /**
   * @param scalarFeatures numeric feature names; standardized for linear models (one-hot features are left
   *     alone: their variance over observed values is 0)
   */
  Trainer<Label> create(Iterable<String> scalarFeatures, long seed) {
    return switch (this) {
      case LOGISTIC -> {
        Map<String, List<Transformation>> perFeature = new HashMap<>();
        scalarFeatures.forEach(name -> perFeature.put(name, List.of(new MeanStdDevTransformation())));
        // Tribuo's LogisticRegressionTrainer settings (AdaGrad 1.0, 5 epochs) with our seed and no
        // per-1000-iterations log lines.
        LinearSGDTrainer inner = new LinearSGDTrainer(new LogMulticlass(), new AdaGrad(1.0, 0.1), 5, Integer.MAX_VALUE, seed);
        yield new TransformTrainer<>(inner, new TransformationMap(List.of(), perFeature));
      }
      case CART -> new CARTClassificationTrainer(10, 1.0f, seed);
      case FOREST -> new RandomForestTrainer<>(new CARTClassificationTrainer(10, 0.5f, seed), new VotingCombiner(), 50, seed);
    };
  }

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}

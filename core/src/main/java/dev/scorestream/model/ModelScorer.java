package dev.scorestream.model;

import dev.scorestream.features.FeatureExtractor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.Model;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.common.xgboost.XGBoostExternalModel;
import org.tribuo.common.xgboost.XGBoostModel;
import org.tribuo.impl.ArrayExample;
import org.tribuo.interop.ExternalModel;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;

/**
 * Serves one loaded {@link ModelArtifact}. Thread-safe (Tribuo models are immutable after
 * training).
 *
 * <p>Examples arrive as the extractor builds them (typed {@code Example<Label>}); a regression
 * model gets the same features as an {@code Example<Regressor>}, and answers with its value as the
 * label text and {@code {"value": v}} as the scores.
 */
public final class ModelScorer {

  /** Score key of a regression model's value. */
  public static final String VALUE = "value";

  private final ModelArtifact artifact;
  private final ImmutableFeatureMap featureMap;
  private final Model<Label> classifier;
  private final Model<Regressor> regressor;
  private final boolean batchHungry;
  private final XGBoostInJava trees;

  /** The most rows an external model hands its native library in one call. */
  static final int NATIVE_BATCH_ROWS = 1024;

  @SuppressWarnings("unchecked")
  public ModelScorer(ModelArtifact artifact) {
    this.artifact = artifact;
    Model<?> model = artifact.model();
    // Tribuo's external models cut every batch into calls of 16 rows by default; a batch the
    // stream or a request assembled goes to the native library whole.
    if (model instanceof ExternalModel<?, ?, ?> external
        && external.getBatchSize() < NATIVE_BATCH_ROWS) {
      external.setBatchSize(NATIVE_BATCH_ROWS);
    }
    boolean regression = artifact.task() == Task.REGRESSION;
    // An imported XGBoost classifier's trees run in Java when they can: no native call to batch.
    this.trees =
        model instanceof XGBoostExternalModel<?> booster && !regression
            ? XGBoostInJava.of(booster, artifact.metadata().name()).orElse(null)
            : null;
    this.batchHungry =
        trees == null
            && (model instanceof ExternalModel<?, ?, ?> || model instanceof XGBoostModel<?>);
    this.featureMap = artifact.model().getFeatureIDMap();
    this.classifier = regression ? null : (Model<Label>) artifact.model();
    this.regressor = regression ? (Model<Regressor>) artifact.model() : null;
  }

  /**
   * The example this model is fed for {@code record}: the feature spec's columns for a model
   * imported with one, else the extractor's features.
   */
  public Example<Label> example(GenericRecord record, FeatureExtractor extractor) {
    return artifact.spec() == null ? extractor.extract(record) : artifact.spec().example(record);
  }

  public ModelArtifact artifact() {
    return artifact;
  }

  public String name() {
    return artifact.metadata().name();
  }

  public String version() {
    return artifact.metadata().version();
  }

  public Task task() {
    return artifact.task();
  }

  /**
   * True for models behind a native library (imported ONNX models, Tribuo's XGBoost, an imported
   * XGBoost booster whose trees cannot run in Java): each call crosses into it, so one call for
   * many records costs far less than one per record. The stream scores these in micro-batches;
   * in-JVM models (linear, trees, imported XGBoost evaluated by {@link XGBoostTrees}) gain nothing.
   */
  public boolean batchHungry() {
    return batchHungry;
  }

  /** True when at least one feature of {@code example} is known to the model. */
  public boolean hasKnownFeature(Example<Label> example) {
    for (Feature feature : example) {
      if (featureMap.getID(feature.getName()) >= 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * Predicts; call {@link #hasKnownFeature} first, Tribuo refuses examples with no known feature.
   */
  public ScoreResult score(Example<Label> example) {
    if (trees != null) {
      return trees.score(example);
    }
    if (regressor != null) {
      double value = regressor.predict(asRegression(example)).getOutput().getValues()[0];
      return new ScoreResult(Double.toString(value), Map.of(VALUE, value));
    }
    return result(classifier.predict(example));
  }

  /**
   * Predicts a batch in one call, answers in the order of {@code examples}. Models that evaluate
   * batches natively (external models behind a native library) gain from it; for the others it is
   * the same as calling {@link #score} for each. Every example needs a known feature.
   */
  public List<ScoreResult> scoreAll(List<Example<Label>> examples) {
    List<ScoreResult> results = new ArrayList<>(examples.size());
    if (trees != null) {
      examples.forEach(example -> results.add(trees.score(example)));
      return results;
    }
    if (regressor != null) {
      List<Example<Regressor>> converted = new ArrayList<>(examples.size());
      examples.forEach(example -> converted.add(asRegression(example)));
      for (Prediction<Regressor> prediction : regressor.predict(converted)) {
        double value = prediction.getOutput().getValues()[0];
        results.add(new ScoreResult(Double.toString(value), Map.of(VALUE, value)));
      }
      return results;
    }
    for (Prediction<Label> prediction : classifier.predict(examples)) {
      results.add(result(prediction));
    }
    return results;
  }

  private static ScoreResult result(Prediction<Label> prediction) {
    Map<String, Label> outputs = prediction.getOutputScores();
    Map<String, Double> scores = new HashMap<>(outputs.size() * 2);
    for (Map.Entry<String, Label> entry : outputs.entrySet()) {
      scores.put(entry.getKey(), entry.getValue().getScore());
    }
    return new ScoreResult(prediction.getOutput().getLabel(), scores);
  }

  private static Example<Regressor> asRegression(Example<Label> example) {
    String[] names = new String[example.size()];
    double[] values = new double[example.size()];
    int i = 0;
    for (Feature feature : example) {
      names[i] = feature.getName();
      values[i++] = feature.getValue();
    }
    return new ArrayExample<>(RegressionFactory.UNKNOWN_REGRESSOR, names, values);
  }
}

package dev.scorestream.model;

import java.util.HashMap;
import java.util.Map;
import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;

/** Serves one loaded {@link ModelArtifact}. Thread-safe (Tribuo models are immutable after training). */
public final class ModelScorer {

  private final ModelArtifact artifact;
  private final ImmutableFeatureMap featureMap;

  public ModelScorer(ModelArtifact artifact) {
    this.artifact = artifact;
    this.featureMap = artifact.model().getFeatureIDMap();
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

  /** True when at least one feature of {@code example} is known to the model. */
  public boolean hasKnownFeature(Example<Label> example) {
    for (Feature feature : example) {
      if (featureMap.getID(feature.getName()) >= 0) {
        return true;
      }
    }
    return false;
  }

  /** Predicts; call {@link #hasKnownFeature} first, Tribuo refuses examples with no known feature. */
  public ScoreResult score(Example<Label> example) {
    Prediction<Label> prediction = artifact.model().predict(example);
    Map<String, Label> outputs = prediction.getOutputScores();
    Map<String, Double> scores = new HashMap<>(outputs.size() * 2);
    for (Map.Entry<String, Label> entry : outputs.entrySet()) {
      scores.put(entry.getKey(), entry.getValue().getScore());
    }
    return new ScoreResult(prediction.getOutput().getLabel(), scores);
  }
}

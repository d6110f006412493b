package dev.scorestream.model;

import com.oracle.labs.mlrg.olcut.util.Pair;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tribuo.Example;
import org.tribuo.Excuse;
import org.tribuo.Model;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.provenance.ModelProvenance;

/**
 * A Tribuo model with a real model's features whose predict always fails: the SCORING_ERROR path.
 */
public final class FailingModel extends Model<Label> {

  @SuppressWarnings("unchecked")
  public FailingModel(Model<?> real) {
    super(
        "failing",
        real.getProvenance(),
        real.getFeatureIDMap(),
        ((Model<Label>) real).getOutputIDInfo(),
        true);
  }

  @Override
  public Prediction<Label> predict(Example<Label> example) {
    throw new IllegalStateException("model exploded on purpose");
  }

  @Override
  public Map<String, List<Pair<String, Double>>> getTopFeatures(int n) {
    return Map.of();
  }

  @Override
  public Optional<Excuse<Label>> getExcuse(Example<Label> example) {
    return Optional.empty();
  }

  @Override
  protected Model<Label> copy(String newName, ModelProvenance newProvenance) {
    return this;
  }
}

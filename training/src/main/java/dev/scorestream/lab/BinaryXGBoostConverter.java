package dev.scorestream.lab;

import com.google.protobuf.Any;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tribuo.Example;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.xgboost.XGBoostClassificationConverter;
import org.tribuo.common.xgboost.XGBoostOutputConverter;
import org.tribuo.common.xgboost.protos.XGBoostOutputConverterProto;

/**
 * Reads an XGBoost classifier's output the way XGBoost's own {@code predict_proba} does, for binary
 * boosters too: a {@code binary:logistic} booster answers one number, the probability of class 1,
 * and class 0 gets {@code 1 - p} (in float, as XGBoost computes it). Tribuo's converter expects one
 * score per class and would read that number as class 0's. Multi-class outputs go to Tribuo's
 * converter unchanged.
 */
public final class BinaryXGBoostConverter implements XGBoostOutputConverter<Label> {

  private static final long serialVersionUID = 1L;

  private final XGBoostClassificationConverter multiClass = new XGBoostClassificationConverter();

  @Override
  public boolean generatesProbabilities() {
    return true;
  }

  @Override
  public Prediction<Label> convertOutput(
      ImmutableOutputInfo<Label> info, List<float[]> scores, int numValid, Example<Label> example) {
    if (scores.size() != 1 || scores.get(0).length != 1) {
      return multiClass.convertOutput(info, scores, numValid, example);
    }
    if (info.size() != 2) {
      throw new IllegalStateException(
          "the booster answers one probability, but the model has " + info.size() + " labels");
    }
    float one = scores.get(0)[0];
    float zero = 1.0f - one;
    Label first = info.getOutput(0);
    Label second = info.getOutput(1);
    Map<String, Label> byName = new HashMap<>();
    byName.put(first.getLabel(), new Label(first.getLabel(), zero));
    byName.put(second.getLabel(), new Label(second.getLabel(), one));
    Label best = one > zero ? byName.get(second.getLabel()) : byName.get(first.getLabel());
    return new Prediction<>(best, byName, numValid, example, true);
  }

  @Override
  public List<Prediction<Label>> convertBatchOutput(
      ImmutableOutputInfo<Label> info,
      List<float[][]> scores,
      int[] numValid,
      Example<Label>[] examples) {
    if (scores.size() != 1 || scores.get(0).length == 0 || scores.get(0)[0].length != 1) {
      return multiClass.convertBatchOutput(info, scores, numValid, examples);
    }
    List<Prediction<Label>> predictions = new ArrayList<>(examples.length);
    for (int i = 0; i < examples.length; i++) {
      predictions.add(convertOutput(info, List.of(scores.get(0)[i]), numValid[i], examples[i]));
    }
    return predictions;
  }

  @Override
  public Class<Label> getTypeWitness() {
    return Label.class;
  }

  @Override
  public XGBoostOutputConverterProto serialize() {
    return XGBoostOutputConverterProto.newBuilder()
        .setVersion(0)
        .setClassName(BinaryXGBoostConverter.class.getName())
        .build();
  }

  /** Tribuo's deserialization entry point (found by reflection). */
  public static BinaryXGBoostConverter deserializeFromProto(
      int version, String className, Any message) {
    if (version != 0) {
      throw new IllegalArgumentException("unknown BinaryXGBoostConverter version " + version);
    }
    return new BinaryXGBoostConverter();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof BinaryXGBoostConverter;
  }

  @Override
  public int hashCode() {
    return BinaryXGBoostConverter.class.hashCode();
  }
}

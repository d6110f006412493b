package dev.scorestream.model;

import com.oracle.labs.mlrg.olcut.util.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.tribuo.Example;
import org.tribuo.Excuse;
import org.tribuo.Feature;
import org.tribuo.Model;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.provenance.ModelProvenance;

/**
 * A real model's answers, with every call recorded: the size of each batch call, and single calls.
 * It refuses the examples {@code poison} matches, alone or in a batch, as a native model refuses a
 * row it cannot take.
 */
public final class BatchRecordingModel extends Model<Label> {

  private final Model<Label> real;
  private final Predicate<Example<Label>> poison;
  private final List<Integer> batches = new ArrayList<>();
  private int singles;

  @SuppressWarnings("unchecked")
  public BatchRecordingModel(Model<?> real, Predicate<Example<Label>> poison) {
    super(
        "batch-recording",
        real.getProvenance(),
        real.getFeatureIDMap(),
        ((Model<Label>) real).getOutputIDInfo(),
        true);
    this.real = (Model<Label>) real;
    this.poison = poison;
  }

  /** A model with {@code real}'s features whose every prediction fails. */
  public static BatchRecordingModel failing(Model<?> real) {
    return new BatchRecordingModel(real, example -> true);
  }

  /**
   * A model with {@code real}'s answers that refuses every example whose feature {@code name} is
   * {@code value}.
   */
  public static BatchRecordingModel refusing(Model<?> real, String name, double value) {
    return new BatchRecordingModel(
        real,
        example -> {
          for (Feature feature : example) {
            if (feature.getName().equals(name) && feature.getValue() == value) {
              return true;
            }
          }
          return false;
        });
  }

  /** Sizes of the batch calls, in order. */
  public synchronized List<Integer> batches() {
    return List.copyOf(batches);
  }

  public synchronized int singles() {
    return singles;
  }

  @Override
  public synchronized Prediction<Label> predict(Example<Label> example) {
    singles++;
    if (poison.test(example)) {
      throw new IllegalStateException("model exploded on purpose: it cannot take that example");
    }
    return real.predict(example);
  }

  @Override
  public synchronized List<Prediction<Label>> predict(Iterable<Example<Label>> examples) {
    List<Example<Label>> all = new ArrayList<>();
    examples.forEach(all::add);
    batches.add(all.size());
    if (all.stream().anyMatch(poison)) {
      throw new IllegalStateException(
          "model exploded on purpose: it cannot take one of the batch's examples");
    }
    return real.predict(all);
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

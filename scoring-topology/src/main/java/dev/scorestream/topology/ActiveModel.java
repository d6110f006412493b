package dev.scorestream.topology;

import dev.scorestream.model.ModelScorer;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The model currently serving. Stream tasks read it once per record, so replacing it takes effect between
 * two records without a restart.
 */
public final class ActiveModel {

  private final AtomicReference<ModelScorer> current;

  public ActiveModel(ModelScorer initial) {
    this.current = new AtomicReference<>(Objects.requireNonNull(initial, "initial model"));
  }

  public ModelScorer current() {
    return current.get();
  }

  /** Replaces the serving model and returns the one it replaced. */
  public ModelScorer swap(ModelScorer next) {
    return current.getAndSet(Objects.requireNonNull(next, "next model"));
  }
}

package dev.scorestream.serving;

import dev.scorestream.model.ModelScorer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The models currently serving: the champion, whose answer is the prediction, and an optional
 * challenger scored in shadow. Stream tasks read them once per record, so a swap takes effect
 * between two records without a restart. Counts how often the challenger agreed with the champion.
 */
public final class ActiveModel {

  /** Champion and challenger, swapped together. */
  private record Serving(ModelScorer champion, ModelScorer challenger) {}

  private final AtomicReference<Serving> serving;
  private final LongAdder challengerScored = new LongAdder();
  private final LongAdder challengerAgreed = new LongAdder();
  private final LongAdder challengerFailed = new LongAdder();

  /**
   * Recently served models by version, so a window closing after a swap still finds its baseline.
   */
  private final Map<String, ModelScorer> recent =
      java.util.Collections.synchronizedMap(
          new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, ModelScorer> eldest) {
              return size() > RECENT_MODELS;
            }
          });

  static final int RECENT_MODELS = 8;

  public ActiveModel(ModelScorer champion) {
    this(champion, null);
  }

  public ActiveModel(ModelScorer champion, ModelScorer challenger) {
    this.serving =
        new AtomicReference<>(
            new Serving(Objects.requireNonNull(champion, "champion"), challenger));
    remember(champion);
    remember(challenger);
  }

  private void remember(ModelScorer scorer) {
    if (scorer != null) {
      recent.put(scorer.version(), scorer);
    }
  }

  /**
   * The champion, the challenger or one of the last {@value #RECENT_MODELS} models served, by
   * version.
   */
  public Optional<ModelScorer> byVersion(String version) {
    return Optional.ofNullable(recent.get(version));
  }

  public ModelScorer current() {
    return serving.get().champion();
  }

  public Optional<ModelScorer> challenger() {
    return Optional.ofNullable(serving.get().challenger());
  }

  /** Replaces the champion and returns the one it replaced; the challenger stays. */
  public ModelScorer swap(ModelScorer next) {
    Objects.requireNonNull(next, "next model");
    remember(next);
    return serving.getAndUpdate(s -> new Serving(next, s.challenger())).champion();
  }

  /** Sets or (with null) removes the challenger. */
  public void setChallenger(ModelScorer challenger) {
    remember(challenger);
    serving.updateAndGet(s -> new Serving(s.champion(), challenger));
  }

  void recordChallenger(boolean agreed) {
    challengerScored.increment();
    if (agreed) {
      challengerAgreed.increment();
    }
  }

  void recordChallengerFailure() {
    challengerFailed.increment();
  }

  /** Events the challenger scored. */
  public long challengerScored() {
    return challengerScored.sum();
  }

  /** Of those, how many got the champion's label. */
  public long challengerAgreed() {
    return challengerAgreed.sum();
  }

  /** Events the challenger failed on (the champion's prediction was written regardless). */
  public long challengerFailed() {
    return challengerFailed.sum();
  }
}

package dev.scorestream.app;

import dev.scorestream.model.ModelScorer;
import dev.scorestream.model.ModelWatcher;
import java.time.Duration;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hot swap without a restart: the champion when {@code model.dir} is a models directory, and the
 * challenger when {@code challenger.dir} is one (the retraining controller publishes and retires
 * challengers there).
 */
final class ModelSwaps {

  private static final Logger LOG = LoggerFactory.getLogger(ModelSwaps.class);

  private ModelSwaps() {}

  /**
   * Starts the watchers the configuration calls for; each goes onto {@code resources}.
   *
   * @param swapped run after every swap, for what reports the serving models
   * @return the champion's watcher, or null when {@code model.dir} names one artifact
   */
  static ModelWatcher watch(
      ServingSetup serving, Duration interval, Runnable swapped, Deque<AutoCloseable> resources) {
    ServingSetup.Models models = serving.models();
    ModelWatcher champions = null;
    if (models.champions() != null) {
      champions =
          new ModelWatcher(
                  models.champions(),
                  models.champion(),
                  next -> {
                    ModelScorer replaced = serving.model().swap(new ModelScorer(next));
                    swapped.run();
                    LOG.info(
                        "model swapped without restart: {} -> {} (from {})",
                        replaced.version(),
                        next.metadata().version(),
                        next.directory());
                  },
                  () ->
                      LOG.warn(
                          "the serving model's directory is gone from {}; it keeps serving until"
                              + " another is published",
                          models.champions().path()))
              .start(interval);
      resources.push(champions);
    }
    if (models.challengers() != null) {
      ModelWatcher challengers =
          new ModelWatcher(
                  models.challengers(),
                  models.challenger(),
                  next -> {
                    serving.model().setChallenger(new ModelScorer(next));
                    swapped.run();
                    LOG.info(
                        "challenger {} scores in shadow (from {})",
                        next.metadata().version(),
                        next.directory());
                  },
                  () -> {
                    serving.model().setChallenger(null);
                    swapped.run();
                    LOG.info("challenger retired: none scores in shadow");
                  })
              .start(interval);
      resources.push(challengers);
    }
    return champions;
  }
}

package dev.scorestream.topology;

import dev.scorestream.deadletter.Reason;

/**
 * Told about every outcome as the topology produces it, for metrics. Called on stream threads; must be
 * cheap and thread-safe. Under exactly-once a record whose transaction aborts is processed (and reported)
 * again, so counts may run slightly ahead of committed outputs.
 */
public interface OutcomeListener {

  /** Does nothing: for tests and tools that do not measure. */
  OutcomeListener NONE = new OutcomeListener() {
    @Override
    public void scored(long scoringNanos, long endToEndMillis) {
    }

    @Override
    public void rejected(Reason reason) {
    }
  };

  /**
   * @param scoringNanos decode + rules + features + predict + encode for this record
   * @param endToEndMillis from the input record's timestamp to now
   */
  void scored(long scoringNanos, long endToEndMillis);

  void rejected(Reason reason);
}

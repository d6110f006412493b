package dev.scorestream.topology;

import dev.scorestream.drift.DriftReports;
import dev.scorestream.enrichment.Enricher;
import dev.scorestream.enrichment.EntityHistory;
import dev.scorestream.feedback.FeedbackResult;
import dev.scorestream.feedback.PerformanceReports;
import dev.scorestream.schemas.Reason;

/**
 * Told about every outcome as the topology produces it, for metrics. Called on stream threads; must
 * be cheap and thread-safe. Under exactly-once a record whose transaction aborts is processed (and
 * reported) again, so counts may run slightly ahead of committed outputs.
 */
public interface OutcomeListener {

  /** Does nothing: for tests and tools that do not measure. */
  OutcomeListener NONE = new OutcomeListener() {};

  /**
   * @param scoringNanos decode + rules + features + predict + encode for this record (a batched
   *     record counts its share of the batch's model call, not its wait)
   * @param endToEndMillis from the input record's timestamp to now
   */
  default void scored(long scoringNanos, long endToEndMillis) {}

  default void rejected(Reason reason) {}

  /** Why a micro-batch was scored when it was. */
  enum BatchTrigger {
    /** It held {@code scoring.batch.max.records}. */
    FULL,
    /** Its oldest record had waited {@code scoring.batch.max.wait}. */
    WAIT,
    /** The task was about to commit. */
    COMMIT,
    /** The serving model changed to one that is not batched. */
    MODEL
  }

  /** A micro-batch of {@code records} was predicted in one model call. */
  default void batch(int records, BatchTrigger trigger) {}

  /**
   * A dead letter was degraded to fit its topic; {@code steps} as in {@code
   * scorestream.dlq.degraded}.
   */
  default void deadLetterDegraded(java.util.List<String> steps) {}

  /**
   * A derived record (a feedback snapshot or a training example) was left out because it would not
   * fit its topic; the prediction or dead letter of its input was written as usual.
   */
  default void outputSkipped(String output) {}

  /** A reference table was looked up for an event, with what it found. */
  default void reference(String table, Enricher.Found found) {}

  /** An event joined (or, without a key, did not join) its entity's history. */
  default void entity(String entity, EntityHistory.Recorded recorded) {}

  /** What an {@link Enricher} tells: reference lookups and entity histories, to this listener. */
  default Enricher.Listener enrichment() {
    OutcomeListener self = this;
    return new Enricher.Listener() {
      @Override
      public void looked(String table, Enricher.Found found) {
        self.reference(table, found);
      }

      @Override
      public void recorded(String entity, EntityHistory.Recorded recorded) {
        self.entity(entity, recorded);
      }
    };
  }

  /** A drift window closed and was reported. */
  default void drift(DriftReports.Summary summary) {}

  /** Events found late for drift (their window had closed). */
  default void driftLate(long events) {}

  /** A label met the prediction store. */
  default void label(FeedbackResult result) {}

  /** A performance window closed and was reported. */
  default void performance(PerformanceReports.Summary summary) {}
}

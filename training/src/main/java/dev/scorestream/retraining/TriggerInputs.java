package dev.scorestream.retraining;

import dev.scorestream.drift.DriftStatus;
import dev.scorestream.model.Evaluation;
import dev.scorestream.model.ModelArtifact;
import dev.scorestream.registry.SchemaLookup;
import dev.scorestream.schemas.Contracts;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.generic.GenericRecord;

/**
 * What the triggers look at, kept fresh: the newest live-quality reports ({@code
 * events.performance}), the newest drift reports ({@code events.drift}), and schema changes that
 * affect the model, read a little more at each poll.
 */
final class TriggerInputs {

  /** Reports kept per topic: enough windows for any trigger or watch. */
  static final int KEEP = 500;

  /** How far back reports are read when the controller starts. */
  static final Duration LOOKBACK = Duration.ofDays(2);

  private final TriggerEvaluator evaluator;
  private final ReportTail<PerformanceWindow> performance;
  private final ReportTail<DriftWindow> drift;
  private final ReportTail<SchemaChangeFiring> schemaChanges;
  private final String schemaChangesTopic;
  private boolean schemaChangesTopicSeen;
  private final TopicRanges ranges;
  private final Set<String> servedFeatures;
  private final Clock clock;
  private List<PerformanceWindow> performanceWindows = List.of();

  TriggerInputs(
      RetrainingPolicy.Triggers policy,
      RetrainingController.Topics topics,
      SchemaLookup registry,
      TopicRanges ranges,
      Set<String> servedFeatures,
      Clock clock) {
    this.evaluator = new TriggerEvaluator(policy);
    this.performance =
        new ReportTail<>(
            topics.performance(),
            Contracts.performanceReport(),
            registry,
            TriggerInputs::performanceWindow,
            KEEP);
    this.drift =
        new ReportTail<>(
            topics.drift(), Contracts.driftReport(), registry, TriggerInputs::driftWindow, KEEP);
    this.schemaChangesTopic = policy.schemaChange() ? topics.schemaChanges() : "";
    this.schemaChanges =
        schemaChangesTopic.isEmpty()
            ? null
            : new ReportTail<>(
                schemaChangesTopic,
                Contracts.schemaChange(),
                registry,
                SchemaChangeFiring::of,
                KEEP);
    this.ranges = ranges;
    this.servedFeatures = Set.copyOf(servedFeatures);
    this.clock = clock;
  }

  /** Reads what arrived; the live-quality windows then also feed the rollback watch. */
  List<PerformanceWindow> refreshPerformance() {
    performanceWindows = performance.refresh(ranges, clock.instant().minus(LOOKBACK));
    return performanceWindows;
  }

  List<PerformanceWindow> performanceWindows() {
    return performanceWindows;
  }

  TriggerEvaluator.Evaluation evaluate(ControllerState state, Champions.Champion champion) {
    Instant now = clock.instant();
    ModelArtifact artifact = champion.artifact();
    Evaluation heldOut = artifact.metadata().evaluation();
    return evaluator.evaluate(
        new TriggerEvaluator.Inputs(
            new TriggerEvaluator.Champion(
                champion.version(),
                heldOut == null ? null : heldOut.accuracy(),
                heldOut == null ? null : heldOut.logLoss(),
                servedFeatures),
            refreshPerformance(),
            drift.refresh(ranges, now.minus(LOOKBACK)),
            schemaChangeFirings(champion.version(), now),
            now,
            state));
  }

  /**
   * Firings of the schema changes reported lately that leave the champion worse off; none while the
   * policy leaves the trigger off or no scorer has created the topic yet.
   */
  private List<TriggerEvaluator.Firing> schemaChangeFirings(String champion, Instant now) {
    if (schemaChanges == null) {
      return List.of();
    }
    // Once a scorer has created the topic it stays: ask the broker only until then.
    schemaChangesTopicSeen = schemaChangesTopicSeen || ranges.exists(schemaChangesTopic);
    if (!schemaChangesTopicSeen) {
      return List.of();
    }
    List<TriggerEvaluator.Firing> firings = new ArrayList<>();
    for (SchemaChangeFiring report : schemaChanges.refresh(ranges, now.minus(LOOKBACK))) {
      firings.addAll(report.firingFor(champion));
    }
    return firings;
  }

  static PerformanceWindow performanceWindow(GenericRecord report) {
    return new PerformanceWindow(
        Instant.ofEpochMilli((Long) report.get("window_start")),
        report.get("model_version").toString(),
        (Long) report.get("matched"),
        (Double) report.get("accuracy"),
        (Double) report.get("log_loss"),
        (Double) report.get("rmse"));
  }

  static DriftWindow driftWindow(GenericRecord report) {
    Map<String, DriftStatus> features = new HashMap<>();
    for (Object item : (List<?>) report.get("features")) {
      GenericRecord feature = (GenericRecord) item;
      features.put(
          feature.get("name").toString(), DriftStatus.valueOf(feature.get("status").toString()));
    }
    return new DriftWindow(
        Instant.ofEpochMilli((Long) report.get("window_start")),
        report.get("model_version").toString(),
        features);
  }
}

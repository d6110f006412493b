package dev.scorestream.retraining;

import dev.scorestream.model.Task;
import java.time.Clock;
import java.util.List;

/**
 * The collaborators every step of the loop uses.
 *
 * @param policy the policy, resolved against the champion
 * @param task what the champion predicts
 */
record LoopContext(
    RetrainingPolicy policy,
    RetrainingController.Topics topics,
    TopicRanges ranges,
    LabelledEvents events,
    CandidateBuilder builder,
    Publisher publisher,
    Champions champions,
    Decisions decisions,
    TriggerInputs triggers,
    RetrainingController.Listener listener,
    Task task,
    Clock clock) {

  /** The newest live-quality windows the triggers read. */
  List<PerformanceWindow> performanceWindows() {
    return triggers.refreshPerformance();
  }
}

package dev.scorestream.retraining;

import dev.scorestream.features.FeatureExtractor;
import dev.scorestream.feedback.TrainingExamples;
import dev.scorestream.model.Task;
import dev.scorestream.validation.RecordValidator;
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

  /** The loop's collaborators for a controller (or a rebuild) with {@code settings}. */
  static LoopContext create(
      RetrainingController.Settings settings,
      TopicRanges ranges,
      RetrainingController.Listener listener,
      Clock clock) {
    FeatureExtractor extractor = FeatureExtractor.forSchema(settings.reader());
    Champions champions = new Champions(settings.places().models(), extractor);
    Champions.Champion champion = champions.current();
    RetrainingPolicy.Champion described = champions.describe(champion, settings.reader());
    RetrainingPolicy policy = settings.policy().resolve(described);
    Publisher publisher =
        new Publisher(
            settings.places().models(),
            settings.places().challengers(),
            settings.places().signingKey());
    return new LoopContext(
        policy,
        settings.topics(),
        ranges,
        labelledEvents(settings),
        new CandidateBuilder(policy, extractor, settings.reader(), publisher, clock),
        publisher,
        champions,
        new Decisions(
            policy.model(), settings.actor(), policy.digest(), settings.appVersion(), clock),
        new TriggerInputs(
            policy.triggers(),
            settings.topics(),
            settings.registry(),
            ranges,
            described.fieldsUsed(),
            clock),
        listener,
        champion.artifact().task(),
        clock);
  }

  /** Reads labelled events as the stream checked them: decoded, sanitized, validated. */
  static LabelledEvents labelledEvents(RetrainingController.Settings settings) {
    return new LabelledEvents(
        new TrainingExamples(settings.reader()),
        settings.registry(),
        RecordValidator.forSchema(settings.reader()),
        settings.policy().data().timeBasis());
  }

  /** The newest live-quality windows the triggers read. */
  List<PerformanceWindow> performanceWindows() {
    return triggers.refreshPerformance();
  }
}

package dev.scorestream.retraining;

import dev.scorestream.feedback.PredictionSnapshots;
import dev.scorestream.feedback.TrainingExamples;
import dev.scorestream.model.Task;
import java.util.List;
import java.util.Map;

/**
 * What a shadow has shown so far: the labelled events since the shadow began that both models
 * answered, paired. An event only the champion answered (scored before the challenger was picked
 * up, or by another champion version) is not paired; one the challenger failed on counts as a
 * failure. Read again from the offsets the SHADOW_STARTED record pinned, it gives the same pairs.
 */
final class ShadowObservation {

  /**
   * @param championEvents labelled events the champion answered since the shadow began
   */
  record Seen(PairedOutcomes outcomes, long championEvents) {}

  private ShadowObservation() {}

  static Seen pair(
      List<LabelledEvents.Example> examples, String champion, String challenger, Task task) {
    PairedOutcomes outcomes =
        task == Task.REGRESSION
            ? PairedOutcomes.forRegression()
            : PairedOutcomes.forClassification();
    long championEvents = 0;
    for (LabelledEvents.Example example : examples) {
      TrainingExamples.Answers answers = example.answers();
      if (!champion.equals(answers.championVersion())) {
        continue;
      }
      championEvents++;
      PredictionSnapshots.Challenger shadow = answers.challenger();
      if (shadow == null || !challenger.equals(shadow.version())) {
        continue;
      }
      if (shadow.failed()) {
        outcomes.addChallengerFailure();
      } else if (task == Task.REGRESSION) {
        double truth = Double.parseDouble(answers.label());
        outcomes.addErrors(
            Math.abs(value(answers.championScores()) - truth),
            Math.abs(value(shadow.scores()) - truth));
      } else {
        String truth = answers.label();
        outcomes.add(
            truth.equals(answers.championLabel()),
            truth.equals(shadow.label()),
            answers.championScores().getOrDefault(truth, 0.0),
            shadow.scores().getOrDefault(truth, 0.0));
      }
    }
    return new Seen(outcomes, championEvents);
  }

  private static double value(Map<String, Double> scores) {
    return scores.values().stream().findFirst().orElse(Double.NaN);
  }
}

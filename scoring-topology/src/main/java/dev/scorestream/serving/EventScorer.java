package dev.scorestream.serving;

import dev.scorestream.deadletter.Reason;
import dev.scorestream.features.FeatureExtractor;
import dev.scorestream.model.ModelScorer;
import dev.scorestream.model.ScoreResult;
import dev.scorestream.validation.RecordValidator;
import dev.scorestream.validation.Violation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.generic.GenericRecord;
import org.tribuo.Example;
import org.tribuo.classification.Label;

/**
 * Sanitize, check rules, extract features, predict: everything between a decoded record and a
 * score. The stream, REST scoring and {@code scorer score} all go through this one class.
 * Thread-safe.
 */
public final class EventScorer {

  private final RecordValidator validator;
  private final FeatureExtractor extractor;
  private final ActiveModel model;

  public EventScorer(RecordValidator validator, FeatureExtractor extractor, ActiveModel model) {
    this.validator = validator;
    this.extractor = extractor;
    this.model = model;
  }

  public ActiveModel model() {
    return model;
  }

  public FeatureExtractor extractor() {
    return extractor;
  }

  public RecordValidator validator() {
    return validator;
  }

  /** The result for one record; sanitizes {@code record} in place. */
  public sealed interface Evaluated {
    /** The model that answered (or would have). */
    ModelScorer scorer();
  }

  /**
   * Valid and scored; {@code challenger} is the shadow model's answer, when there is one and it
   * worked.
   */
  public record Valid(ScoreResult result, ModelScorer scorer, Challenged challenger)
      implements Evaluated {}

  /** A challenger's answer for the same example. */
  public record Challenged(ScoreResult result, String version) {}

  /** Not scorable, with the dead-letter reason. */
  public record Invalid(
      Reason reason, List<String> rules, String message, Throwable cause, ModelScorer scorer)
      implements Evaluated {}

  public Evaluated evaluate(GenericRecord record) {
    ModelScorer scorer = model.current();
    List<Violation> violations = validator.sanitizeAndValidate(record);
    if (!violations.isEmpty()) {
      return new Invalid(
          Reason.RULE_VIOLATION,
          violations.stream().map(Violation::ruleId).toList(),
          describe(violations),
          null,
          scorer);
    }
    Example<Label> example = scorer.example(record, extractor);
    if (example.size() == 0 || !scorer.hasKnownFeature(example)) {
      return noFeatures(example, scorer);
    }
    ScoreResult result;
    try {
      result = scorer.score(example);
    } catch (RuntimeException e) {
      return new Invalid(
          Reason.SCORING_ERROR,
          List.of(),
          "model " + scorer.version() + " failed: " + e,
          e,
          scorer);
    }
    return new Valid(
        result,
        scorer,
        model.challenger().map(challenger -> shadow(challenger, record, result)).orElse(null));
  }

  /**
   * Evaluates a batch with one model, answers in the order of {@code records}: each record is
   * sanitized and checked like {@link #evaluate}, and the scorable ones are predicted in one call
   * ({@link ModelScorer#scoreAll}), which batch-hungry models need. When {@code target} is the
   * champion, the challenger scores in shadow as in the stream; a model that fails fails every row
   * of the batch.
   */
  public List<Evaluated> evaluateAll(List<GenericRecord> records, ModelScorer target) {
    Evaluated[] answers = new Evaluated[records.size()];
    List<Example<Label>> examples = new ArrayList<>(records.size());
    List<Integer> positions = new ArrayList<>(records.size());
    for (int i = 0; i < records.size(); i++) {
      List<Violation> violations = validator.sanitizeAndValidate(records.get(i));
      if (!violations.isEmpty()) {
        answers[i] =
            new Invalid(
                Reason.RULE_VIOLATION,
                violations.stream().map(Violation::ruleId).toList(),
                describe(violations),
                null,
                target);
        continue;
      }
      Example<Label> example = target.example(records.get(i), extractor);
      if (example.size() == 0 || !target.hasKnownFeature(example)) {
        answers[i] = noFeatures(example, target);
        continue;
      }
      examples.add(example);
      positions.add(i);
    }
    if (!examples.isEmpty()) {
      List<ScoreResult> results;
      try {
        results = target.scoreAll(examples);
      } catch (RuntimeException e) {
        for (int position : positions) {
          answers[position] =
              new Invalid(
                  Reason.SCORING_ERROR,
                  List.of(),
                  "model " + target.version() + " failed: " + e,
                  e,
                  target);
        }
        return Arrays.asList(answers);
      }
      ModelScorer challenger = target == model.current() ? model.challenger().orElse(null) : null;
      for (int j = 0; j < positions.size(); j++) {
        ScoreResult result = results.get(j);
        answers[positions.get(j)] =
            new Valid(
                result,
                target,
                challenger == null
                    ? null
                    : shadow(challenger, records.get(positions.get(j)), result));
      }
    }
    return Arrays.asList(answers);
  }

  private static Invalid noFeatures(Example<Label> example, ModelScorer scorer) {
    return new Invalid(
        Reason.NO_FEATURES,
        List.of(),
        "none of the record's "
            + example.size()
            + " features is known to model "
            + scorer.version(),
        null,
        scorer);
  }

  /**
   * Scores in shadow: a challenger that fails or knows no feature never affects the champion's
   * answer.
   */
  private Challenged shadow(ModelScorer challenger, GenericRecord record, ScoreResult champion) {
    try {
      Example<Label> example = challenger.example(record, extractor);
      if (!challenger.hasKnownFeature(example)) {
        model.recordChallengerFailure();
        return null;
      }
      ScoreResult result = challenger.score(example);
      model.recordChallenger(result.label().equals(champion.label()));
      return new Challenged(result, challenger.version());
    } catch (RuntimeException e) {
      model.recordChallengerFailure();
      return null;
    }
  }

  private static String describe(List<Violation> violations) {
    StringBuilder message =
        new StringBuilder()
            .append(violations.size())
            .append(violations.size() == 1 ? " rule violated: " : " rules violated: ");
    for (int i = 0; i < violations.size(); i++) {
      message.append(i == 0 ? "" : "; ").append(violations.get(i).message());
    }
    return message.toString();
  }
}

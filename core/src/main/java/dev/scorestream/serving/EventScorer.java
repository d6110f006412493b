package dev.scorestream.serving;

import dev.scorestream.enrichment.Enricher;
import dev.scorestream.features.FeatureExtractor;
import dev.scorestream.model.ModelScorer;
import dev.scorestream.model.ScoreResult;
import dev.scorestream.schemas.Reason;
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

  /** Where reference rows come from when no one said: nowhere. */
  private static final Enricher.Lookup NO_TABLES =
      (reference, key) -> {
        throw new Enricher.UnavailableException(
            "reference table "
                + reference.table()
                + " is not readable here: only a running pipeline holds the reference tables");
      };

  private final RecordValidator validator;
  private final FeatureExtractor extractor;
  private final ActiveModel model;
  private final Enricher enricher;
  private volatile Enricher.Lookup lookup = NO_TABLES;

  public EventScorer(RecordValidator validator, FeatureExtractor extractor, ActiveModel model) {
    this(validator, extractor, model, null);
  }

  /**
   * @param extractor features of the enriched schema when {@code enricher} is given
   * @param enricher reference lookups between the rules and the features, or null for none
   */
  public EventScorer(
      RecordValidator validator, FeatureExtractor extractor, ActiveModel model, Enricher enricher) {
    this.validator = validator;
    this.extractor = extractor;
    this.model = model;
    this.enricher = enricher;
  }

  /** The enrichment, or null. */
  public Enricher enricher() {
    return enricher;
  }

  /**
   * Where {@link #evaluate} and {@link #evaluateAll} (REST, gRPC) read reference rows: the
   * instance's copies of the reference tables. Until set, an enriched scorer refuses with {@link
   * Enricher.UnavailableException} rather than score without context.
   */
  public void lookUpIn(Enricher.Lookup lookup) {
    this.lookup = lookup;
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

  /**
   * A challenger's answer for the same example; {@code result} is null when it failed on it (the
   * shadow comparison counts that apart from a wrong answer).
   */
  public record Challenged(ScoreResult result, String version) {

    static Challenged failed(String version) {
      return new Challenged(null, version);
    }

    /** The challenger could not score the example. */
    public boolean failed() {
      return result == null;
    }
  }

  /** Not scorable, with the dead-letter reason. */
  public record Invalid(
      Reason reason, List<String> rules, String message, Throwable cause, ModelScorer scorer)
      implements Evaluated, Prepared {}

  /**
   * A record that passed sanitation, rules and features and waits for its model: what {@link
   * #scoreAll} takes. {@code record} is what the features were built from: the enriched record when
   * the scorer enriches.
   */
  public record Ready(GenericRecord record, Example<Label> example, ModelScorer scorer)
      implements Prepared {}

  /** What {@link #prepare} answers: ready for the model, or not scorable. */
  public sealed interface Prepared permits Ready, Invalid {}

  public Evaluated evaluate(GenericRecord record) {
    Prepared prepared = prepare(record, model.current());
    return prepared instanceof Ready ready ? scoreAll(List.of(ready)).get(0) : (Invalid) prepared;
  }

  /**
   * Everything before the model, for {@code target}: sanitizes {@code record} in place, checks the
   * rules, builds the example. A request is enriched as of now, and joins no entity's history.
   */
  public Prepared prepare(GenericRecord record, ModelScorer target) {
    return prepare(record, target, lookup, System.currentTimeMillis());
  }

  /**
   * As above, reading reference rows and entity histories from {@code rows} (the stream: the task's
   * own stores) for an event at {@code time} (the stream: its record timestamp).
   *
   * @throws Enricher.UnavailableException when a reference table or history cannot be read there
   */
  public Prepared prepare(
      GenericRecord record, ModelScorer target, Enricher.Lookup rows, long time) {
    List<Violation> violations = validator.sanitizeAndValidate(record);
    if (!violations.isEmpty()) {
      return new Invalid(
          Reason.RULE_VIOLATION,
          violations.stream().map(Violation::ruleId).toList(),
          describe(violations),
          null,
          target);
    }
    GenericRecord seen = record;
    if (enricher != null) {
      Enricher.Result enriched = enricher.enrich(record, time, rows);
      if (enriched instanceof Enricher.Missing missing) {
        return new Invalid(
            Reason.REFERENCE_MISSING,
            List.of(),
            "reference table "
                + missing.reference().table()
                + " (required) has no row for "
                + missing.reference().key()
                + " "
                + (missing.key() == null ? "null" : "'" + missing.key() + "'"),
            null,
            target);
      }
      seen = ((Enricher.Enriched) enriched).record();
    }
    Example<Label> example = target.example(seen, extractor);
    if (example.size() == 0 || !target.hasKnownFeature(example)) {
      return noFeatures(example, target);
    }
    return new Ready(seen, example, target);
  }

  /**
   * Predicts prepared records, answering in their order. Each run of records prepared for the same
   * model is predicted in one call ({@link ModelScorer#scoreAll}), which batch-hungry models need.
   * A batch the model refuses is retried one record at a time, so only the records the model fails
   * on become {@link Invalid}. Records prepared for the current champion are scored in shadow by
   * the challenger, in one call as well.
   */
  public List<Evaluated> scoreAll(List<Ready> ready) {
    Evaluated[] answers = new Evaluated[ready.size()];
    int from = 0;
    while (from < ready.size()) {
      ModelScorer target = ready.get(from).scorer();
      int to = from + 1;
      while (to < ready.size() && ready.get(to).scorer() == target) {
        to++;
      }
      List<Ready> run = ready.subList(from, to);
      List<Answer> results = predict(target, run.stream().map(Ready::example).toList());
      ModelScorer challenger = target == model.current() ? model.challenger().orElse(null) : null;
      List<Challenged> shadows = challenger == null ? null : shadow(challenger, run, results);
      for (int i = 0; i < run.size(); i++) {
        Answer answer = results.get(i);
        answers[from + i] =
            answer.failure() != null
                ? new Invalid(
                    Reason.SCORING_ERROR,
                    List.of(),
                    "model " + target.version() + " failed: " + answer.failure(),
                    answer.failure(),
                    target)
                : new Valid(answer.result(), target, shadows == null ? null : shadows.get(i));
      }
      from = to;
    }
    return Arrays.asList(answers);
  }

  /**
   * Evaluates a batch with one model, answers in the order of {@code records}: each record is
   * prepared like {@link #evaluate}, and the scorable ones are predicted as in {@link #scoreAll}.
   */
  public List<Evaluated> evaluateAll(List<GenericRecord> records, ModelScorer target) {
    Evaluated[] answers = new Evaluated[records.size()];
    List<Ready> ready = new ArrayList<>(records.size());
    List<Integer> positions = new ArrayList<>(records.size());
    for (int i = 0; i < records.size(); i++) {
      Prepared prepared = prepare(records.get(i), target);
      if (prepared instanceof Ready r) {
        ready.add(r);
        positions.add(i);
      } else {
        answers[i] = (Invalid) prepared;
      }
    }
    List<Evaluated> scored = scoreAll(ready);
    for (int j = 0; j < positions.size(); j++) {
      answers[positions.get(j)] = scored.get(j);
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

  /** A model's answer for one example: its result, or what it threw. */
  private record Answer(ScoreResult result, RuntimeException failure) {}

  /**
   * Predicts {@code examples} in one call; when the model refuses the batch, one at a time, so a
   * failure belongs to the examples that cause it.
   */
  private static List<Answer> predict(ModelScorer target, List<Example<Label>> examples) {
    List<Answer> answers = new ArrayList<>(examples.size());
    if (examples.size() > 1) {
      try {
        target.scoreAll(examples).forEach(result -> answers.add(new Answer(result, null)));
        return answers;
      } catch (RuntimeException batchFailed) {
        answers.clear();
      }
    }
    for (Example<Label> example : examples) {
      try {
        answers.add(new Answer(target.score(example), null));
      } catch (RuntimeException e) {
        answers.add(new Answer(null, e));
      }
    }
    return answers;
  }

  /**
   * Scores in shadow, in one call for the run: a challenger that fails or knows no feature never
   * affects the champion's answer (its entry says it failed; null where the champion failed).
   */
  private List<Challenged> shadow(ModelScorer challenger, List<Ready> run, List<Answer> champion) {
    Challenged[] shadows = new Challenged[run.size()];
    List<Example<Label>> examples = new ArrayList<>(run.size());
    List<Integer> positions = new ArrayList<>(run.size());
    for (int i = 0; i < run.size(); i++) {
      if (champion.get(i).failure() != null) {
        continue;
      }
      Example<Label> example;
      try {
        example = challenger.example(run.get(i).record(), extractor);
      } catch (RuntimeException e) {
        model.recordChallengerFailure();
        shadows[i] = Challenged.failed(challenger.version());
        continue;
      }
      if (!challenger.hasKnownFeature(example)) {
        model.recordChallengerFailure();
        shadows[i] = Challenged.failed(challenger.version());
        continue;
      }
      examples.add(example);
      positions.add(i);
    }
    List<Answer> answers = predict(challenger, examples);
    for (int j = 0; j < positions.size(); j++) {
      int i = positions.get(j);
      Answer answer = answers.get(j);
      if (answer.failure() != null) {
        model.recordChallengerFailure();
        shadows[i] = Challenged.failed(challenger.version());
        continue;
      }
      model.recordChallenger(answer.result().label().equals(champion.get(i).result().label()));
      shadows[i] = new Challenged(answer.result(), challenger.version());
    }
    return Arrays.asList(shadows);
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

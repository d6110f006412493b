package dev.scorestream.retraining;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.scorestream.feedback.PredictionSnapshots.Challenger;
import dev.scorestream.feedback.TrainingExamples;
import dev.scorestream.model.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * The shadow pairs the labelled events that the given champion and the given challenger both
 * answered; the challenger's failures are counted apart, and everything else is left out.
 */
class ShadowObservationTest {

  static final String CHAMPION = "v1";
  static final String CHALLENGER = "v2";

  static LabelledEvents.Example example(
      String truth,
      String champion,
      String championLabel,
      Map<String, Double> championScores,
      Challenger challenger) {
    return new LabelledEvents.Example(
        null,
        "e",
        0L,
        0,
        0L,
        new TrainingExamples.Answers(truth, champion, championLabel, championScores, challenger));
  }

  static Map<String, Double> fraud(double probability) {
    return Map.of("FRAUD", probability, "LEGIT", 1 - probability);
  }

  static Challenger answered(String version, String label, double fraud) {
    return new Challenger(version, label, fraud(fraud));
  }

  static Challenger failed(String version) {
    return new Challenger(version, null, Map.of());
  }

  @Test
  void shouldPairOnlyTheEventsOfTheGivenChampionAndChallenger() {
    List<LabelledEvents.Example> examples =
        List.of(
            example("FRAUD", CHAMPION, "FRAUD", fraud(0.8), answered(CHALLENGER, "LEGIT", 0.3)),
            example("LEGIT", CHAMPION, "FRAUD", fraud(0.6), answered(CHALLENGER, "LEGIT", 0.1)),
            example("FRAUD", CHAMPION, "FRAUD", fraud(0.9), answered(CHALLENGER, "FRAUD", 0.7)),
            example("FRAUD", CHAMPION, "LEGIT", fraud(0.4), answered(CHALLENGER, "LEGIT", 0.2)),
            example("FRAUD", CHAMPION, "FRAUD", fraud(0.9), null),
            example("FRAUD", CHAMPION, "FRAUD", fraud(0.9), answered("v3", "FRAUD", 0.9)),
            example("FRAUD", "v0", "FRAUD", fraud(0.9), answered(CHALLENGER, "FRAUD", 0.9)),
            example("FRAUD", CHAMPION, "FRAUD", fraud(0.9), failed(CHALLENGER)),
            example("FRAUD", "v0", "FRAUD", fraud(0.9), failed(CHALLENGER)));

    ShadowObservation.Seen seen =
        ShadowObservation.pair(examples, CHAMPION, CHALLENGER, Task.CLASSIFICATION);

    assertThat(seen.championEvents()).as("every event the champion v1 answered").isEqualTo(7);
    assertThat(seen.outcomes().counts()).isEqualTo(new ModelEvent.PairCounts(4, 1, 1, 1, 1, 1));
    double[] differences = seen.outcomes().differences();
    assertThat(differences).hasSize(4);
    assertThat(differences[0])
        .as("the champion's log loss of the truth minus the challenger's")
        .isCloseTo(-Math.log(0.8) + Math.log(0.3), within(1e-12));
    assertThat(differences[1]).isCloseTo(-Math.log(0.4) + Math.log(0.9), within(1e-12));
    assertThat(seen.outcomes().failureShare()).isCloseTo(1.0 / 5, within(1e-12));
  }

  /** A regression event: the truth, the champion's value, the challenger's value (null: failed). */
  static LabelledEvents.Example regression(double truth, double champion, Double challenger) {
    return example(
        Double.toString(truth),
        CHAMPION,
        null,
        Map.of("value", champion),
        challenger == null
            ? failed(CHALLENGER)
            : new Challenger(CHALLENGER, challenger.toString(), Map.of("value", challenger)));
  }

  @Test
  void shouldPairRegressionAnswersByTheirErrors() {
    List<LabelledEvents.Example> examples =
        List.of(regression(10.0, 12.0, 9.0), regression(5.0, 4.0, 8.0), regression(5.0, 4.0, null));

    ShadowObservation.Seen seen =
        ShadowObservation.pair(examples, CHAMPION, CHALLENGER, Task.REGRESSION);

    assertThat(seen.outcomes().regression()).isTrue();
    assertThat(seen.outcomes().differences())
        .as("squared errors, champion minus challenger")
        .containsExactly(new double[] {4.0 - 1.0, 1.0 - 9.0}, within(1e-12));
    assertThat(seen.outcomes().counts()).isEqualTo(new ModelEvent.PairCounts(2, 0, 0, 0, 0, 1));
    assertThat(seen.championEvents()).isEqualTo(3);
  }

  @Property(tries = 300)
  void shouldCountEachEventOfTheChampionOnceAndPairOnlyThoseTheChallengerAnswered(
      @ForAll @Size(max = 60) List<LabelledEvents.@From("examples") Example> examples) {
    ShadowObservation.Seen seen =
        ShadowObservation.pair(examples, CHAMPION, CHALLENGER, Task.CLASSIFICATION);

    List<LabelledEvents.Example> ours = new ArrayList<>();
    for (LabelledEvents.Example example : examples) {
      Challenger shadow = example.answers().challenger();
      if (CHAMPION.equals(example.answers().championVersion())
          && shadow != null
          && CHALLENGER.equals(shadow.version())) {
        ours.add(example);
      }
    }
    long failures = ours.stream().filter(e -> e.answers().challenger().failed()).count();
    ModelEvent.PairCounts counts = seen.outcomes().counts();
    assertThat(seen.championEvents())
        .isEqualTo(
            examples.stream().filter(e -> CHAMPION.equals(e.answers().championVersion())).count());
    assertThat(counts.challengerFailed()).isEqualTo(failures);
    assertThat(counts.paired()).isEqualTo(ours.size() - failures);
    assertThat(
            counts.bothCorrect()
                + counts.championOnly()
                + counts.challengerOnly()
                + counts.bothWrong())
        .isEqualTo(counts.paired());
  }

  @Provide
  Arbitrary<LabelledEvents.Example> examples() {
    Arbitrary<String> labels = Arbitraries.of("FRAUD", "LEGIT");
    Arbitrary<Double> probabilities = Arbitraries.doubles().between(0, 1);
    Arbitrary<Challenger> challengers =
        Arbitraries.oneOf(
            Arbitraries.just(null),
            Arbitraries.of(CHALLENGER, "v3").map(ShadowObservationTest::failed),
            Combinators.combine(Arbitraries.of(CHALLENGER, "v3"), labels, probabilities)
                .as(ShadowObservationTest::answered));
    return Combinators.combine(
            labels, Arbitraries.of(CHAMPION, "v0"), labels, probabilities, challengers)
        .as(
            (truth, champion, predicted, probability, challenger) ->
                example(truth, champion, predicted, fraud(probability), challenger));
  }
}

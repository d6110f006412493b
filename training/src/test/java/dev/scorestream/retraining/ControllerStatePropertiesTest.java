package dev.scorestream.retraining;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.retraining.ModelEvent.ActorKind;
import dev.scorestream.retraining.ModelEvent.Cause;
import dev.scorestream.retraining.ModelEvent.CauseKind;
import dev.scorestream.retraining.ModelEvent.GateResult;
import dev.scorestream.retraining.ModelEvent.Type;
import dev.scorestream.retraining.ModelEvent.Verdict;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * Whatever records a trail holds, in whatever order (a buggy actor, a zombie's late write, a
 * person's hand), the fold never accepts a second promotion of a version, nor a promotion that
 * neither passed both gates nor came from a person.
 */
class ControllerStatePropertiesTest {

  /** The order of a candidate's life, which most steps of a generated trail follow. */
  static final Type[] LIFE = {
    Type.TRIGGERED,
    Type.TRAINED,
    Type.SHADOW_STARTED,
    Type.SHADOW_CHECKED,
    Type.PROMOTING,
    Type.PROMOTED,
    Type.CONFIRMED
  };

  /** One generated record: the next step of a life, or any type at all. */
  record Step(
      boolean inOrder,
      Type anyType,
      String version,
      boolean passed,
      Verdict verdict,
      ActorKind actor,
      String causeId) {}

  @Provide
  Arbitrary<List<ModelEvent>> trails() {
    Arbitrary<Step> steps =
        Combinators.combine(
                Arbitraries.of(true, true, true, false),
                Arbitraries.of(Type.values()),
                Arbitraries.of("v2", "v2", "v2", "v3"),
                Arbitraries.of(true, true, true, false),
                Arbitraries.of(Verdict.PROMOTE, Verdict.PROMOTE, Verdict.CONTINUE, Verdict.REJECT),
                Arbitraries.of(ActorKind.CONTROLLER, ActorKind.CONTROLLER, ActorKind.PERSON),
                Arbitraries.of("trigger-1", "trigger-1", "trigger-1", "trigger-2"))
            .as(Step::new);
    return steps.list().ofMaxSize(40).map(ControllerStatePropertiesTest::records);
  }

  static List<ModelEvent> records(List<Step> steps) {
    List<ModelEvent> trail = new ArrayList<>();
    int life = 0;
    for (Step step : steps) {
      Type type = step.inOrder() ? LIFE[life++ % LIFE.length] : step.anyType();
      trail.add(
          TrailEvents.of(type)
              .candidate(step.version())
              .previous("v1")
              .gates(step.passed() ? TrailEvents.PASSED : TrailEvents.FAILED)
              .shadow(step.verdict(), 1)
              .by(step.actor() == ActorKind.PERSON ? TrailEvents.PERSON : TrailEvents.CONTROLLER)
              .cause(new Cause(step.causeId(), CauseKind.DRIFT, "key-" + step.causeId(), ""))
              .build());
    }
    return trail;
  }

  @Property(tries = 3000)
  void shouldNeverPromoteTwiceNorWithoutBothGatesOrAPerson(
      @ForAll("trails") List<ModelEvent> trail) {
    ControllerState state = ControllerState.initial();
    Map<String, Integer> promotions = new HashMap<>();
    int byController = 0;
    for (int i = 0; i < trail.size(); i++) {
      ModelEvent event = trail.get(i);
      ControllerState next = state.apply(event);
      if (!next.promoted().equals(state.promoted())) {
        String version = event.versions().candidate();
        assertThat(event.type()).isEqualTo(Type.PROMOTED);
        assertThat(state.mayPromote(version)).isTrue();
        assertThat(promotions.merge(version, 1, Integer::sum)).as(version).isEqualTo(1);
        List<ModelEvent> before = trail.subList(0, i);
        boolean person = byPerson(before, version);
        assertThat(person || passedBothGates(before, version)).as(version).isTrue();
        byController += person ? 0 : 1;
      }
      state = next;
    }
    int controllerPromotions = byController;
    Statistics.label("controller promotions")
        .collect(controllerPromotions > 0)
        .coverage(check -> check.check(true).percentage(share -> share > 5));
  }

  static boolean byPerson(List<ModelEvent> trail, String version) {
    return trail.stream()
        .anyMatch(
            e ->
                e.type() == Type.PROMOTING
                    && e.actor().kind() == ActorKind.PERSON
                    && version.equals(e.versions().candidate()));
  }

  static boolean passedBothGates(List<ModelEvent> trail, String version) {
    boolean gateOne =
        trail.stream()
            .anyMatch(
                e ->
                    e.type() == Type.TRAINED
                        && version.equals(e.versions().candidate())
                        && !e.gates().isEmpty()
                        && e.gates().stream().allMatch(GateResult::passed));
    boolean shadowed =
        trail.stream()
            .anyMatch(
                e -> e.type() == Type.SHADOW_STARTED && version.equals(e.versions().candidate()));
    boolean gateTwo =
        trail.stream()
            .anyMatch(
                e ->
                    (e.type() == Type.SHADOW_CHECKED || e.type() == Type.PROMOTING)
                        && version.equals(e.versions().candidate())
                        && e.shadow() != null
                        && e.shadow().verdict() == Verdict.PROMOTE);
    return gateOne && shadowed && gateTwo;
  }
}

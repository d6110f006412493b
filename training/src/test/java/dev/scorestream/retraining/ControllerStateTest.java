package dev.scorestream.retraining;

import static dev.scorestream.retraining.TrailEvents.FAILED;
import static dev.scorestream.retraining.TrailEvents.LIVE;
import static dev.scorestream.retraining.TrailEvents.OFFSETS;
import static dev.scorestream.retraining.TrailEvents.PASSED;
import static dev.scorestream.retraining.TrailEvents.PERSON;
import static dev.scorestream.retraining.TrailEvents.at;
import static dev.scorestream.retraining.TrailEvents.happyTrail;
import static dev.scorestream.retraining.TrailEvents.of;
import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.retraining.ControllerState.Gated;
import dev.scorestream.retraining.ControllerState.Idle;
import dev.scorestream.retraining.ControllerState.Promoting;
import dev.scorestream.retraining.ControllerState.RollingBack;
import dev.scorestream.retraining.ControllerState.Shadowing;
import dev.scorestream.retraining.ControllerState.Training;
import dev.scorestream.retraining.ControllerState.Watching;
import dev.scorestream.retraining.ModelEvent.ActorKind;
import dev.scorestream.retraining.ModelEvent.Cause;
import dev.scorestream.retraining.ModelEvent.CauseKind;
import dev.scorestream.retraining.ModelEvent.Type;
import dev.scorestream.retraining.ModelEvent.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ControllerStateTest {

  static ControllerState fold(List<ModelEvent> trail) {
    return ControllerState.fold(trail);
  }

  static List<ModelEvent> plus(List<ModelEvent> trail, ModelEvent... more) {
    List<ModelEvent> all = new ArrayList<>(trail);
    all.addAll(List.of(more));
    return all;
  }

  /** How many PROMOTED records the fold accepted, per the guard it offers. */
  static long acceptedPromotions(List<ModelEvent> trail, String version) {
    ControllerState state = ControllerState.initial();
    long accepted = 0;
    for (ModelEvent event : trail) {
      ControllerState next = state.apply(event);
      if (event.type() == Type.PROMOTED
          && version.equals(event.versions().candidate())
          && next.phase() instanceof Watching watching
          && watching.version().equals(version)
          && !(state.phase() instanceof Watching)) {
        accepted++;
      }
      state = next;
    }
    return accepted;
  }

  @Test
  void shouldStandWhereTheTrailWasCutAtEveryCrashPoint() {
    List<ModelEvent> trail = happyTrail();
    List<String> phases = new ArrayList<>();
    for (int cut = 0; cut <= trail.size(); cut++) {
      phases.add(fold(trail.subList(0, cut)).phase().label());
    }

    assertThat(phases)
        .containsExactly(
            "idle",
            "training",
            "gated",
            "shadowing",
            "shadowing",
            "shadowing",
            "promoting",
            "watching",
            "idle");
    assertThat(fold(trail.subList(0, 1)).phase()).isEqualTo(new Training(trail.get(0)));
    assertThat(fold(trail.subList(0, 2)).phase()).isEqualTo(new Gated(trail.get(1)));
    Shadowing started = (Shadowing) fold(trail.subList(0, 3)).phase();
    assertThat(started)
        .isEqualTo(new Shadowing("v2", at(100), OFFSETS, trail.get(2).artifact(), LIVE, null, 0));
    assertThat(((Shadowing) fold(trail.subList(0, 4)).phase()).lastVerdict())
        .isEqualTo(Verdict.CONTINUE);
    Shadowing decided = (Shadowing) fold(trail.subList(0, 5)).phase();
    assertThat(decided.lastVerdict()).isEqualTo(Verdict.PROMOTE);
    assertThat(decided.look()).isEqualTo(2);
    assertThat(decided.since()).as("the time limit counts from the start").isEqualTo(at(100));
    assertThat(fold(trail.subList(0, 6)).phase())
        .isEqualTo(
            new Promoting(
                "v2",
                "v1",
                trail.get(5).artifact(),
                LIVE,
                ActorKind.CONTROLLER,
                Map.of("watch.reference.accuracy", 0.91)));
    assertThat(fold(trail.subList(0, 7)).phase())
        .isEqualTo(
            new Watching("v2", "v1", at(320), Map.of("watch.reference.accuracy", 0.91), LIVE));
    for (int cut = 0; cut <= trail.size(); cut++) {
      assertThat(fold(trail.subList(0, cut)).ignored()).as("cut " + cut).isEmpty();
    }
  }

  @Test
  void shouldAllowPromotionOnlyInPromotingAndOnlyOnce() {
    List<ModelEvent> trail = happyTrail();

    for (int cut = 0; cut <= trail.size(); cut++) {
      assertThat(fold(trail.subList(0, cut)).mayPromote("v2")).as("cut " + cut).isEqualTo(cut == 6);
    }
    assertThat(fold(trail.subList(0, 6)).mayPromote("v3")).isFalse();
    assertThat(fold(trail.subList(0, 6)).champion()).isEqualTo("v1");
    assertThat(fold(trail.subList(0, 7)).champion()).isEqualTo("v2");
    assertThat(fold(trail.subList(0, 7)).promoted()).containsExactly("v2");
  }

  @Test
  void shouldPromoteExactlyOnceWhereverALeaderCrashesAndAZombieWritesLate() {
    List<ModelEvent> happy = happyTrail();
    ModelEvent zombiePromoted = happy.get(6);
    // From cut 1: before the TRIGGERED there is nothing to resume.
    for (int cut = 1; cut <= happy.size(); cut++) {
      List<ModelEvent> trail = new ArrayList<>(happy.subList(0, cut));
      // The new leader resumes from the fold, and the fenced old one's PROMOTED lands anyway.
      trail.addAll(resume(fold(trail)));
      trail.add(zombiePromoted);
      trail.addAll(resume(fold(trail)));

      assertThat(acceptedPromotions(trail, "v2")).as("cut " + cut).isEqualTo(1);
      ControllerState end = fold(trail);
      assertThat(end.phase()).as("cut " + cut).isInstanceOf(Idle.class);
      assertThat(end.champion()).isEqualTo("v2");
      assertThat(end.mayPromote("v2")).isFalse();
    }
  }

  /** What a leader writes from a folded state until the loop is idle: the design's table. */
  static List<ModelEvent> resume(ControllerState start) {
    List<ModelEvent> written = new ArrayList<>();
    ControllerState state = start;
    for (int step = 0; step < 10 && !(state.phase() instanceof Idle); step++) {
      ModelEvent next =
          switch (state.phase().label()) {
            case "training" -> of(Type.TRAINED).at(500).candidate("v2").gates(PASSED).build();
            case "gated" ->
                of(Type.SHADOW_STARTED).at(510).candidate("v2").shadow(Verdict.CONTINUE, 0).build();
            case "shadowing" ->
                ((Shadowing) state.phase()).lastVerdict() == Verdict.PROMOTE
                    ? of(Type.PROMOTING).at(530).candidate("v2").previous("v1").build()
                    : of(Type.SHADOW_CHECKED)
                        .at(520)
                        .candidate("v2")
                        .shadow(Verdict.PROMOTE, 1)
                        .build();
            case "promoting" -> {
              assertThat(state.mayPromote("v2")).isTrue();
              yield of(Type.PROMOTED).at(540).candidate("v2").build();
            }
            default -> of(Type.CONFIRMED).at(900).champion("v2").candidate("v2").build();
          };
      written.add(next);
      state = state.apply(next);
    }
    return written;
  }

  @Test
  void shouldNeverShadowACandidateThatFailedGateOne() {
    List<ModelEvent> trail =
        List.of(
            of(Type.TRIGGERED).at(10).build(),
            of(Type.TRAINED).at(20).candidate("v2").gates(FAILED).build(),
            of(Type.SHADOW_STARTED).at(30).candidate("v2").build(),
            of(Type.SHADOW_CHECKED).at(40).candidate("v2").shadow(Verdict.PROMOTE, 1).build(),
            of(Type.PROMOTING).at(50).candidate("v2").shadow(Verdict.PROMOTE, 1).build(),
            of(Type.PROMOTED).at(60).candidate("v2").build());

    ControllerState state = fold(trail);

    assertThat(state.phase()).isInstanceOf(Gated.class);
    assertThat(((Gated) state.phase()).passed()).isFalse();
    assertThat(state.promoted()).isEmpty();
    assertThat(state.champion()).isEqualTo("v1");
    assertThat(state.ignored()).hasSize(4);
    assertThat(state.ignored().get(0)).contains("did not pass gate 1");
    assertThat(new Gated(of(Type.TRAINED).candidate("v2").build()).passed())
        .as("no gate recorded is no gate passed")
        .isFalse();
  }

  @Test
  void shouldNotLetTheControllerPromoteWithoutAPromoteVerdict() {
    List<ModelEvent> shadowing = happyTrail().subList(0, 4);

    ControllerState state =
        fold(plus(shadowing, of(Type.PROMOTING).at(250).candidate("v2").build()));

    assertThat(state.phase()).isInstanceOf(Shadowing.class);
    assertThat(state.mayPromote("v2")).isFalse();
    assertThat(state.ignored()).singleElement().asString().contains("no PROMOTE verdict");
  }

  @Test
  void shouldLetAPersonPromoteWhatever() {
    List<ModelEvent> trail =
        List.of(
            of(Type.RESUMED).at(1).build(),
            of(Type.PROMOTING).at(5).candidate("v9").by(PERSON).cause(null).build());

    ControllerState promoting = fold(trail);

    assertThat(promoting.mayPromote("v9")).isTrue();
    assertThat(((Promoting) promoting.phase()).authorizedBy()).isEqualTo(ActorKind.PERSON);
    ControllerState watching =
        promoting.apply(of(Type.PROMOTED).at(6).candidate("v9").by(PERSON).build());
    assertThat(watching.phase()).isInstanceOf(Watching.class);
    assertThat(((Watching) watching.phase()).previous()).isEqualTo("v1");
    assertThat(watching.champion()).isEqualTo("v9");

    ControllerState midShadow =
        fold(
            plus(
                happyTrail().subList(0, 4),
                of(Type.PROMOTING).at(250).candidate("v2").by(PERSON).build()));
    assertThat(midShadow.mayPromote("v2"))
        .as("a person may promote a challenger before the test decides")
        .isTrue();
  }

  @Test
  void shouldNeverPromoteAVersionTwice() {
    List<ModelEvent> done = happyTrail();

    ControllerState again =
        fold(
            plus(
                done,
                of(Type.PROMOTING).at(1000).candidate("v2").by(PERSON).build(),
                of(Type.PROMOTED).at(1001).candidate("v2").by(PERSON).build()));

    assertThat(again.phase()).isInstanceOf(Idle.class);
    assertThat(again.mayPromote("v2")).isFalse();
    assertThat(again.ignored()).hasSize(2);
    assertThat(acceptedPromotions(plus(done, done.get(6)), "v2")).isEqualTo(1);
  }

  @Test
  void shouldCoolACauseDownAfterItsCandidateIsRejected() {
    List<ModelEvent> trail =
        List.of(
            of(Type.TRIGGERED).at(10).build(),
            of(Type.TRAINED).at(20).candidate("v2").gates(FAILED).build(),
            of(Type.REJECTED).at(20).candidate("v2").build());

    ControllerState state = fold(trail);
    Duration hour = Duration.ofHours(1);

    assertThat(state.phase()).isInstanceOf(Idle.class);
    assertThat(state.rejectedAt()).containsEntry("live:v1:accuracy", at(20));
    assertThat(state.coolingDown("live:v1:accuracy", at(20).plus(hour).minusMillis(1), hour))
        .isTrue();
    assertThat(state.coolingDown("live:v1:accuracy", at(20).plus(hour), hour)).isFalse();
    assertThat(state.coolingDown("drift:v1:amount", at(21), hour)).isFalse();
    assertThat(state.openCause())
        .as("a rejection answers no trigger")
        .isEqualTo(new ControllerState.OpenCause(LIVE, at(10)));
  }

  @Test
  void shouldRejectAShadowAndATrainingThatFailed() {
    ControllerState shadow =
        fold(plus(happyTrail().subList(0, 4), of(Type.REJECTED).at(400).candidate("v2").build()));
    assertThat(shadow.phase()).isInstanceOf(Idle.class);
    assertThat(shadow.rejectedAt()).containsKey(LIVE.key());

    ControllerState expired =
        fold(plus(happyTrail().subList(0, 1), of(Type.REJECTED).at(11).build()));
    assertThat(expired.phase()).as("DATA_EXPIRED before any candidate").isInstanceOf(Idle.class);

    ControllerState other =
        fold(plus(happyTrail().subList(0, 4), of(Type.REJECTED).at(400).candidate("v7").build()));
    assertThat(other.phase()).as("a rejection of another version").isInstanceOf(Shadowing.class);
  }

  @Test
  void shouldRollBackFromTheWatchAndRestoreThePreviousChampion() {
    List<ModelEvent> trail =
        plus(
            happyTrail().subList(0, 7),
            of(Type.ROLLING_BACK).at(700).champion("v2").previous("v1").build(),
            of(Type.ROLLED_BACK).at(710).champion("v2").previous("v1").build());

    ControllerState rollingBack = fold(trail.subList(0, 8));
    assertThat(rollingBack.phase()).isEqualTo(new RollingBack("v2", "v1", null, LIVE));
    ControllerState done = fold(trail);

    assertThat(done.phase()).isInstanceOf(Idle.class);
    assertThat(done.champion()).isEqualTo("v1");
    assertThat(done.rejectedAt()).containsEntry(LIVE.key(), at(710));
    assertThat(done.openCause()).as("no accepted model yet").isNotNull();
    assertThat(done.promoted()).containsExactly("v2");
  }

  @Test
  void shouldLetOnlyAPersonRollBackAChampionOutsideAWatch() {
    List<ModelEvent> idle = happyTrail();

    ControllerState controller =
        fold(plus(idle, of(Type.ROLLING_BACK).at(1000).champion("v2").previous("v1").build()));
    ControllerState person =
        fold(
            plus(
                idle,
                of(Type.ROLLING_BACK).at(1000).champion("v2").previous("v1").by(PERSON).build(),
                of(Type.ROLLED_BACK).at(1001).by(PERSON).build()));

    assertThat(controller.phase()).isInstanceOf(Idle.class);
    assertThat(controller.ignored()).hasSize(1);
    assertThat(person.champion()).isEqualTo("v1");
    assertThat(person.ignored()).isEmpty();
  }

  @Test
  void shouldKeepTheEarliestUnansweredTriggerOpenUntilAModelIsConfirmed() {
    Cause drift = new Cause("trigger-2", CauseKind.DRIFT, "drift:v1:amount", "amount drifts");
    List<ModelEvent> trail =
        plus(
            List.of(
                of(Type.TRIGGERED).at(10).build(),
                of(Type.REJECTED).at(11).build(),
                of(Type.TRIGGERED).at(50).cause(drift).build()),
            happyTrail().subList(1, 8).stream()
                .map(e -> e.cause() == null ? e : withCause(e, drift))
                .toArray(ModelEvent[]::new));

    assertThat(fold(trail.subList(0, 3)).openCause())
        .isEqualTo(new ControllerState.OpenCause(LIVE, at(10)));
    assertThat(fold(trail.subList(0, 3)).lastTriggered())
        .containsEntry(CauseKind.LIVE_QUALITY, at(10))
        .containsEntry(CauseKind.DRIFT, at(50));
    assertThat(fold(trail.subList(0, trail.size() - 1)).openCause()).isNotNull();
    assertThat(fold(trail).openCause()).isNull();
  }

  static ModelEvent withCause(ModelEvent e, Cause cause) {
    return new ModelEvent(
        e.eventId(),
        e.modelName(),
        e.type(),
        e.at(),
        cause,
        e.versions(),
        e.artifact(),
        e.data(),
        e.metrics(),
        e.gates(),
        e.shadow(),
        e.reason(),
        e.actor(),
        e.policyDigest(),
        e.appVersion());
  }

  @Test
  void shouldIgnoreASecondTriggerWhileACandidateIsInFlight() {
    ControllerState state =
        fold(plus(happyTrail().subList(0, 3), of(Type.TRIGGERED).at(150).build()));

    assertThat(state.phase()).isInstanceOf(Shadowing.class);
    assertThat(state.ignored())
        .singleElement()
        .asString()
        .contains("already in flight (shadowing)");
    assertThat(state.idle()).isFalse();
  }

  @Test
  void shouldAdoptAChampionPublishedByHand() {
    ControllerState state =
        fold(plus(happyTrail(), of(Type.RESUMED).at(2000).champion("v7").build()));

    assertThat(state.champion()).isEqualTo("v7");
    assertThat(state.phase()).isInstanceOf(Idle.class);
  }

  @Test
  void shouldRememberOnlyTheLatestIgnoredRecords() {
    List<ModelEvent> trail = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      trail.add(of(Type.PROMOTED).at(i).candidate("v" + i).build());
    }

    ControllerState state = fold(trail);

    assertThat(state.ignored()).hasSize(ControllerState.IGNORED_KEPT);
    assertThat(state.ignored().get(19)).startsWith("PROMOTED " + trail.get(24).eventId());
  }
}

package dev.scorestream.retraining;

import dev.scorestream.model.ArtifactManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the controller does in each phase of the loop, one step at a time. Each step that decides
 * something first commits the record of it, then acts on the files, so a crash between the two is
 * finished by whoever leads next (the step is idempotent); a step whose record was fenced acts on
 * nothing.
 */
final class LoopSteps {

  private static final Logger LOG = LoggerFactory.getLogger(LoopSteps.class);

  /** Commits records to the trail under the lease, in one transaction. */
  @FunctionalInterface
  interface Writer {
    void write(List<ModelEvent> events);
  }

  private final LoopContext context;
  private final Writer writer;
  private final Consumer<String> log;

  LoopSteps(LoopContext context, Writer writer, Consumer<String> log) {
    this.context = context;
    this.writer = writer;
    this.log = log;
  }

  /** Idle: adopt a champion published by hand, or fire a trigger. */
  void idle(ControllerState state, int triggered) {
    Champions.Champion champion = context.champions().current();
    ModelEvent.Versions versions = new ModelEvent.Versions(champion.version(), null, null);
    if (state.champion() != null && !state.champion().equals(champion.version())) {
      write(
          context
              .decisions()
              .of(ModelEvent.Type.RESUMED, null, versions)
              .artifact(new ModelEvent.ArtifactRef(champion.directory(), champion.digest()))
              .reason("ADOPTED " + champion.version() + " serves, published outside the loop")
              .build());
      return;
    }
    TriggerEvaluator.Evaluation evaluation = context.triggers().evaluate(state, champion);
    evaluation.suppressed().forEach(s -> LOG.debug("trigger held back: {}", s));
    if (!evaluation.fires()) {
      return;
    }
    TriggerEvaluator.Firing firing = evaluation.fired();
    trigger(firing.kind(), firing.key(), firing.detail(), champion, triggered);
  }

  /**
   * Records that this controller took over a loop in flight: a shadow goes on from the offsets it
   * pinned, a training starts over on the rows its trigger pinned, a publication is finished.
   */
  void resumed(ControllerState state) {
    ControllerState.Phase phase = state.phase();
    String candidate = null;
    String since = "";
    if (phase instanceof ControllerState.Training training) {
      candidate = training.trigger().versions().candidate();
      since = " triggered at " + training.trigger().at();
    } else if (phase instanceof ControllerState.Gated gated) {
      candidate = gated.trained().versions().candidate();
    } else if (phase instanceof ControllerState.Shadowing shadowing) {
      candidate = shadowing.candidate();
      since = " since " + shadowing.since();
    } else if (phase instanceof ControllerState.Promoting promoting) {
      candidate = promoting.version();
    } else if (phase instanceof ControllerState.Watching watching) {
      candidate = watching.version();
      since = " since " + watching.since();
    } else if (phase instanceof ControllerState.RollingBack rollingBack) {
      candidate = rollingBack.to();
    }
    write(
        context
            .decisions()
            .of(
                ModelEvent.Type.RESUMED,
                null,
                new ModelEvent.Versions(state.champion(), candidate, null))
            .reason("RESUMED " + phase.label() + " of " + candidate + since)
            .build());
    log.accept("resumed " + phase.label() + " of " + candidate + since);
  }

  /** Records a TRIGGERED decision with the data it pins: the training window up to now. */
  void trigger(
      ModelEvent.CauseKind kind,
      String key,
      String detail,
      Champions.Champion champion,
      int triggered) {
    String candidate = context.policy().model() + "-r" + (triggered + 1);
    String topic = context.topics().training();
    Instant since = context.clock().instant().minus(context.policy().data().window());
    ModelEvent.DataCoordinates window =
        new ModelEvent.DataCoordinates(
            topic,
            context.ranges().upToNow(topic, since),
            new ModelEvent.Counts(0, 0, 0, 0, 0, 0),
            null,
            Map.of(),
            new ModelEvent.Seeds(
                context.policy().perturb().seed(), context.policy().trainer().seed()),
            context.policy().trainer().kind().code(),
            "");
    write(
        context
            .decisions()
            .triggered(
                kind, key, detail, new ModelEvent.Versions(champion.version(), candidate, null))
            .data(window)
            .reason("TRIGGERED " + detail)
            .build());
    log.accept("triggered (" + kind + "): " + detail + "; candidate " + candidate);
  }

  /** Training: make the candidate from the pinned rows and hold it to gate 1. */
  void train(ControllerState.Training training) throws IOException {
    ModelEvent trigger = training.trigger();
    Champions.Champion champion = context.champions().current();
    ModelEvent.Versions versions =
        new ModelEvent.Versions(champion.version(), trigger.versions().candidate(), null);
    List<ModelEvent.OffsetRange> ranges = trigger.data().ranges();
    if (!context.ranges().stillHeld(trigger.data().topic(), ranges)) {
      write(
          context
              .decisions()
              .of(ModelEvent.Type.REJECTED, trigger.cause(), versions)
              .reason("DATA_EXPIRED the pinned offsets are no longer in " + trigger.data().topic())
              .build());
      return;
    }
    LabelledEvents.Read read =
        context.events().read(context.ranges(), trigger.data().topic(), ranges);
    CandidateBuilder.Built built = context.builder().build(trigger, read, champion.artifact(), log);
    ModelEvent.Builder trained =
        context
            .decisions()
            .of(ModelEvent.Type.TRAINED, trigger.cause(), versions)
            .data(built.data())
            .metrics(built.metrics())
            .gates(built.gates());
    if (built.stored() != null) {
      trained.artifact(artifact(built.stored().directory(), built.stored().manifest()));
    }
    if (built.stored() != null) {
      context
          .publisher()
          .prune(
              context.policy().keepCandidates(),
              built.stored().directory().getFileName().toString());
    }
    if (built.passed()) {
      write(trained.reason("GATE_1_PASSED " + summary(built.gates())).build());
      log.accept("trained " + versions.candidate() + ": gate 1 passed, " + summary(built.gates()));
      return;
    }
    String reason =
        built.reason() != null ? built.reason() : "OFFLINE_GATE " + failed(built.gates());
    write(
        trained.reason(reason).build(),
        context
            .decisions()
            .of(ModelEvent.Type.REJECTED, trigger.cause(), versions)
            .artifact(trained.build().artifact())
            .gates(built.gates())
            .reason(reason)
            .build());
    log.accept("rejected " + versions.candidate() + ": " + reason);
  }

  /** Gated and passed: the candidate becomes the challenger in every instance. */
  void startShadow(ControllerState.Gated gated) throws IOException {
    ModelEvent trained = gated.trained();
    ModelEvent.ShadowTest start =
        new ModelEvent.ShadowTest(
            context.clock().instant(),
            context.ranges().endsNow(context.topics().training()),
            ModelEvent.PairCounts.NONE,
            "",
            null,
            null,
            0,
            ModelEvent.Verdict.CONTINUE);
    write(
        context
            .decisions()
            .of(ModelEvent.Type.SHADOW_STARTED, trained.cause(), trained.versions())
            .artifact(trained.artifact())
            .shadow(start)
            .reason("SHADOW_STARTED " + trained.versions().candidate() + " scores in shadow")
            .build());
    publishChallenger(trained.artifact());
    log.accept("shadow started: " + trained.versions().candidate() + " is the challenger");
  }

  /** Shadowing: judge the paired events so far; promote, reject, or look again later. */
  void judgeShadow(ControllerState.Shadowing shadowing, String champion) throws IOException {
    publishChallenger(shadowing.artifact());
    List<ModelEvent.OffsetRange> ranges =
        context.ranges().extendedToNow(context.topics().training(), shadowing.startOffsets());
    LabelledEvents.Read read =
        context.events().read(context.ranges(), context.topics().training(), ranges);
    ShadowObservation.Seen seen =
        ShadowObservation.pair(read.examples(), champion, shadowing.candidate(), context.task());
    context.listener().shadow(seen.outcomes().paired());
    RetrainingPolicy.Shadow policy = context.policy().gates().shadow();
    Instant now = context.clock().instant();
    ModelEvent.Versions versions = new ModelEvent.Versions(champion, shadowing.candidate(), null);
    if (notPickedUp(policy, shadowing, seen, now)) {
      reject(
          shadowing,
          versions,
          null,
          "CHALLENGER_NOT_PICKED_UP no labelled event carries "
              + shadowing.candidate()
              + "'s answer "
              + policy.pickupTimeout()
              + " after the shadow began");
      return;
    }
    int look = ShadowVerdicts.look(policy, seen.outcomes().paired());
    boolean overdue = now.isAfter(shadowing.since().plus(policy.maxDuration()));
    if (look <= shadowing.look() && !overdue) {
      return;
    }
    ShadowVerdicts.Decision decision =
        ShadowVerdicts.judge(
            policy,
            look,
            seen.outcomes(),
            new ShadowVerdicts.Start(shadowing.since(), shadowing.startOffsets()),
            now);
    context.listener().pValue(decision.test().pValue());
    switch (decision.verdict()) {
      case CONTINUE:
        write(
            context
                .decisions()
                .of(ModelEvent.Type.SHADOW_CHECKED, shadowing.cause(), versions)
                .artifact(shadowing.artifact())
                .shadow(decision.test())
                .reason(decision.reason())
                .build());
        break;
      case REJECT:
        reject(shadowing, versions, decision.test(), decision.reason());
        break;
      default:
        promoting(shadowing, versions, decision);
    }
  }

  private boolean notPickedUp(
      RetrainingPolicy.Shadow policy,
      ControllerState.Shadowing shadowing,
      ShadowObservation.Seen seen,
      Instant now) {
    return !policy.pickupTimeout().isZero()
        && now.isAfter(shadowing.since().plus(policy.pickupTimeout()))
        && seen.championEvents() >= policy.minPaired()
        && seen.outcomes().paired() + seen.outcomes().challengerFailed() == 0;
  }

  void reject(
      ControllerState.Shadowing shadowing,
      ModelEvent.Versions versions,
      ModelEvent.ShadowTest test,
      String reason)
      throws IOException {
    write(
        context
            .decisions()
            .of(ModelEvent.Type.REJECTED, shadowing.cause(), versions)
            .artifact(shadowing.artifact())
            .shadow(test)
            .reason(reason)
            .build());
    retireChallenger(shadowing.artifact());
    log.accept("rejected " + versions.candidate() + " in shadow: " + reason);
  }

  private void promoting(
      ControllerState.Shadowing shadowing,
      ModelEvent.Versions versions,
      ShadowVerdicts.Decision decision)
      throws IOException {
    RetrainingPolicy.Rollback rollback = context.policy().rollback();
    Map<String, Double> reference = new TreeMap<>();
    OptionalDouble live =
        RollbackWatch.reference(rollback, versions.champion(), context.performanceWindows());
    live.ifPresent(value -> reference.put(RollbackWatch.referenceKey(rollback.metric()), value));
    write(
        context
            .decisions()
            .of(
                ModelEvent.Type.PROMOTING,
                shadowing.cause(),
                new ModelEvent.Versions(
                    versions.champion(), versions.candidate(), versions.champion()))
            .artifact(shadowing.artifact())
            .shadow(decision.test())
            .metrics(reference)
            .reason(decision.reason())
            .build());
  }

  /** Promoting: publish into the models directory, then record it; retire the challenger. */
  void promote(ControllerState.Promoting promoting) throws IOException {
    Path stored = context.publisher().candidate(promoting.artifact().directory());
    context
        .publisher()
        .publish(stored, context.publisher().models(), promoting.artifact().directory());
    write(
        context
            .decisions()
            .of(
                ModelEvent.Type.PROMOTED,
                promoting.cause(),
                new ModelEvent.Versions(
                    promoting.version(), promoting.version(), promoting.previous()))
            .artifact(promoting.artifact())
            .metrics(promoting.reference())
            .reason("PROMOTED " + promoting.version() + " serves in every instance")
            .build());
    retireChallenger(promoting.artifact());
    log.accept("promoted " + promoting.version() + " (replacing " + promoting.previous() + ")");
  }

  /** Watching: roll back if the new champion does worse live than the one it replaced. */
  void watch(ControllerState.Watching watching) {
    RetrainingPolicy.Rollback rollback = context.policy().rollback();
    Double reference = watching.reference().get(RollbackWatch.referenceKey(rollback.metric()));
    ModelEvent.Versions versions =
        new ModelEvent.Versions(watching.version(), null, watching.previous());
    if (reference == null) {
      write(
          context
              .decisions()
              .of(ModelEvent.Type.CONFIRMED, watching.cause(), versions)
              .reason(
                  "CONFIRMED_WITHOUT_REFERENCE "
                      + watching.previous()
                      + " had no live windows to compare with")
              .build());
      return;
    }
    RollbackWatch.Decision decision =
        RollbackWatch.decide(
            rollback, reference, watching, context.performanceWindows(), context.clock().instant());
    Map<String, Double> metrics = new TreeMap<>(watching.reference());
    if (decision.observed() != null) {
      metrics.put("watch.observed." + rollback.metric().code(), decision.observed());
    }
    if (decision.outcome() == RollbackWatch.Outcome.ROLL_BACK) {
      rollingBack(
          watching.version(), watching.previous(), watching.cause(), metrics, decision.reason());
    } else if (decision.outcome() != RollbackWatch.Outcome.WAIT) {
      write(
          context
              .decisions()
              .of(ModelEvent.Type.CONFIRMED, watching.cause(), versions)
              .metrics(metrics)
              .reason(decision.reason())
              .build());
    }
  }

  /**
   * Records that {@code from} is being replaced by a copy of {@code to}, under a new directory name
   * (so it is the newest); {@link #rollBack} publishes it.
   */
  void rollingBack(
      String from, String to, ModelEvent.Cause cause, Map<String, Double> metrics, String reason) {
    Path previous =
        context
            .champions()
            .directoryOf(to)
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "cannot roll back: "
                            + to
                            + " is no longer in "
                            + context.champions().path()));
    ArtifactManifest manifest = ArtifactManifest.of(previous);
    String name = previous.getFileName() + "-rb-" + context.clock().millis();
    write(
        context
            .decisions()
            .of(ModelEvent.Type.ROLLING_BACK, cause, new ModelEvent.Versions(from, null, to))
            .artifact(new ModelEvent.ArtifactRef(name, manifest.digest()))
            .metrics(metrics)
            .reason(reason)
            .build());
    log.accept("rolling back " + from + " to " + to + ": " + reason);
  }

  /** Rolling back: publish a copy of the previous champion as the newest, then record it. */
  void rollBack(ControllerState.RollingBack rollingBack) throws IOException {
    String name = rollingBack.artifact().directory();
    String source = name.substring(0, name.lastIndexOf("-rb-"));
    context
        .publisher()
        .publish(context.publisher().models().resolve(source), context.publisher().models(), name);
    write(
        context
            .decisions()
            .of(
                ModelEvent.Type.ROLLED_BACK,
                rollingBack.cause(),
                new ModelEvent.Versions(rollingBack.to(), null, rollingBack.from()))
            .artifact(rollingBack.artifact())
            .reason("ROLLED_BACK " + rollingBack.to() + " serves again")
            .build());
    log.accept("rolled back: " + rollingBack.to() + " serves again");
  }

  /** The challenger directory holds {@code artifact}, unless it was retired. Idempotent. */
  private void publishChallenger(ModelEvent.ArtifactRef artifact) throws IOException {
    Path challengers = context.publisher().challengers();
    if (!Files.isDirectory(challengers.resolve(artifact.directory()))) {
      boolean published =
          context
              .publisher()
              .publish(
                  context.publisher().candidate(artifact.directory()),
                  challengers,
                  artifact.directory());
      if (published) {
        LOG.info("challenger {} published in {}", artifact.directory(), challengers);
      }
    }
  }

  private void retireChallenger(ModelEvent.ArtifactRef artifact) throws IOException {
    if (artifact != null) {
      context.publisher().retire(context.publisher().challengers(), artifact.directory());
    }
  }

  static ModelEvent.ArtifactRef artifact(Path directory, ArtifactManifest manifest) {
    return new ModelEvent.ArtifactRef(directory.getFileName().toString(), manifest.digest());
  }

  void write(ModelEvent... events) {
    writer.write(List.of(events));
    for (ModelEvent event : events) {
      context.listener().decided(event);
    }
  }

  private static String summary(List<ModelEvent.GateResult> gates) {
    StringBuilder text = new StringBuilder();
    for (ModelEvent.GateResult gate : gates) {
      text.append(text.length() == 0 ? "" : ", ")
          .append(gate.name())
          .append(gate.value() == null ? "" : String.format(" %.4f", gate.value()));
    }
    return text.toString();
  }

  private static String failed(List<ModelEvent.GateResult> gates) {
    return gates.stream()
        .filter(g -> !g.passed())
        .map(g -> g.name() + ": " + g.detail())
        .reduce((a, b) -> a + "; " + b)
        .orElse("");
  }
}

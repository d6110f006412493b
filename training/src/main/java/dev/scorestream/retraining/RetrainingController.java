package dev.scorestream.retraining;

import dev.scorestream.registry.RegistryUnavailableException;
import dev.scorestream.registry.SchemaRegistryClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.avro.Schema;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retraining controller of one model ({@code scorer retrain}): its own process, never inside a
 * scoring instance, so training never takes CPU from scoring. Leads through {@link ControllerLease}
 * or stands by; while it leads, it reads the audit trail as it grows (its own records, a person's,
 * an earlier leader's), folds it into a {@link ControllerState}, and takes one {@link LoopSteps
 * step} at a time. A new leader first fences every earlier one, sweeps what they staged, and
 * resumes from the trail: a shadow goes on from the offsets it pinned, a training starts over on
 * the rows the trigger pinned, a promotion or rollback is finished.
 */
public final class RetrainingController implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RetrainingController.class);

  /** How long one poll of the lease waits. */
  static final Duration POLL = Duration.ofMillis(200);

  /** How long a committed decision may take to become readable on the trail. */
  static final Duration VISIBLE = Duration.ofSeconds(30);

  /** The topics the loop reads and writes. */
  public record Topics(
      String training,
      String performance,
      String drift,
      String modelEvents,
      String schemaChanges) {}

  /**
   * Where models live.
   *
   * @param models the scorers' {@code model.dir}: champions; its {@code .candidates} keeps every
   *     candidate
   * @param challengers the scorers' {@code challenger.dir}
   * @param signingKey the key every stored candidate is signed with ({@code manifest.sig}), so that
   *     scorers requiring signatures accept what the loop publishes; null: unsigned
   */
  public record Places(Path models, Path challengers, java.security.PrivateKey signingKey) {

    /** Places whose candidates are not signed. */
    public Places(Path models, Path challengers) {
      this(models, challengers, null);
    }
  }

  /**
   * How the lease behaves.
   *
   * @param id group and transactional id, {@code <prefix>-<model>}
   * @param sessionTimeout how long a dead leader holds the lease
   * @param fenceBackoff how long a fenced leader waits before it takes the lease again
   * @param stepTimeout the longest one step may take before the leader counts as stuck
   */
  public record Lease(
      String id, Duration sessionTimeout, Duration fenceBackoff, Duration stepTimeout) {}

  /**
   * Everything a controller needs.
   *
   * @param reader the reader schema the scorers run with (their features and rules)
   * @param actor who acts: this controller's name and host
   */
  public record Settings(
      RetrainingPolicy policy,
      Topics topics,
      Places places,
      Lease lease,
      Properties clientProperties,
      SchemaRegistryClient registry,
      Schema reader,
      ModelEvent.Actor actor,
      String appVersion) {}

  /** What the controller reports, for its metrics. */
  public interface Listener {
    default void leading(boolean leading) {}

    default void phase(String phase, ControllerState.OpenCause open) {}

    default void decided(ModelEvent event) {}

    default void shadow(long paired) {}

    default void pValue(Double p) {}

    Listener NONE = new Listener() {};
  }

  private final Settings settings;
  private final Listener listener;
  private final Consumer<String> log;
  private final Clock clock;
  private final ControllerLease lease;
  private final TopicRanges ranges;
  private final AuditTrail trail;
  private final LoopContext context;
  private final LoopSteps steps;
  private ControllerState state;
  private List<ModelEvent.OffsetRange> trailPosition;
  private int triggered;
  private Instant backoffUntil = Instant.MIN;
  private boolean personActed;
  private Instant nextStep = Instant.MIN;

  /** What a person can do by hand ({@code scorer models retrain|promote|reject|rollback}). */
  public enum ManualAction {
    RETRAIN,
    PROMOTE,
    REJECT,
    ROLLBACK
  }

  /** A controller that leads or stands by ({@code scorer retrain}). */
  public RetrainingController(
      Settings settings, Listener listener, Consumer<String> log, Clock clock) {
    this(settings, listener, log, clock, false);
  }

  /**
   * A person's one action ({@code scorer models ...}): {@link #manual} takes the lease's producer
   * id without joining the group, which fences the leader for that action.
   */
  public static RetrainingController forPerson(
      Settings settings, Consumer<String> log, Clock clock) {
    return new RetrainingController(settings, Listener.NONE, log, clock, true);
  }

  private RetrainingController(
      Settings settings, Listener listener, Consumer<String> log, Clock clock, boolean person) {
    this.settings = settings;
    this.listener = listener;
    this.log = log;
    this.clock = clock;
    createDirectories(settings.places());
    this.ranges = new TopicRanges(settings.clientProperties());
    this.trail = AuditTrail.registered(settings.topics().modelEvents(), settings.registry());
    this.context = LoopContext.create(settings, ranges, listener, clock);
    this.lease =
        person
            ? ControllerLease.forPerson(
                settings.clientProperties(), settings.topics().modelEvents(), settings.lease().id())
            : new ControllerLease(
                settings.clientProperties(),
                settings.topics().modelEvents(),
                settings.lease().id(),
                settings.lease().sessionTimeout(),
                settings.lease().stepTimeout());
    this.steps = new LoopSteps(context, this::write, log);
  }

  /**
   * Commits decisions to the trail and waits until the trail reads them back, so that the next
   * reading of the trail (this controller's, or a person's command printing what it did) has them.
   */
  private void write(List<ModelEvent> events) {
    RecordMetadata last = lease.write(events.stream().map(trail::record).toList());
    if (last != null) {
      ranges.awaitVisible(last, VISIBLE);
    }
  }

  private static void createDirectories(Places places) {
    try {
      Files.createDirectories(places.challengers());
      Files.createDirectories(places.models().resolve(Publisher.CANDIDATES));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the loop's directories: " + e.getMessage(), e);
    }
  }

  /** The state the trail folds into, as this controller last read it (null while standing by). */
  public ControllerState state() {
    return state;
  }

  /** Leads or stands by until {@code keepGoing} says stop. */
  public void watch(BooleanSupplier keepGoing) {
    while (keepGoing.getAsBoolean()) {
      cycle();
    }
  }

  /**
   * {@code scorer retrain --once}: takes the lease (waiting at most {@code leaseTimeout}), records
   * a manual trigger when the loop is idle, then steps until the candidate is rejected or its
   * shadow has begun (or the loop needs no step: a watch, a shadow short of evidence).
   *
   * @return false when another controller holds the lease
   */
  public boolean once(Duration leaseTimeout) {
    Instant deadline = clock.instant().plus(leaseTimeout);
    while (!lease.poll(POLL)) {
      if (clock.instant().isAfter(deadline)) {
        return false;
      }
    }
    takeOver();
    refreshTrail();
    if (state.phase() instanceof ControllerState.Idle) {
      Champions.Champion champion = context.champions().current();
      steps.trigger(
          ModelEvent.CauseKind.MANUAL,
          "manual:" + clock.instant().toEpochMilli(),
          "scorer retrain --once",
          champion,
          triggered);
      refreshTrail();
    }
    for (int i = 0; i < 4 && advancesOnce(); i++) {
      step();
      refreshTrail();
    }
    return true;
  }

  /**
   * A person's action, recorded like the controller's and carried out under the same fence.
   *
   * @param version the version it concerns: for promote and reject the challenger by default, for
   *     rollback the version to restore, by default the champion the last promotion replaced
   * @return the records written, in order
   * @throws IllegalStateException saying why the loop's state does not allow it
   */
  public List<ModelEvent> manual(ManualAction action, String version, String reason)
      throws IOException {
    takeOver();
    List<ModelEvent> before = trail.read(settings.clientProperties(), context.policy().model());
    ControllerState.Phase phase = state.phase();
    switch (action) {
      case RETRAIN -> {
        if (!(phase instanceof ControllerState.Idle)) {
          throw new IllegalStateException(
              "a candidate is in flight (" + phase.label() + "); reject it first");
        }
        steps.trigger(
            ModelEvent.CauseKind.MANUAL,
            "manual:" + clock.millis(),
            reason,
            context.champions().current(),
            triggered);
      }
      case PROMOTE -> promoteByHand(phase, version, reason);
      case REJECT -> rejectByHand(phase, version, reason);
      case ROLLBACK -> rollBackByHand(before, version, reason);
    }
    List<ModelEvent> after = trail.read(settings.clientProperties(), context.policy().model());
    return after.subList(before.size(), after.size());
  }

  private void promoteByHand(ControllerState.Phase phase, String version, String reason)
      throws IOException {
    ModelEvent.ArtifactRef artifact;
    ModelEvent.Cause cause = null;
    if (phase instanceof ControllerState.Shadowing shadowing
        && (version == null || version.equals(shadowing.candidate()))) {
      version = shadowing.candidate();
      artifact = shadowing.artifact();
      cause = shadowing.cause();
    } else if (version == null) {
      throw new IllegalStateException("no challenger is in shadow: name the version to promote");
    } else {
      artifact = context.publisher().storedArtifact(version);
    }
    String champion =
        state.champion() == null ? context.champions().current().version() : state.champion();
    steps.write(
        context
            .decisions()
            .of(
                ModelEvent.Type.PROMOTING,
                cause,
                new ModelEvent.Versions(champion, version, champion))
            .artifact(artifact)
            .reason("MANUAL_PROMOTION " + reason)
            .build());
    refreshTrail();
    if (!(state.phase() instanceof ControllerState.Promoting promoting)) {
      throw new IllegalStateException(
          "the trail did not accept the promotion of " + version + ": " + state.ignored());
    }
    steps.promote(promoting);
    refreshTrail();
  }

  private void rejectByHand(ControllerState.Phase phase, String version, String reason)
      throws IOException {
    if (!(phase instanceof ControllerState.Shadowing shadowing)
        || (version != null && !version.equals(shadowing.candidate()))) {
      throw new IllegalStateException(
          "no challenger "
              + (version == null ? "" : version + " ")
              + "is in shadow ("
              + phase.label()
              + ")");
    }
    steps.reject(
        shadowing,
        new ModelEvent.Versions(state.champion(), shadowing.candidate(), null),
        null,
        "MANUAL_REJECTION " + reason);
    refreshTrail();
  }

  private void rollBackByHand(List<ModelEvent> trailSoFar, String version, String reason)
      throws IOException {
    String champion = context.champions().current().version();
    String restore = version;
    if (restore == null) {
      restore =
          trailSoFar.stream()
              .filter(
                  e ->
                      e.type() == ModelEvent.Type.PROMOTED
                          && champion.equals(e.versions().candidate()))
              .reduce((a, b) -> b)
              .map(e -> e.versions().previous())
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "the loop did not promote "
                              + champion
                              + ": name the version to restore with --to"));
    }
    ControllerState.Phase phase = state.phase();
    if (!(phase instanceof ControllerState.Idle) && !(phase instanceof ControllerState.Watching)) {
      throw new IllegalStateException("cannot roll back while " + phase.label());
    }
    steps.rollingBack(champion, restore, null, java.util.Map.of(), "MANUAL_ROLLBACK " + reason);
    refreshTrail();
    if (!(state.phase() instanceof ControllerState.RollingBack rollingBack)) {
      throw new IllegalStateException(
          "the trail did not accept the rollback to " + restore + ": " + state.ignored());
    }
    steps.rollBack(rollingBack);
    refreshTrail();
  }

  private boolean advancesOnce() {
    return state.phase() instanceof ControllerState.Training
        || state.phase() instanceof ControllerState.Gated
        || state.phase() instanceof ControllerState.Promoting
        || state.phase() instanceof ControllerState.RollingBack;
  }

  /** One turn: keep the lease, follow the trail, take a step when one is due. */
  void cycle() {
    try {
      boolean held = lease.poll(POLL);
      if (!held) {
        standBy();
        return;
      }
      if (!lease.leads()) {
        if (clock.instant().isBefore(backoffUntil)) {
          return;
        }
        takeOver();
      }
      refreshTrail();
      if (personActed) {
        // A person's action took the producer id, so this controller's writes would be refused:
        // take it back now, before any work that a refused record would waste.
        takeOver();
      }
      if (clock.instant().isBefore(nextStep)) {
        return;
      }
      nextStep = clock.instant().plus(context.policy().triggers().pollInterval());
      step();
      refreshTrail();
    } catch (LeaseLostException e) {
      LOG.warn(
          "{}; standing by, taking the lease again in {}",
          e.getMessage(),
          settings.lease().fenceBackoff());
      backoffUntil = clock.instant().plus(settings.lease().fenceBackoff());
      standBy();
    } catch (RegistryUnavailableException | KafkaException | UncheckedIOException e) {
      LOG.warn("retraining step failed, retried at the next poll: {}", e.toString());
      nextStep = clock.instant().plus(context.policy().triggers().pollInterval());
    }
  }

  private void standBy() {
    if (state != null) {
      listener.leading(false);
    }
    state = null;
    trailPosition = null;
  }

  /** Fences every earlier holder, sweeps what it staged, and reads the whole trail. */
  private void takeOver() {
    lease.fence();
    try {
      context.publisher().sweep();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot sweep staged artifacts: " + e.getMessage(), e);
    }
    state = ControllerState.initial();
    trailPosition = null;
    triggered = 0;
    refreshTrail();
    personActed = false;
    listener.leading(true);
    if (!(state.phase() instanceof ControllerState.Idle)
        && settings.actor().kind() == ModelEvent.ActorKind.CONTROLLER) {
      steps.resumed(state);
      refreshTrail();
    }
    log.accept(
        "leading the loop of "
            + context.policy().model()
            + ": "
            + state.phase().label()
            + (state.champion() == null ? "" : ", champion " + state.champion()));
  }

  /** Applies what was appended to the trail since the last read. */
  private void refreshTrail() {
    List<ModelEvent.OffsetRange> read =
        trailPosition == null
            ? ranges.upToNow(trail.topic(), null)
            : ranges.extendedToNow(trail.topic(), trailPosition);
    for (ModelEvent event : trail.read(ranges, read, context.policy().model())) {
      state = state.apply(event);
      personActed |= trailPosition != null && event.actor().kind() == ModelEvent.ActorKind.PERSON;
      if (event.type() == ModelEvent.Type.TRIGGERED) {
        triggered++;
      }
    }
    trailPosition =
        read.stream()
            .map(r -> new ModelEvent.OffsetRange(r.partition(), r.toOffset(), r.toOffset()))
            .toList();
    listener.phase(state.phase().label(), state.openCause());
  }

  private void step() {
    ControllerState.Phase phase = state.phase();
    try {
      if (phase instanceof ControllerState.Idle) {
        steps.idle(state, triggered);
      } else if (phase instanceof ControllerState.Training training) {
        steps.train(training);
      } else if (phase instanceof ControllerState.Gated gated && gated.passed()) {
        steps.startShadow(gated);
      } else if (phase instanceof ControllerState.Shadowing shadowing) {
        steps.judgeShadow(shadowing, state.champion());
      } else if (phase instanceof ControllerState.Promoting promoting) {
        steps.promote(promoting);
      } else if (phase instanceof ControllerState.Watching watching) {
        steps.watch(watching);
      } else if (phase instanceof ControllerState.RollingBack rollingBack) {
        steps.rollBack(rollingBack);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    lease.close();
    ranges.close();
  }
}

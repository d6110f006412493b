package dev.scorestream.retraining;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scorestream.drift.DriftStatus;
import dev.scorestream.model.Task;
import dev.scorestream.retraining.PolicySection.Range;
import dev.scorestream.training.TrainerKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The declared retraining policy of one model: what fires a retraining, which data a candidate is
 * made from, how it is made messy, the gates it must pass and how a promotion is watched. A JSON
 * file, read once at start; every key but {@code version} and {@code model} has a default:
 *
 * <pre>{@code
 * {"version": 1, "model": "fraud",
 *  "trainer": {"kind": "logistic", "seed": 42},
 *  "triggers": {"pollInterval": "10s", "cooldown": "1h",
 *    "liveQuality": {"metric": "accuracy", "below": 0.85, "worseThanBaselineBy": 0.05,
 *                    "windows": 3, "minLabels": 200},
 *    "drift": {"windows": 3, "features": "served", "status": "ALERT"},
 *    "schemaChange": {"enabled": false},
 *    "schedule": {"every": "7d", "at": "2024-01-07T03:00:00Z"}},
 *  "data": {"window": "7d", "minExamples": 1000, "maxExamples": 200000, "evalFraction": 0.2,
 *    "gap": "0s", "timeField": "event", "championData": {"share": 0.2, "maxRows": 50000}},
 *  "perturb": {"share": 0.1, "seed": 7, "kinds": {"missing": {"weight": 1},
 *    "numbers": {"weight": 1, "scale": [0.5, 2], "jitter": 0.05},
 *    "unseenCategories": {"weight": 1, "fields": ["country"]}, "messyStrings": {"weight": 1}}},
 *  "gates": {"offline": {"metric": "accuracy", "margin": 0.005, "minEvalRows": 500,
 *      "maxRobustnessLoss": 0.02},
 *    "shadow": {"test": "mcnemar", "minPaired": 2000, "alpha": 0.05, "looks": 5, "margin": 0,
 *      "maxDuration": "24h", "pickupTimeout": "5m", "maxChallengerFailures": 0.001,
 *      "bootstrap": {"resamples": 2000, "seed": 11}}},
 *  "rollback": {"windows": 3, "minLabels": 200, "metric": "accuracy", "margin": 0.01,
 *    "maxWait": "6h"},
 *  "alerts": {"noAcceptedModelAfter": "3d"},
 *  "candidates": {"keep": 20}}
 * }</pre>
 *
 * <p>At least one trigger must be declared. A loop that only a person starts ({@code scorer models
 * retrain}) says so with {@code "triggers": {"manualOnly": true}} and no other trigger, so that a
 * policy whose triggers were forgotten is refused instead of never firing. A person can always
 * trigger, whatever the policy.
 *
 * <p>Unknown keys are refused with the known ones listed, and every error names the file, the key
 * path and the refused value ({@code policy.json: gates.shadow.alpha: must be in (0, 0.5], got
 * 0.7}). What depends on the champion (its name, task, trainer and the fields it uses) is checked
 * by {@link #resolve}, which also fills the defaults that depend on it; a parsed policy leaves
 * those null. Immutable.
 *
 * @param trainer the trainer and its seed
 * @param keepCandidates how many candidate artifacts the candidate store keeps
 * @param source the file (or name) the policy was read from, which errors name
 * @param digest SHA-256 (hex) of the policy's bytes, recorded with every decision made under it
 */
public record RetrainingPolicy(
    int version,
    String model,
    TrainerChoice trainer,
    Triggers triggers,
    Data data,
    Perturb perturb,
    Gates gates,
    Rollback rollback,
    Alerts alerts,
    int keepCandidates,
    String source,
    String digest) {

  /**
   * @param kind the trainer of candidates; null until {@link #resolve} (the champion's trainer)
   */
  public record TrainerChoice(TrainerKind kind, long seed) {}

  /**
   * What fires a retraining. A trigger left out of the file is null here: off.
   *
   * @param pollInterval how often the controller looks at reports
   * @param cooldown how long a cause whose candidate was rejected stays quiet
   * @param manualOnly only a person starts a retraining
   * @param schemaChange a schema change that affects the model's features fires
   */
  public record Triggers(
      Duration pollInterval,
      Duration cooldown,
      boolean manualOnly,
      LiveQuality liveQuality,
      Drift drift,
      boolean schemaChange,
      Schedule schedule) {

    /** Whether anything but a person can fire. */
    public boolean automatic() {
      return liveQuality != null || drift != null || schemaChange || schedule != null;
    }
  }

  /**
   * Live quality from {@code events.performance}, on K consecutive windows of the champion with
   * enough labels.
   *
   * @param metric accuracy or log loss
   * @param limit fires when accuracy falls below it ({@code below}) or log loss rises above it
   *     ({@code above}); null when not declared
   * @param worseThanBaselineBy fires when the metric is worse than the champion's held-out figure
   *     by more than this; null when not declared
   * @param windows K, the consecutive windows that must all be bad
   * @param minLabels windows with fewer matched labels are skipped, not counted
   */
  public record LiveQuality(
      QualityMetric metric,
      Double limit,
      Double worseThanBaselineBy,
      int windows,
      long minLabels) {}

  /**
   * Drift reports of the champion with a watched feature at {@code status} or worse for K
   * consecutive windows.
   *
   * @param features the fields watched; empty means every field the serving model uses
   */
  public record Drift(int windows, List<String> features, DriftStatus status) {

    public Drift {
      features = List.copyOf(features);
    }

    /** The fields to watch, given those the serving model uses. */
    public Set<String> watched(Set<String> served) {
      return features.isEmpty() ? Set.copyOf(served) : Set.copyOf(features);
    }
  }

  /** A retraining every {@code every}, in slots counted from {@code at}. */
  public record Schedule(Duration every, Instant at) {

    /** The slot {@code now} falls in, floor((now - at) / every); -1 before {@code at}. */
    public long slot(Instant now) {
      if (now.isBefore(at)) {
        return -1;
      }
      return Duration.between(at, now).toMillis() / every.toMillis();
    }

    /** When slot {@code slot} starts. */
    public Instant slotStart(long slot) {
      return at.plusMillis(slot * every.toMillis());
    }
  }

  /** Which rows of the training topic a candidate is made from. */
  public record Data(
      Duration window,
      int minExamples,
      int maxExamples,
      double evalFraction,
      Duration gap,
      TimeBasis timeBasis,
      ChampionData championData) {}

  /** Which time orders rows for the out-of-time split. */
  public enum TimeBasis {
    /** The event's own time (needs the event time field). */
    EVENT,
    /** When the label arrived. */
    LABEL
  }

  /**
   * Rows of the champion's own training data mixed in, so the candidate does not forget the stable
   * part of the world.
   *
   * @param share the share of the final training rows that come from the champion's data
   * @param failIfMissing a champion without its training rows stops the candidate instead of
   *     training without them
   */
  public record ChampionData(double share, int maxRows, boolean failIfMissing) {}

  /**
   * How training rows are made messy: a {@code share} of them is replaced by a perturbed copy.
   *
   * @param kinds every kind, with its weight and fields
   * @param scaleLow lowest factor {@link PerturbationKind#NUMBERS} scales by
   * @param scaleHigh highest factor
   * @param jitter standard deviation of the relative Gaussian noise on scaled numbers
   */
  public record Perturb(
      double share,
      long seed,
      Map<PerturbationKind, PerturbKind> kinds,
      double scaleLow,
      double scaleHigh,
      double jitter) {

    public Perturb {
      kinds = Map.copyOf(kinds);
    }

    public PerturbKind kind(PerturbationKind kind) {
      return kinds.get(kind);
    }
  }

  /**
   * One kind of perturbation.
   *
   * @param weight its chance relative to the other kinds
   * @param fields the fields it may touch; {@code ["*"]} means every eligible feature
   * @param declared the file names this kind (an explicit kind without an eligible field is an
   *     error; a default one is left out)
   */
  public record PerturbKind(double weight, List<String> fields, boolean declared) {

    public static final List<String> EVERY_ELIGIBLE = List.of("*");

    public PerturbKind {
      fields = List.copyOf(fields);
    }

    public boolean everyEligible() {
      return fields.equals(EVERY_ELIGIBLE);
    }
  }

  /** Gate 1, offline, and gate 2, the shadow. */
  public record Gates(Offline offline, Shadow shadow) {}

  /**
   * Gate 1: the candidate beside the champion on the same out-of-time rows.
   *
   * @param metric what is compared; null until {@link #resolve} (accuracy, or rmse for regression)
   * @param margin how much better the candidate must be
   * @param maxRobustnessLoss how much more the candidate may lose on perturbed rows than the
   *     champion does
   * @param significance when set, McNemar's test on the evaluation rows must also favour the
   *     candidate at this level; null when off
   */
  public record Offline(
      QualityMetric metric,
      double margin,
      int minEvalRows,
      double maxRobustnessLoss,
      Double significance) {

    /** The same gate comparing on {@code resolved}. */
    public Offline withMetric(QualityMetric resolved) {
      return new Offline(resolved, margin, minEvalRows, maxRobustnessLoss, significance);
    }
  }

  /** The paired test of the shadow. */
  public enum ShadowTestKind {
    /** McNemar's exact test on who got which event right (classification). */
    MCNEMAR("mcnemar"),
    /**
     * A bootstrap interval of the mean per-pair log-loss difference; of the squared-error
     * difference for a regression model.
     */
    BOOTSTRAP("bootstrapLogLoss"),
    /** Both must favour the challenger. */
    BOTH("both");

    private final String code;

    ShadowTestKind(String code) {
      this.code = code;
    }

    public String code() {
      return code;
    }
  }

  /**
   * Gate 2: the challenger beside the champion on the same live events.
   *
   * @param test null until {@link #resolve}: McNemar, or the bootstrap when the offline metric is
   *     log loss or the model is a regression
   * @param minPaired pairs per look: look k happens at k times this many
   * @param alpha the error rate over all looks; each look tests at alpha / looks (Bonferroni)
   * @param margin how far above zero the bootstrap's lower bound must be (McNemar has none)
   * @param maxDuration a shadow still undecided after this is rejected as inconclusive
   * @param pickupTimeout how long every instance has to pick the challenger up; 0 turns the check
   *     off
   * @param maxChallengerFailures the share of events the challenger may fail to score
   */
  public record Shadow(
      ShadowTestKind test,
      long minPaired,
      double alpha,
      int looks,
      double margin,
      Duration maxDuration,
      Duration pickupTimeout,
      double maxChallengerFailures,
      Bootstrap bootstrap) {

    /** The level each look tests at, so that peeking does not inflate the error. */
    public double alphaPerLook() {
      return alpha / looks;
    }

    /** The same gate running {@code resolved}. */
    public Shadow withTest(ShadowTestKind resolved) {
      return new Shadow(
          resolved,
          minPaired,
          alpha,
          looks,
          margin,
          maxDuration,
          pickupTimeout,
          maxChallengerFailures,
          bootstrap);
    }
  }

  /** Resamples and seed of the paired bootstrap. */
  public record Bootstrap(int resamples, long seed) {}

  /**
   * The watch after a promotion: the new champion's first {@code windows} windows with at least
   * {@code minLabels} labels against the previous champion's.
   *
   * @param metric null until {@link #resolve}: the offline gate's
   * @param maxWait after this without enough labels the promotion is confirmed as it stands
   */
  public record Rollback(
      int windows, long minLabels, QualityMetric metric, double margin, Duration maxWait) {

    /** The same watch on {@code resolved}. */
    public Rollback withMetric(QualityMetric resolved) {
      return new Rollback(windows, minLabels, resolved, margin, maxWait);
    }
  }

  /**
   * @param noAcceptedModelAfter how long a trigger may stay without an accepted model before the
   *     alert fires
   */
  public record Alerts(Duration noAcceptedModelAfter) {}

  /**
   * What the policy is checked against before use.
   *
   * @param trainer the champion's trainer; null for a model no scorer trainer made (imported)
   * @param fieldsUsed the reader-schema fields the champion's features come from
   */
  public record Champion(String name, Task task, TrainerKind trainer, Set<String> fieldsUsed) {

    public Champion {
      fieldsUsed = Set.copyOf(fieldsUsed);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration ZERO = Duration.ZERO;

  /**
   * Reads and validates a policy file.
   *
   * @throws IllegalArgumentException naming the file, the key path and the refused value
   */
  public static RetrainingPolicy read(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    return parse(bytes, file.toString());
  }

  /**
   * As {@link #read}, from the text of a policy; {@code source} is what errors name.
   *
   * @throws IllegalArgumentException naming the source, the key path and the refused value
   */
  public static RetrainingPolicy parse(String json, String source) {
    return parse(json.getBytes(StandardCharsets.UTF_8), source);
  }

  private static RetrainingPolicy parse(byte[] bytes, String source) {
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(source + " is not JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new IllegalArgumentException(source + " cannot be read: " + e.getMessage(), e);
    }
    PolicySection top =
        PolicySection.root(source, root)
            .allow(
                "version",
                "model",
                "trainer",
                "triggers",
                "data",
                "perturb",
                "gates",
                "rollback",
                "alerts",
                "candidates");
    if (!top.has("version")) {
      throw top.invalid("version", "is required");
    }
    if (top.whole("version", 1, Range.ANY) != 1) {
      throw top.invalid("version", "must be 1, the only version so far", top.raw("version"));
    }
    return new RetrainingPolicy(
        1,
        top.text("model", null),
        trainer(top.section("trainer")),
        triggers(top.section("triggers")),
        data(top.section("data")),
        perturb(top.section("perturb")),
        new Gates(
            offline(top.section("gates").allow("offline", "shadow").section("offline")),
            shadow(top.section("gates").section("shadow"))),
        rollback(top.section("rollback")),
        alerts(top.section("alerts")),
        top.section("candidates").allow("keep").wholeInt("keep", 20, 2, 100_000),
        source,
        sha256(bytes));
  }

  private static TrainerChoice trainer(PolicySection section) {
    section.allow("kind", "seed");
    TrainerKind kind = null;
    if (section.has("kind")) {
      kind = section.choice("kind", null, byCode(TrainerKind.values(), TrainerKind::code));
    }
    return new TrainerChoice(kind, section.whole("seed", 42, Range.ANY));
  }

  private static Triggers triggers(PolicySection section) {
    section.allow(
        "pollInterval",
        "cooldown",
        "manualOnly",
        "liveQuality",
        "drift",
        "schemaChange",
        "schedule");
    PolicySection schema = section.section("schemaChange").allow("enabled");
    Triggers triggers =
        new Triggers(
            section.duration("pollInterval", Duration.ofSeconds(10), Duration.ofMillis(100)),
            section.duration("cooldown", Duration.ofHours(1), ZERO),
            section.flag("manualOnly", false),
            liveQuality(section.section("liveQuality")),
            drift(section.section("drift")),
            schema.declared() && schema.flag("enabled", false),
            schedule(section.section("schedule")));
    if (triggers.manualOnly() && triggers.automatic()) {
      throw section.invalid(
          "manualOnly", "true excludes every other trigger; remove it or the other triggers");
    }
    if (!triggers.manualOnly() && !triggers.automatic()) {
      throw section.problem(
          "declare at least one of liveQuality, drift, schemaChange (enabled), schedule,"
              + " or \"manualOnly\": true for a loop that only a person starts");
    }
    return triggers;
  }

  private static LiveQuality liveQuality(PolicySection section) {
    if (!section.declared()) {
      return null;
    }
    section.allow("metric", "below", "above", "worseThanBaselineBy", "windows", "minLabels");
    QualityMetric metric =
        section.choice(
            "metric",
            QualityMetric.ACCURACY,
            Map.of("accuracy", QualityMetric.ACCURACY, "logLoss", QualityMetric.LOG_LOSS));
    String limitKey = metric == QualityMetric.ACCURACY ? "below" : "above";
    String otherKey = metric == QualityMetric.ACCURACY ? "above" : "below";
    if (section.has(otherKey)) {
      throw section.invalid(
          otherKey,
          "does not apply to " + metric.code() + "; use \"" + limitKey + "\"",
          section.raw(otherKey));
    }
    Range range = metric == QualityMetric.ACCURACY ? Range.closed(0, 1) : Range.above(0);
    Double limit = section.optionalDecimal(limitKey, range);
    Double by =
        section.optionalDecimal(
            "worseThanBaselineBy",
            metric == QualityMetric.ACCURACY ? Range.closed(0, 1) : Range.atLeast(0));
    if (limit == null && by == null) {
      throw section.invalid(
          limitKey, "is required unless worseThanBaselineBy is given (at least one threshold)");
    }
    return new LiveQuality(
        metric,
        limit,
        by,
        section.wholeInt("windows", 3, 1, 1000),
        section.whole("minLabels", 200, Range.atLeast(1)));
  }

  private static Drift drift(PolicySection section) {
    if (!section.declared()) {
      return null;
    }
    section.allow("windows", "features", "status");
    List<String> features = List.of();
    JsonNode raw = section.raw("features");
    if (raw != null && !(raw.isTextual() && raw.asText().equals("served"))) {
      if (raw.isTextual()) {
        throw section.invalid("features", "must be \"served\" or a list of fields", raw);
      }
      features = section.texts("features", List.of());
    }
    return new Drift(
        section.wholeInt("windows", 3, 1, 1000),
        features,
        section.choice(
            "status",
            DriftStatus.ALERT,
            Map.of("ALERT", DriftStatus.ALERT, "WARN", DriftStatus.WARN)));
  }

  private static Schedule schedule(PolicySection section) {
    if (!section.declared()) {
      return null;
    }
    section.allow("every", "at");
    return new Schedule(
        section.duration("every", null, Duration.ofSeconds(1)),
        section.instant("at", Instant.EPOCH));
  }

  private static Data data(PolicySection section) {
    section.allow(
        "window", "minExamples", "maxExamples", "evalFraction", "gap", "timeField", "championData");
    int min = section.wholeInt("minExamples", 1000, 1, Integer.MAX_VALUE);
    int max = section.wholeInt("maxExamples", 200_000, 1, Integer.MAX_VALUE);
    if (max < min) {
      throw section.invalid("maxExamples", "must be at least minExamples (" + min + ")", max);
    }
    PolicySection champion = section.section("championData").allow("share", "maxRows", "ifMissing");
    return new Data(
        section.duration("window", Duration.ofDays(7), Duration.ofSeconds(1)),
        min,
        max,
        section.decimal("evalFraction", 0.2, Range.closed(0.05, 0.5)),
        section.duration("gap", ZERO, ZERO),
        section.choice(
            "timeField",
            TimeBasis.EVENT,
            Map.of("event", TimeBasis.EVENT, "label", TimeBasis.LABEL)),
        new ChampionData(
            champion.decimal("share", 0.2, Range.closed(0, 0.9)),
            champion.wholeInt("maxRows", 50_000, 0, Integer.MAX_VALUE),
            champion.choice("ifMissing", false, Map.of("skip", false, "fail", true))));
  }

  private static Perturb perturb(PolicySection section) {
    section.allow("share", "seed", "kinds");
    PolicySection kinds =
        section
            .section("kinds")
            .allow(
                Arrays.stream(PerturbationKind.values())
                    .map(PerturbationKind::code)
                    .toArray(String[]::new));
    Map<PerturbationKind, PerturbKind> declared = new EnumMap<>(PerturbationKind.class);
    double scaleLow = 0.5;
    double scaleHigh = 2;
    double jitter = 0.05;
    for (PerturbationKind kind : PerturbationKind.values()) {
      PolicySection one = kinds.section(kind.code());
      if (kind == PerturbationKind.NUMBERS) {
        one.allow("weight", "fields", "scale", "jitter");
        double[] scale = scale(one);
        scaleLow = scale[0];
        scaleHigh = scale[1];
        jitter = one.decimal("jitter", jitter, Range.closed(0, 1));
      } else {
        one.allow("weight", "fields");
      }
      declared.put(
          kind,
          new PerturbKind(
              one.decimal("weight", 1, Range.atLeast(0)),
              one.texts("fields", PerturbKind.EVERY_ELIGIBLE),
              one.declared()));
    }
    double share = section.decimal("share", 0.1, Range.closed(0, 0.5));
    if (share > 0 && declared.values().stream().allMatch(k -> k.weight() == 0)) {
      throw kinds.problem("every kind has weight 0 while perturb.share is " + share);
    }
    return new Perturb(
        share, section.whole("seed", 7, Range.ANY), declared, scaleLow, scaleHigh, jitter);
  }

  private static double[] scale(PolicySection numbers) {
    JsonNode raw = numbers.raw("scale");
    if (raw == null) {
      return new double[] {0.5, 2};
    }
    String rule = "must be [low, high] with 0 < low <= 1 <= high";
    if (!raw.isArray() || raw.size() != 2 || !raw.get(0).isNumber() || !raw.get(1).isNumber()) {
      throw numbers.invalid("scale", rule, raw);
    }
    double low = raw.get(0).asDouble();
    double high = raw.get(1).asDouble();
    if (!(low > 0 && low <= 1 && high >= 1 && Double.isFinite(high))) {
      throw numbers.invalid("scale", rule, raw);
    }
    return new double[] {low, high};
  }

  private static Offline offline(PolicySection section) {
    section.allow("metric", "margin", "minEvalRows", "maxRobustnessLoss", "significance");
    return new Offline(
        metric(section, "metric"),
        section.decimal("margin", 0.005, Range.atLeast(0)),
        section.wholeInt("minEvalRows", 500, 1, Integer.MAX_VALUE),
        section.decimal("maxRobustnessLoss", 0.02, Range.atLeast(0)),
        section.optionalDecimal("significance", Range.openClosed(0, 0.5)));
  }

  private static Shadow shadow(PolicySection section) {
    section.allow(
        "test",
        "minPaired",
        "alpha",
        "looks",
        "margin",
        "maxDuration",
        "pickupTimeout",
        "maxChallengerFailures",
        "bootstrap");
    PolicySection bootstrap = section.section("bootstrap").allow("resamples", "seed");
    return new Shadow(
        section.has("test")
            ? section.choice("test", null, byCode(ShadowTestKind.values(), ShadowTestKind::code))
            : null,
        section.whole("minPaired", 2000, Range.atLeast(1)),
        section.decimal("alpha", 0.05, Range.openClosed(0, 0.5)),
        section.wholeInt("looks", 5, 1, 20),
        section.decimal("margin", 0, Range.atLeast(0)),
        section.duration("maxDuration", Duration.ofHours(24), Duration.ofSeconds(1)),
        section.duration("pickupTimeout", Duration.ofMinutes(5), ZERO),
        section.decimal("maxChallengerFailures", 0.001, Range.closed(0, 1)),
        new Bootstrap(
            bootstrap.wholeInt("resamples", 2000, 200, 100_000),
            bootstrap.whole("seed", 11, Range.ANY)));
  }

  private static Rollback rollback(PolicySection section) {
    section.allow("windows", "minLabels", "metric", "margin", "maxWait");
    return new Rollback(
        section.wholeInt("windows", 3, 1, 1000),
        section.whole("minLabels", 200, Range.atLeast(1)),
        metric(section, "metric"),
        section.decimal("margin", 0.01, Range.atLeast(0)),
        section.duration("maxWait", Duration.ofHours(6), Duration.ofSeconds(1)));
  }

  private static Alerts alerts(PolicySection section) {
    section.allow("noAcceptedModelAfter");
    return new Alerts(
        section.duration("noAcceptedModelAfter", Duration.ofDays(3), Duration.ofSeconds(1)));
  }

  private static QualityMetric metric(PolicySection section, String key) {
    return section.has(key)
        ? section.choice(key, null, byCode(QualityMetric.values(), QualityMetric::code))
        : null;
  }

  private static <E> Map<String, E> byCode(E[] values, Function<E, String> code) {
    Map<String, E> map = new LinkedHashMap<>();
    for (E value : values) {
      map.put(code.apply(value), value);
    }
    return map;
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /**
   * This policy checked against the champion it will act for, with the defaults that depend on it
   * filled in: the trainer (the champion's), the offline metric (accuracy, or rmse for regression),
   * the shadow test (McNemar, or the bootstrap for log loss and regression) and the rollback metric
   * (the offline one).
   *
   * @throws IllegalArgumentException naming the source, the key path and why the policy does not
   *     fit the champion
   */
  public RetrainingPolicy resolve(Champion champion) {
    if (!model.equals(champion.name())) {
      throw new IllegalArgumentException(
          source + ": model: names '" + model + "' but the champion is '" + champion.name() + "'");
    }
    Task task = champion.task();
    QualityMetric offline = metricFor(gates.offline().metric(), task, "gates.offline.metric");
    QualityMetric watched =
        metricFor(rollback.metric() == null ? offline : rollback.metric(), task, "rollback.metric");
    checkTriggers(champion);
    return new RetrainingPolicy(
        version,
        model,
        new TrainerChoice(trainerFor(champion), trainer.seed()),
        triggers,
        data,
        perturb,
        new Gates(
            gates.offline().withMetric(offline),
            gates.shadow().withTest(shadowTestFor(task, offline))),
        rollback.withMetric(watched),
        alerts,
        keepCandidates,
        source,
        digest);
  }

  private TrainerKind trainerFor(Champion champion) {
    Task task = champion.task();
    TrainerKind kind = trainer.kind() == null ? champion.trainer() : trainer.kind();
    if (kind == null) {
      throw new IllegalArgumentException(
          source
              + ": trainer.kind: the champion was not made by a scorer trainer, so declare one of "
              + Arrays.stream(TrainerKind.values())
                  .filter(k -> k.task() == task)
                  .map(TrainerKind::code)
                  .collect(Collectors.joining(", ")));
    }
    fits(
        kind.task() == task,
        "trainer.kind",
        kind.code() + " makes " + kind.task().code() + " models",
        task);
    return kind;
  }

  private void checkTriggers(Champion champion) {
    if (triggers.liveQuality() != null) {
      fits(
          champion.task() == Task.CLASSIFICATION,
          "triggers.liveQuality",
          "accuracy and log loss measure classification models",
          champion.task());
    }
    if (triggers.drift() != null) {
      Set<String> unused = new TreeSet<>(triggers.drift().features());
      unused.removeAll(champion.fieldsUsed());
      if (!unused.isEmpty()) {
        throw new IllegalArgumentException(
            source
                + ": triggers.drift.features: "
                + unused
                + " not used by the champion, which uses "
                + new TreeSet<>(champion.fieldsUsed()));
      }
    }
  }

  private ShadowTestKind shadowTestFor(Task task, QualityMetric offline) {
    ShadowTestKind test = gates.shadow().test();
    if (test == null) {
      test =
          task == Task.REGRESSION || offline == QualityMetric.LOG_LOSS
              ? ShadowTestKind.BOOTSTRAP
              : ShadowTestKind.MCNEMAR;
    }
    fits(
        task == Task.CLASSIFICATION || test == ShadowTestKind.BOOTSTRAP,
        "gates.shadow.test",
        test.code() + " compares labels (bootstrapLogLoss compares a regression's squared errors)",
        task);
    return test;
  }

  private QualityMetric metricFor(QualityMetric declared, Task task, String key) {
    QualityMetric metric = declared == null ? QualityMetric.defaultFor(task) : declared;
    fits(
        metric.task() == task,
        key,
        metric.code() + " measures " + metric.task().code() + " models",
        task);
    return metric;
  }

  private void fits(boolean condition, String key, String why, Task task) {
    if (!condition) {
      throw new IllegalArgumentException(
          source + ": " + key + ": " + why + ", but the champion is a " + task.code() + " model");
    }
  }
}

package dev.scorestream.retraining;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scorestream.drift.DriftStatus;
import dev.scorestream.model.Task;
import dev.scorestream.retraining.RetrainingPolicy.ShadowTestKind;
import dev.scorestream.retraining.RetrainingPolicy.TimeBasis;
import dev.scorestream.training.TrainerKind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RetrainingPolicyTest {

  static final ObjectMapper JSON = new ObjectMapper();

  static final String MINIMAL =
      """
      {"version": 1, "model": "fraud", "triggers": {"manualOnly": true}}
      """;

  static final String FULL =
      """
      {"version": 1, "model": "fraud",
       "trainer": {"kind": "cart", "seed": 5},
       "triggers": {"pollInterval": "2s", "cooldown": "30m",
         "liveQuality": {"metric": "logLoss", "above": 0.4, "worseThanBaselineBy": 0.1,
                         "windows": 4, "minLabels": 50},
         "drift": {"windows": 2, "features": ["amount", "country"], "status": "WARN"},
         "schemaChange": {"enabled": true},
         "schedule": {"every": "7d", "at": "2024-01-07T03:00:00Z"}},
       "data": {"window": "3d", "minExamples": 10, "maxExamples": 500, "evalFraction": 0.3,
         "gap": "1h", "timeField": "label",
         "championData": {"share": 0.4, "maxRows": 77, "ifMissing": "fail"}},
       "perturb": {"share": 0.25, "seed": 99,
         "kinds": {"missing": {"weight": 0},
                   "numbers": {"weight": 2, "fields": ["amount"], "scale": [0.8, 1.5], "jitter": 0.1},
                   "unseenCategories": {"weight": 3, "fields": ["country"]},
                   "messyStrings": {"weight": 0.5}}},
       "gates": {
         "offline": {"metric": "logLoss", "margin": 0.01, "minEvalRows": 40,
                     "maxRobustnessLoss": 0.03, "significance": 0.01},
         "shadow": {"test": "both", "minPaired": 300, "alpha": 0.1, "looks": 4, "margin": 0.002,
                    "maxDuration": "2h", "pickupTimeout": "0s", "maxChallengerFailures": 0.01,
                    "bootstrap": {"resamples": 500, "seed": 3}}},
       "rollback": {"windows": 2, "minLabels": 100, "metric": "accuracy", "margin": 0.02,
                    "maxWait": "1h"},
       "alerts": {"noAcceptedModelAfter": "12h"},
       "candidates": {"keep": 5}}
      """;

  static final RetrainingPolicy.Champion CLASSIFIER =
      new RetrainingPolicy.Champion(
          "fraud", Task.CLASSIFICATION, TrainerKind.LOGISTIC, Set.of("amount", "country"));

  static final RetrainingPolicy.Champion REGRESSOR =
      new RetrainingPolicy.Champion(
          "fraud", Task.REGRESSION, TrainerKind.LINEAR_REGRESSION, Set.of("amount"));

  /** The minimal policy with {@code overlay} merged into it, key by key. */
  static String with(String overlay) throws Exception {
    ObjectNode base = (ObjectNode) JSON.readTree(MINIMAL);
    merge(base, JSON.readTree(overlay));
    return JSON.writeValueAsString(base);
  }

  static void merge(ObjectNode into, JsonNode from) {
    from.fields()
        .forEachRemaining(
            entry -> {
              JsonNode existing = into.get(entry.getKey());
              if (existing instanceof ObjectNode object && entry.getValue().isObject()) {
                merge(object, entry.getValue());
              } else {
                into.set(entry.getKey(), entry.getValue());
              }
            });
  }

  static RetrainingPolicy parse(String json) {
    return RetrainingPolicy.parse(json, "policy.json");
  }

  @Test
  void shouldFillEveryDefaultOfTheDesign() {
    RetrainingPolicy policy = parse(MINIMAL);

    assertThat(policy.version()).isEqualTo(1);
    assertThat(policy.model()).isEqualTo("fraud");
    assertThat(policy.trainer()).isEqualTo(new RetrainingPolicy.TrainerChoice(null, 42));
    assertThat(policy.triggers())
        .isEqualTo(
            new RetrainingPolicy.Triggers(
                Duration.ofSeconds(10), Duration.ofHours(1), true, null, null, false, null));
    assertThat(policy.data())
        .isEqualTo(
            new RetrainingPolicy.Data(
                Duration.ofDays(7),
                1000,
                200_000,
                0.2,
                Duration.ZERO,
                TimeBasis.EVENT,
                new RetrainingPolicy.ChampionData(0.2, 50_000, false)));
    RetrainingPolicy.Perturb perturb = policy.perturb();
    assertThat(perturb.share()).isEqualTo(0.1);
    assertThat(perturb.seed()).isEqualTo(7);
    assertThat(perturb.scaleLow()).isEqualTo(0.5);
    assertThat(perturb.scaleHigh()).isEqualTo(2.0);
    assertThat(perturb.jitter()).isEqualTo(0.05);
    assertThat(perturb.kinds())
        .hasSize(4)
        .allSatisfy(
            (kind, declared) ->
                assertThat(declared)
                    .isEqualTo(
                        new RetrainingPolicy.PerturbKind(
                            1, RetrainingPolicy.PerturbKind.EVERY_ELIGIBLE, false)));
    assertThat(policy.gates().offline())
        .isEqualTo(new RetrainingPolicy.Offline(null, 0.005, 500, 0.02, null));
    assertThat(policy.gates().shadow())
        .isEqualTo(
            new RetrainingPolicy.Shadow(
                null,
                2000,
                0.05,
                5,
                0,
                Duration.ofHours(24),
                Duration.ofMinutes(5),
                0.001,
                new RetrainingPolicy.Bootstrap(2000, 11)));
    assertThat(policy.gates().shadow().alphaPerLook()).isEqualTo(0.01);
    assertThat(policy.rollback())
        .isEqualTo(new RetrainingPolicy.Rollback(3, 200, null, 0.01, Duration.ofHours(6)));
    assertThat(policy.alerts().noAcceptedModelAfter()).isEqualTo(Duration.ofDays(3));
    assertThat(policy.keepCandidates()).isEqualTo(20);
    assertThat(policy.source()).isEqualTo("policy.json");
  }

  @Test
  void shouldReadEveryDeclaredKey() {
    RetrainingPolicy policy = parse(FULL);

    assertThat(policy.trainer()).isEqualTo(new RetrainingPolicy.TrainerChoice(TrainerKind.CART, 5));
    RetrainingPolicy.Triggers triggers = policy.triggers();
    assertThat(triggers.pollInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(triggers.cooldown()).isEqualTo(Duration.ofMinutes(30));
    assertThat(triggers.manualOnly()).isFalse();
    assertThat(triggers.liveQuality())
        .isEqualTo(new RetrainingPolicy.LiveQuality(QualityMetric.LOG_LOSS, 0.4, 0.1, 4, 50));
    assertThat(triggers.drift())
        .isEqualTo(new RetrainingPolicy.Drift(2, List.of("amount", "country"), DriftStatus.WARN));
    assertThat(triggers.schemaChange()).isTrue();
    assertThat(triggers.schedule())
        .isEqualTo(
            new RetrainingPolicy.Schedule(
                Duration.ofDays(7), Instant.parse("2024-01-07T03:00:00Z")));
    assertThat(policy.data())
        .isEqualTo(
            new RetrainingPolicy.Data(
                Duration.ofDays(3),
                10,
                500,
                0.3,
                Duration.ofHours(1),
                TimeBasis.LABEL,
                new RetrainingPolicy.ChampionData(0.4, 77, true)));
    RetrainingPolicy.Perturb perturb = policy.perturb();
    assertThat(perturb.share()).isEqualTo(0.25);
    assertThat(perturb.seed()).isEqualTo(99);
    assertThat(perturb.scaleLow()).isEqualTo(0.8);
    assertThat(perturb.scaleHigh()).isEqualTo(1.5);
    assertThat(perturb.jitter()).isEqualTo(0.1);
    assertThat(perturb.kind(PerturbationKind.MISSING))
        .isEqualTo(new RetrainingPolicy.PerturbKind(0, List.of("*"), true));
    assertThat(perturb.kind(PerturbationKind.NUMBERS))
        .isEqualTo(new RetrainingPolicy.PerturbKind(2, List.of("amount"), true));
    assertThat(perturb.kind(PerturbationKind.UNSEEN_CATEGORIES).fields())
        .containsExactly("country");
    assertThat(perturb.kind(PerturbationKind.MESSY_STRINGS).weight()).isEqualTo(0.5);
    assertThat(policy.gates().offline())
        .isEqualTo(new RetrainingPolicy.Offline(QualityMetric.LOG_LOSS, 0.01, 40, 0.03, 0.01));
    assertThat(policy.gates().shadow())
        .isEqualTo(
            new RetrainingPolicy.Shadow(
                ShadowTestKind.BOTH,
                300,
                0.1,
                4,
                0.002,
                Duration.ofHours(2),
                Duration.ZERO,
                0.01,
                new RetrainingPolicy.Bootstrap(500, 3)));
    assertThat(policy.rollback())
        .isEqualTo(
            new RetrainingPolicy.Rollback(
                2, 100, QualityMetric.ACCURACY, 0.02, Duration.ofHours(1)));
    assertThat(policy.alerts().noAcceptedModelAfter()).isEqualTo(Duration.ofHours(12));
    assertThat(policy.keepCandidates()).isEqualTo(5);
  }

  static Stream<Arguments> badValues() {
    return Stream.of(
        Arguments.of(
            "{\"gates\": {\"shadow\": {\"alpha\": 0.7}}}",
            "policy.json: gates.shadow.alpha: must be in (0, 0.5], got 0.7"),
        Arguments.of(
            "{\"gates\": {\"shadow\": {\"alpha\": 0}}}",
            "policy.json: gates.shadow.alpha: must be in (0, 0.5], got 0"),
        Arguments.of(
            "{\"gates\": {\"shadow\": {\"looks\": 21}}}",
            "policy.json: gates.shadow.looks: must be in [1, 20], got 21"),
        Arguments.of(
            "{\"gates\": {\"shadow\": {\"test\": \"ttest\"}}}",
            "policy.json: gates.shadow.test: must be one of bootstrapLogLoss, both, mcnemar,"
                + " got \"ttest\""),
        Arguments.of(
            "{\"gates\": {\"shadow\": {\"bootstrap\": {\"resamples\": 100}}}}",
            "policy.json: gates.shadow.bootstrap.resamples: must be in [200, 100000], got 100"),
        Arguments.of(
            "{\"gates\": {\"shadow\": {\"maxChallengerFailures\": 1.5}}}",
            "policy.json: gates.shadow.maxChallengerFailures: must be in [0, 1], got 1.5"),
        Arguments.of(
            "{\"gates\": {\"offline\": {\"metric\": \"f1\"}}}",
            "policy.json: gates.offline.metric: must be one of accuracy, logLoss, rmse, got \"f1\""),
        Arguments.of(
            "{\"gates\": {\"offline\": {\"margin\": -0.1}}}",
            "policy.json: gates.offline.margin: must be at least 0, got -0.1"),
        Arguments.of(
            "{\"gates\": {\"offline\": {\"minEvalRows\": 12.5}}}",
            "policy.json: gates.offline.minEvalRows: must be a whole number, got 12.5"),
        Arguments.of(
            "{\"gates\": {\"offline\": {\"significance\": 0.6}}}",
            "policy.json: gates.offline.significance: must be in (0, 0.5], got 0.6"),
        Arguments.of(
            "{\"data\": {\"evalFraction\": 0.01}}",
            "policy.json: data.evalFraction: must be in [0.05, 0.5], got 0.01"),
        Arguments.of(
            "{\"data\": {\"minExamples\": 10, \"maxExamples\": 5}}",
            "policy.json: data.maxExamples: must be at least minExamples (10), got 5"),
        Arguments.of(
            "{\"data\": {\"window\": \"a week\"}}",
            "policy.json: data.window: expected a duration such as 250ms, 30s, 5m, 2h or 7d,"
                + " got 'a week'"),
        Arguments.of(
            "{\"data\": {\"timeField\": \"arrival\"}}",
            "policy.json: data.timeField: must be one of event, label, got \"arrival\""),
        Arguments.of(
            "{\"data\": {\"championData\": {\"share\": 0.95}}}",
            "policy.json: data.championData.share: must be in [0, 0.9], got 0.95"),
        Arguments.of(
            "{\"data\": {\"championData\": {\"ifMissing\": \"ignore\"}}}",
            "policy.json: data.championData.ifMissing: must be one of fail, skip, got \"ignore\""),
        Arguments.of(
            "{\"perturb\": {\"share\": 0.6}}",
            "policy.json: perturb.share: must be in [0, 0.5], got 0.6"),
        Arguments.of(
            "{\"perturb\": {\"kinds\": {\"numbers\": {\"scale\": [1.5, 2]}}}}",
            "policy.json: perturb.kinds.numbers.scale: must be [low, high] with 0 < low <= 1 <="
                + " high, got [1.5,2]"),
        Arguments.of(
            "{\"perturb\": {\"kinds\": {\"missing\": {\"weight\": -1}}}}",
            "policy.json: perturb.kinds.missing.weight: must be at least 0, got -1"),
        Arguments.of(
            "{\"perturb\": {\"kinds\": {\"messyStrings\": {\"fields\": []}}}}",
            "policy.json: perturb.kinds.messyStrings.fields: must be a non-empty list of names,"
                + " got []"),
        Arguments.of(
            "{\"perturb\": {\"kinds\": {\"missing\": {\"weight\": 0}, \"numbers\": {\"weight\": 0},"
                + " \"unseenCategories\": {\"weight\": 0}, \"messyStrings\": {\"weight\": 0}}}}",
            "policy.json: perturb.kinds: every kind has weight 0 while perturb.share is 0.1"),
        Arguments.of(
            "{\"triggers\": {\"pollInterval\": \"50ms\"}}",
            "policy.json: triggers.pollInterval: must be at least 100ms, got \"50ms\""),
        Arguments.of(
            "{\"triggers\": {\"manualOnly\": \"yes\"}}",
            "policy.json: triggers.manualOnly: must be true or false, got \"yes\""),
        Arguments.of(
            "{\"triggers\": {\"manualOnly\": false, \"liveQuality\": {\"below\": 1.2}}}",
            "policy.json: triggers.liveQuality.below: must be in [0, 1], got 1.2"),
        Arguments.of(
            "{\"triggers\": {\"manualOnly\": false, \"liveQuality\": {\"windows\": 3}}}",
            "policy.json: triggers.liveQuality.below: is required unless worseThanBaselineBy is"
                + " given (at least one threshold)"),
        Arguments.of(
            "{\"triggers\": {\"manualOnly\": false, \"liveQuality\": {\"metric\": \"logLoss\","
                + " \"below\": 0.5}}}",
            "policy.json: triggers.liveQuality.below: does not apply to logLoss; use \"above\","
                + " got 0.5"),
        Arguments.of(
            "{\"triggers\": {\"manualOnly\": false, \"liveQuality\": {\"below\": 0.8,"
                + " \"minLabels\": 0}}}",
            "policy.json: triggers.liveQuality.minLabels: must be at least 1, got 0"),
        Arguments.of(
            "{\"triggers\": {\"manualOnly\": false, \"drift\": {\"features\": \"all\"}}}",
            "policy.json: triggers.drift.features: must be \"served\" or a list of fields, got"
                + " \"all\""),
        Arguments.of(
            "{\"triggers\": {\"manualOnly\": false, \"drift\": {\"status\": \"OK\"}}}",
            "policy.json: triggers.drift.status: must be one of ALERT, WARN, got \"OK\""),
        Arguments.of(
            "{\"triggers\": {\"manualOnly\": false, \"schedule\": {\"at\": \"2024-01-01\"}}}",
            "policy.json: triggers.schedule.every: is required"),
        Arguments.of(
            "{\"triggers\": {\"manualOnly\": false, \"schedule\": {\"every\": \"1d\","
                + " \"at\": \"monday\"}}}",
            "policy.json: triggers.schedule.at: must be an ISO-8601 instant such as"
                + " 2024-01-01T00:00:00Z, got \"monday\""),
        Arguments.of(
            "{\"triggers\": {\"liveQuality\": {\"below\": 0.8}}}",
            "policy.json: triggers.manualOnly: true excludes every other trigger; remove it or"
                + " the other triggers"),
        Arguments.of(
            "{\"triggers\": {\"manualOnly\": false}}",
            "policy.json: triggers: declare at least one of liveQuality, drift, schemaChange"
                + " (enabled), schedule, or \"manualOnly\": true for a loop that only a person"
                + " starts"),
        Arguments.of(
            "{\"triggers\": {\"manualOnly\": false, \"schemaChange\": {\"enabled\": false}}}",
            "policy.json: triggers: declare at least one of liveQuality, drift, schemaChange"
                + " (enabled), schedule, or \"manualOnly\": true for a loop that only a person"
                + " starts"),
        Arguments.of(
            "{\"trainer\": {\"kind\": \"svm\"}}",
            "policy.json: trainer.kind: must be one of cart, forest, linear-regression, logistic,"
                + " tree-regression, got \"svm\""),
        Arguments.of(
            "{\"rollback\": {\"windows\": 0}}",
            "policy.json: rollback.windows: must be in [1, 1000], got 0"),
        Arguments.of(
            "{\"alerts\": {\"noAcceptedModelAfter\": \"0s\"}}",
            "policy.json: alerts.noAcceptedModelAfter: must be at least 1s, got \"0s\""),
        Arguments.of(
            "{\"candidates\": {\"keep\": 1}}",
            "policy.json: candidates.keep: must be in [2, 100000], got 1"),
        Arguments.of(
            "{\"gates\": {\"shadow\": 5}}", "policy.json: gates.shadow: must be an object, got 5"),
        Arguments.of(
            "{\"version\": 2}", "policy.json: version: must be 1, the only version so far, got 2"),
        Arguments.of(
            "{\"model\": \"  \"}", "policy.json: model: must be a non-blank string, got \"  \""));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("badValues")
  void shouldNameTheKeyPathAndTheRefusedValue(String overlay, String message) throws Exception {
    String json = with(overlay);

    assertThatThrownBy(() -> parse(json))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  @Test
  void shouldRequireVersionAndModel() {
    assertThatThrownBy(() -> parse("{\"model\": \"fraud\", \"triggers\": {\"manualOnly\": true}}"))
        .hasMessage("policy.json: version: is required");
    assertThatThrownBy(() -> parse("{\"version\": 1, \"triggers\": {\"manualOnly\": true}}"))
        .hasMessage("policy.json: model: is required");
    assertThatThrownBy(() -> parse("[1, 2]"))
        .hasMessage("policy.json: a policy is a JSON object, got [1,2]");
    assertThatThrownBy(() -> parse("{\"version\": 1,"))
        .hasMessageStartingWith("policy.json is not JSON: ");
  }

  @Test
  void shouldRefuseUnknownKeysListingTheKnownOnes() throws Exception {
    String typo = with("{\"gates\": {\"shadow\": {\"alpah\": 0.05}}}");
    assertThatThrownBy(() -> parse(typo))
        .hasMessage(
            "policy.json: gates.shadow: unknown key alpah; known: alpha, bootstrap, looks, margin,"
                + " maxChallengerFailures, maxDuration, minPaired, pickupTimeout, test");

    String top = with("{\"trigers\": {}, \"gate\": {}}");
    assertThatThrownBy(() -> parse(top))
        .hasMessage(
            "policy.json: unknown keys trigers, gate; known: alerts, candidates, data, gates,"
                + " model, perturb, rollback, trainer, triggers, version");

    String kind = with("{\"perturb\": {\"kinds\": {\"typos\": {}}}}");
    assertThatThrownBy(() -> parse(kind))
        .hasMessage(
            "policy.json: perturb.kinds: unknown key typos; known: messyStrings, missing, numbers,"
                + " unseenCategories");

    String scale = with("{\"perturb\": {\"kinds\": {\"missing\": {\"scale\": [0.5, 2]}}}}");
    assertThatThrownBy(() -> parse(scale))
        .as("scale belongs to numbers only")
        .hasMessage("policy.json: perturb.kinds.missing: unknown key scale; known: fields, weight");
  }

  @Test
  void shouldTakeManualOnlyAsTheOnlyWayToDeclareNoTrigger() throws Exception {
    assertThat(parse(MINIMAL).triggers().automatic()).isFalse();

    RetrainingPolicy scheduled =
        parse(with("{\"triggers\": {\"manualOnly\": false, \"schedule\": {\"every\": \"1d\"}}}"));
    assertThat(scheduled.triggers().automatic()).isTrue();
    assertThat(scheduled.triggers().schedule().at()).isEqualTo(Instant.EPOCH);

    RetrainingPolicy schemaOnly =
        parse(
            with("{\"triggers\": {\"manualOnly\": false, \"schemaChange\": {\"enabled\": true}}}"));
    assertThat(schemaOnly.triggers().schemaChange()).isTrue();
    assertThat(schemaOnly.triggers().automatic()).isTrue();

    RetrainingPolicy served =
        parse(
            with("{\"triggers\": {\"manualOnly\": false, \"drift\": {\"features\": \"served\"}}}"));
    assertThat(served.triggers().drift().features()).isEmpty();
    assertThat(served.triggers().drift().watched(Set.of("amount", "hour_of_day")))
        .containsExactlyInAnyOrder("amount", "hour_of_day");
    assertThat(served.triggers().drift().status()).isEqualTo(DriftStatus.ALERT);
    assertThat(served.triggers().drift().windows()).isEqualTo(3);
  }

  @Test
  void shouldDigestTheExactBytesAndNameTheFile(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("policy.json"), FULL);
    String expected =
        HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256").digest(FULL.getBytes(StandardCharsets.UTF_8)));

    RetrainingPolicy policy = RetrainingPolicy.read(file);

    assertThat(policy.digest()).isEqualTo(expected).hasSize(64);
    assertThat(policy.source()).isEqualTo(file.toString());
    assertThat(parse(FULL + " ").digest())
        .as("the same policy with one more space is another file")
        .isNotEqualTo(expected);

    Files.writeString(file, FULL.replace("\"alpha\": 0.1", "\"alpha\": 0.7"));
    assertThatThrownBy(() -> RetrainingPolicy.read(file))
        .hasMessage(file + ": gates.shadow.alpha: must be in (0, 0.5], got 0.7");
  }

  @Test
  void shouldResolveTheDefaultsThatDependOnTheChampion() throws Exception {
    RetrainingPolicy classifier = parse(MINIMAL).resolve(CLASSIFIER);
    assertThat(classifier.trainer().kind()).isEqualTo(TrainerKind.LOGISTIC);
    assertThat(classifier.gates().offline().metric()).isEqualTo(QualityMetric.ACCURACY);
    assertThat(classifier.gates().shadow().test()).isEqualTo(ShadowTestKind.MCNEMAR);
    assertThat(classifier.rollback().metric()).isEqualTo(QualityMetric.ACCURACY);
    assertThat(classifier.digest()).isEqualTo(parse(MINIMAL).digest());
    assertThat(classifier.gates().offline().margin()).isEqualTo(0.005);
    assertThat(classifier.gates().shadow().minPaired()).isEqualTo(2000);

    RetrainingPolicy byLogLoss =
        parse(with("{\"gates\": {\"offline\": {\"metric\": \"logLoss\"}}}")).resolve(CLASSIFIER);
    assertThat(byLogLoss.gates().shadow().test()).isEqualTo(ShadowTestKind.BOOTSTRAP);
    assertThat(byLogLoss.rollback().metric()).isEqualTo(QualityMetric.LOG_LOSS);

    RetrainingPolicy regression = parse(MINIMAL).resolve(REGRESSOR);
    assertThat(regression.trainer().kind()).isEqualTo(TrainerKind.LINEAR_REGRESSION);
    assertThat(regression.gates().offline().metric()).isEqualTo(QualityMetric.RMSE);
    assertThat(regression.gates().shadow().test()).isEqualTo(ShadowTestKind.BOOTSTRAP);
    assertThat(regression.rollback().metric()).isEqualTo(QualityMetric.RMSE);

    RetrainingPolicy declared = parse(FULL).resolve(CLASSIFIER);
    assertThat(declared.trainer().kind()).as("a declared trainer wins").isEqualTo(TrainerKind.CART);
    assertThat(declared.gates().shadow().test()).isEqualTo(ShadowTestKind.BOTH);
    assertThat(declared.rollback().metric()).isEqualTo(QualityMetric.ACCURACY);
  }

  static Stream<Arguments> misfits() {
    RetrainingPolicy.Champion imported =
        new RetrainingPolicy.Champion("fraud", Task.CLASSIFICATION, null, Set.of("amount"));
    return Stream.of(
        Arguments.of(
            MINIMAL,
            new RetrainingPolicy.Champion("churn", Task.CLASSIFICATION, TrainerKind.CART, Set.of()),
            "policy.json: model: names 'fraud' but the champion is 'churn'"),
        Arguments.of(
            MINIMAL,
            imported,
            "policy.json: trainer.kind: the champion was not made by a scorer trainer, so declare"
                + " one of logistic, cart, forest"),
        Arguments.of(
            "{\"trainer\": {\"kind\": \"logistic\"}}",
            REGRESSOR,
            "policy.json: trainer.kind: logistic makes classification models, but the champion is"
                + " a regression model"),
        Arguments.of(
            "{\"gates\": {\"offline\": {\"metric\": \"rmse\"}}}",
            CLASSIFIER,
            "policy.json: gates.offline.metric: rmse measures regression models, but the champion"
                + " is a classification model"),
        Arguments.of(
            "{\"rollback\": {\"metric\": \"accuracy\"}}",
            REGRESSOR,
            "policy.json: rollback.metric: accuracy measures classification models, but the"
                + " champion is a regression model"),
        Arguments.of(
            "{\"gates\": {\"shadow\": {\"test\": \"mcnemar\"}}}",
            REGRESSOR,
            "policy.json: gates.shadow.test: mcnemar compares labels (bootstrapLogLoss compares a"
                + " regression's squared errors), but the champion is a regression model"),
        Arguments.of(
            "{\"triggers\": {\"manualOnly\": false, \"liveQuality\": {\"below\": 0.8}}}",
            REGRESSOR,
            "policy.json: triggers.liveQuality: accuracy and log loss measure classification"
                + " models, but the champion is a regression model"),
        Arguments.of(
            "{\"triggers\": {\"manualOnly\": false, \"drift\": {\"features\": [\"amount\","
                + " \"zip\"]}}}",
            CLASSIFIER,
            "policy.json: triggers.drift.features: [zip] not used by the champion, which uses"
                + " [amount, country]"));
  }

  @ParameterizedTest(name = "{2}")
  @MethodSource("misfits")
  void shouldRefuseAPolicyThatDoesNotFitTheChampion(
      String overlay, RetrainingPolicy.Champion champion, String message) throws Exception {
    RetrainingPolicy policy = parse(overlay.equals(MINIMAL) ? MINIMAL : with(overlay));

    assertThatThrownBy(() -> policy.resolve(champion))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  @Test
  void shouldCountScheduleSlotsFromAt() {
    RetrainingPolicy.Schedule daily =
        new RetrainingPolicy.Schedule(Duration.ofDays(1), Instant.parse("2024-01-01T03:00:00Z"));

    assertThat(daily.slot(Instant.parse("2024-01-01T02:59:59Z"))).isEqualTo(-1);
    assertThat(daily.slot(Instant.parse("2024-01-01T03:00:00Z"))).isZero();
    assertThat(daily.slot(Instant.parse("2024-01-02T02:59:59Z"))).isZero();
    assertThat(daily.slot(Instant.parse("2024-01-03T03:00:00Z"))).isEqualTo(2);
    assertThat(daily.slotStart(2)).isEqualTo(Instant.parse("2024-01-03T03:00:00Z"));
  }
}

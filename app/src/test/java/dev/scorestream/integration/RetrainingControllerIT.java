package dev.scorestream.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.scorestream.app.RetrainApp;
import dev.scorestream.app.StreamsProperties;
import dev.scorestream.config.ScorerConfig;
import dev.scorestream.evolution.ExtractorInputs;
import dev.scorestream.evolution.SchemaChangeAnalysis;
import dev.scorestream.evolution.SchemaChangeRecords;
import dev.scorestream.evolution.ServingModel;
import dev.scorestream.fixtures.SyntheticFeedback;
import dev.scorestream.model.ModelArtifact;
import dev.scorestream.model.ModelDirectory;
import dev.scorestream.model.TrainingRows;
import dev.scorestream.payments.PaymentGenerator;
import dev.scorestream.registry.RegistrySettings;
import dev.scorestream.registry.SchemaRegistryClient;
import dev.scorestream.retraining.AuditTrail;
import dev.scorestream.retraining.ModelEvent;
import dev.scorestream.retraining.Rebuilder;
import dev.scorestream.samples.SampleSchemas;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.schemas.LabelledRecord;
import dev.scorestream.testkit.EmbeddedStack;
import dev.scorestream.testkit.RealComponents;
import dev.scorestream.training.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The retraining controller on the real broker and registry, fed what a pipeline's label join and
 * live-quality windows would write ({@link SyntheticFeedback}, with the real models' answers).
 */
@ExtendWith(RealComponents.class)
class RetrainingControllerIT {

  static final Duration WAIT = Duration.ofSeconds(90);

  @TempDir Path dir;

  /** The topics and directories of one loop. */
  record Loop(String prefix, Path models, Path challengers, Path policy, ScorerConfig config) {

    String training() {
      return prefix + "events.training";
    }

    String performance() {
      return prefix + "events.performance";
    }

    List<ModelEvent> trail(EmbeddedStack stack) {
      return AuditTrail.forReading(
              prefix + "model-events",
              new SchemaRegistryClient(RegistrySettings.of(stack.registry().url())))
          .read(StreamsProperties.clients(config), "fraud");
    }

    List<ModelEvent.Type> types(EmbeddedStack stack) {
      return trail(stack).stream().map(ModelEvent::type).toList();
    }

    String serving() {
      return new ModelDirectory(models, TestModels.extractor())
          .newestValid()
          .orElseThrow()
          .metadata()
          .version();
    }
  }

  Loop loop(EmbeddedStack stack, String prefix, String policy) throws Exception {
    stack
        .kafka()
        .createTopics(
            Map.of(
                prefix + "events.training", 2,
                prefix + "events.performance", 1,
                prefix + "events.drift", 1,
                prefix + "model-events", 1,
                prefix + "schema-changes", 1));
    Path models = dir.resolve(prefix + "models");
    TestModels.logistic().save(models.resolve("fraud-v1"));
    Path challengers = models.resolve(".challenger");
    Path policyFile = dir.resolve(prefix + "policy.json");
    Files.writeString(policyFile, policy);
    Map<String, Object> values = new HashMap<>();
    values.put(ScorerConfig.BOOTSTRAP_SERVERS, stack.kafka().bootstrapServers());
    values.put(ScorerConfig.REGISTRY_URL, stack.registry().url());
    values.put(ScorerConfig.MODEL_DIR, models.toString());
    values.put(ScorerConfig.CHALLENGER_DIR, challengers.toString());
    values.put(ScorerConfig.TOPIC_TRAINING, prefix + "events.training");
    values.put(ScorerConfig.TOPIC_PERFORMANCE, prefix + "events.performance");
    values.put(ScorerConfig.TOPIC_DRIFT, prefix + "events.drift");
    values.put(ScorerConfig.TOPIC_MODEL_EVENTS, prefix + "model-events");
    values.put(ScorerConfig.TOPIC_SCHEMA_CHANGES, prefix + "schema-changes");
    values.put(ScorerConfig.RETRAIN_LEASE_PREFIX, prefix + "retrain");
    values.put(ScorerConfig.RETRAIN_SESSION_TIMEOUT, "6s");
    return new Loop(prefix, models, challengers, policyFile, ScorerConfig.of(values));
  }

  static List<LabelledRecord> payments(int count, long seed, PaymentGenerator.Concept concept) {
    PaymentGenerator generator =
        new PaymentGenerator(Contracts.paymentEvent(), seed)
            .shift(PaymentGenerator.Shift.season(concept));
    List<LabelledRecord> rows = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      rows.add(generator.next(0));
    }
    return rows;
  }

  @Test
  void shouldRejectACandidateNoBetterThanTheChampionOnNewerRows(EmbeddedStack stack)
      throws Exception {
    Loop loop =
        loop(
            stack,
            "rj-",
            """
            {"version": 1, "model": "fraud", "triggers": {"manualOnly": true},
             "data": {"window": "30d", "minExamples": 1000, "evalFraction": 0.25,
                      "championData": {"share": 0.2}},
             "perturb": {"share": 0.1, "seed": 3, "kinds": {
               "missing": {"weight": 0}, "numbers": {"fields": ["amount"]},
               "unseenCategories": {"fields": ["country"]},
               "messyStrings": {"fields": ["merchant_category"]}}},
             "gates": {"offline": {"margin": 0.02, "minEvalRows": 200}}}
            """);
    Instant start = Instant.parse("2026-11-01T00:00:00Z");
    try (SyntheticFeedback feedback =
        new SyntheticFeedback(stack, loop.training(), loop.performance())) {
      feedback.examples(
          payments(3000, 61, PaymentGenerator.Concept.USUAL), start, TestModels.logistic(), null);
    }
    List<String> log = new CopyOnWriteArrayList<>();
    RetrainApp app = RetrainApp.create(loop.config(), loop.policy(), log::add, Clock.systemUTC());
    try {
      assertThat(app.controller().once(Duration.ofSeconds(30))).isTrue();
    } finally {
      app.shutdown();
    }

    List<ModelEvent> trail = loop.trail(stack);
    assertThat(trail)
        .extracting(ModelEvent::type)
        .containsExactly(
            ModelEvent.Type.TRIGGERED, ModelEvent.Type.TRAINED, ModelEvent.Type.REJECTED);
    ModelEvent trained = trail.get(1);
    assertThat(trained.gates())
        .filteredOn(g -> g.name().equals("offline.margin"))
        .singleElement()
        .satisfies(g -> assertThat(g.passed()).isFalse());
    assertThat(trail.get(2).reason()).startsWith("OFFLINE_GATE");
    ModelEvent.DataCoordinates data = trained.data();
    assertThat(data.counts().read()).isEqualTo(3000);
    assertThat(data.counts().evalRows()).isEqualTo(750);
    assertThat(data.counts().trainRows()).isEqualTo(2250 + data.counts().championRows());
    assertThat(data.ranges().stream().mapToLong(r -> r.toOffset() - r.fromOffset()).sum())
        .isEqualTo(3000);
    // Out of time: no training row of the window is as new as the first held-out one.
    Path stored = loop.models().resolve(".candidates").resolve(trained.artifact().directory());
    List<TrainingRows.Row> rows = TrainingRows.read(stored, Contracts.paymentEvent());
    assertThat(rows).hasSize((int) data.counts().trainRows());
    assertThat(rows)
        .allSatisfy(
            row -> assertThat(row.eventTime()).isLessThan(data.holdoutFrom().toEpochMilli()));
    assertThat(loop.serving()).isEqualTo("test-v1");
    try (Stream<Path> challengers = Files.list(loop.challengers())) {
      assertThat(challengers.filter(p -> !p.getFileName().toString().startsWith("."))).isEmpty();
    }

    // Rebuilt from the record alone: the same rows, figures and answers.
    Rebuilder.Report rebuilt =
        RetrainApp.rebuilder(loop.config(), loop.policy(), log::add, Clock.systemUTC())
            .rebuild(trained.eventId());
    assertThat(rebuilt.checks())
        .allSatisfy(check -> assertThat(check.same()).as(check.toString()).isTrue());
    assertThat(rebuilt.checks())
        .extracting(Rebuilder.Check::name)
        .contains("rows digest", "training rows (content)", "held-out answers");
    // Perturbations change only what the policy declares: one declared field per row.
    Map<String, String> declared =
        Map.of(
            "numbers",
            "amount",
            "unseenCategories",
            "country",
            "messyStrings",
            "merchant_category");
    assertThat(rebuilt.perturbed()).hasSize((int) data.counts().perturbed()).isNotEmpty();
    // A messy string is drawn raw and sanitizes back, as in the stream: the row trains clean.
    assertThat(rebuilt.perturbed())
        .allSatisfy(
            row ->
                assertThat(Rebuilder.changedFields(row.clean(), row.messy()))
                    .isEqualTo(
                        row.kind().code().equals("messyStrings")
                            ? List.of()
                            : List.of(declared.get(row.kind().code()))));
    assertThat(rebuilt.perturbed())
        .filteredOn(row -> row.kind().code().equals("messyStrings"))
        .allSatisfy(
            row ->
                assertThat(row.drawn())
                    .isNotEqualTo(row.clean().get("merchant_category").toString())
                    .satisfies(
                        drawn ->
                            assertThat(drawn.strip().toLowerCase(java.util.Locale.ROOT))
                                .isEqualTo(row.clean().get("merchant_category").toString())));
    assertThat(rebuilt.perturbed())
        .extracting(row -> row.kind().code())
        .containsOnly("numbers", "unseenCategories", "messyStrings")
        .contains("numbers", "unseenCategories", "messyStrings");
    assertThat(data.perturbedByKind()).containsEntry("missing", 0L);
  }

  @Test
  void shouldPromoteOnATriggerAndRollBackWhenItDoesWorseLive(EmbeddedStack stack) throws Exception {
    Loop loop =
        loop(
            stack,
            "rt-",
            """
            {"version": 1, "model": "fraud",
             "triggers": {"pollInterval": "200ms", "cooldown": "1h",
               "liveQuality": {"metric": "accuracy", "below": 0.8, "windows": 2, "minLabels": 100}},
             "data": {"window": "30d", "minExamples": 1000, "evalFraction": 0.25,
                      "championData": {"share": 0.1}},
             "perturb": {"share": 0.1},
             "gates": {"offline": {"margin": 0.02, "minEvalRows": 200},
                       "shadow": {"test": "mcnemar", "minPaired": 500, "looks": 1,
                                  "pickupTimeout": "0s"}},
             "rollback": {"windows": 2, "minLabels": 100, "margin": 0.02, "maxWait": "1h"}}
            """);
    Instant start = Instant.parse("2026-12-01T00:00:00Z");
    Instant now = Instant.now();
    List<String> log = new CopyOnWriteArrayList<>();
    try (SyntheticFeedback feedback =
            new SyntheticFeedback(stack, loop.training(), loop.performance());
        RetrainApp app =
            RetrainApp.create(loop.config(), loop.policy(), log::add, Clock.systemUTC())) {
      feedback.examples(
          payments(4000, 71, PaymentGenerator.Concept.HOLIDAY), start, TestModels.logistic(), null);
      // The holiday season: the champion's live accuracy falls below the policy's 0.8.
      feedback.performance("test-v1", now.minusSeconds(120), 300, 0.70);
      feedback.performance("test-v1", now.minusSeconds(60), 300, 0.70);
      Thread controller = new Thread(app::watch, "controller");
      controller.start();
      try {
        await()
            .atMost(WAIT)
            .until(() -> loop.types(stack).contains(ModelEvent.Type.SHADOW_STARTED));
        ModelEvent shadow =
            loop.trail(stack).stream()
                .filter(e -> e.type() == ModelEvent.Type.SHADOW_STARTED)
                .findFirst()
                .orElseThrow();
        Path published = loop.challengers().resolve(shadow.artifact().directory());
        await().atMost(WAIT).until(() -> Files.isDirectory(published));
        ModelArtifact challenger = ModelArtifact.load(published, TestModels.extractor());
        // Instances score both; the join pairs their answers on the next labelled events.
        feedback.examples(
            payments(800, 72, PaymentGenerator.Concept.HOLIDAY),
            start.plusSeconds(10_000),
            TestModels.logistic(),
            challenger);
        await().atMost(WAIT).until(() -> loop.serving().equals(challenger.metadata().version()));
        await().atMost(WAIT).until(() -> !Files.exists(published));

        // Worse live than the champion it replaced was: rolled back on its own.
        Instant later = Instant.now();
        feedback.performance(challenger.metadata().version(), later, 300, 0.55);
        feedback.performance(challenger.metadata().version(), later.plusSeconds(60), 300, 0.55);
        await().atMost(WAIT).until(() -> loop.types(stack).contains(ModelEvent.Type.ROLLED_BACK));
        // What the dashboard's annotations and the rollback alert count: each record once.
        await().atMost(WAIT).until(() -> decisions(app, "rolled_back") > 0);
        String scrape = app.meters().scrape();
        assertThat(decisions(app, "rolled_back")).as(scrape).isEqualTo(1);
        assertThat(decisions(app, "promoted")).as(scrape).isEqualTo(1);
        assertThat(decisions(app, "triggered")).as(scrape).isEqualTo(1);
      } finally {
        app.close();
        controller.join(30_000);
        app.shutdown();
      }
    }

    assertThat(loop.types(stack))
        .containsSubsequence(
            ModelEvent.Type.TRIGGERED,
            ModelEvent.Type.TRAINED,
            ModelEvent.Type.SHADOW_STARTED,
            ModelEvent.Type.PROMOTING,
            ModelEvent.Type.PROMOTED,
            ModelEvent.Type.ROLLING_BACK,
            ModelEvent.Type.ROLLED_BACK)
        .containsOnlyOnce(ModelEvent.Type.PROMOTED, ModelEvent.Type.TRIGGERED);
    ModelEvent triggered = loop.trail(stack).get(0);
    assertThat(triggered.cause().kind()).isEqualTo(ModelEvent.CauseKind.LIVE_QUALITY);
    ModelEvent promoting =
        loop.trail(stack).stream()
            .filter(e -> e.type() == ModelEvent.Type.PROMOTING)
            .findFirst()
            .orElseThrow();
    assertThat(promoting.shadow().verdict()).isEqualTo(ModelEvent.Verdict.PROMOTE);
    assertThat(promoting.shadow().pairs().paired()).isGreaterThanOrEqualTo(500);
    assertThat(promoting.shadow().pairs().challengerOnly())
        .isGreaterThan(promoting.shadow().pairs().championOnly());
    assertThat(loop.serving()).isEqualTo("test-v1");
    assertThat(log).anyMatch(line -> line.startsWith("promoted "));
  }

  @Test
  void shouldRetrainWhenASchemaChangeLeavesTheChampionWorseOff(EmbeddedStack stack)
      throws Exception {
    Loop loop =
        loop(
            stack,
            "sc-",
            """
            {"version": 1, "model": "fraud",
             "triggers": {"pollInterval": "200ms", "schemaChange": {"enabled": true}},
             "data": {"window": "30d", "minExamples": 1000, "evalFraction": 0.25},
             "gates": {"offline": {"margin": 0.02, "minEvalRows": 200}}}
            """);
    List<String> log = new CopyOnWriteArrayList<>();
    try (SyntheticFeedback feedback =
            new SyntheticFeedback(stack, loop.training(), loop.performance());
        RetrainApp app =
            RetrainApp.create(loop.config(), loop.policy(), log::add, Clock.systemUTC())) {
      feedback.examples(
          payments(2000, 81, PaymentGenerator.Concept.USUAL),
          Instant.parse("2026-12-01T00:00:00Z"),
          TestModels.logistic(),
          null);
      // What scorers report: first a change that only a challenger reads, then one the champion
      // test-v1 reads (card_present dropped by the producer).
      Schema dropped = SampleSchemas.without(Contracts.paymentEvent(), "card_present");
      feedback.send(
          loop.prefix() + "schema-changes",
          "payments-value/7",
          schemaChange(
              7,
              dropped,
              List.of(
                  servingModel("test-v1", ServingModel.Role.CHAMPION, "amount"),
                  servingModel("test-v2", ServingModel.Role.CHALLENGER, "card_present"))));
      feedback.send(
          loop.prefix() + "schema-changes",
          "payments-value/8",
          schemaChange(
              8,
              dropped,
              List.of(servingModel("test-v1", ServingModel.Role.CHAMPION, "card_present"))));
      Thread controller = new Thread(app::watch, "controller");
      controller.start();
      try {
        await().atMost(WAIT).until(() -> loop.types(stack).contains(ModelEvent.Type.TRAINED));
      } finally {
        app.close();
        controller.join(30_000);
        app.shutdown();
      }
    }

    List<ModelEvent> triggered =
        loop.trail(stack).stream().filter(e -> e.type() == ModelEvent.Type.TRIGGERED).toList();
    assertThat(triggered).hasSize(1);
    ModelEvent.Cause cause = triggered.get(0).cause();
    assertThat(cause.kind()).isEqualTo(ModelEvent.CauseKind.SCHEMA_CHANGE);
    assertThat(cause.key()).isEqualTo("schema:payments-value:8");
    assertThat(cause.detail()).contains("card_present=ALWAYS_DEFAULT").contains("test-v1");
  }

  static ServingModel servingModel(String version, ServingModel.Role role, String field) {
    return new ServingModel(
        "fraud",
        version,
        role,
        new ExtractorInputs(
            List.of(
                new ExtractorInputs.ExtractedField(
                    field,
                    field.equals("card_present")
                        ? ExtractorInputs.Kind.BOOLEAN
                        : ExtractorInputs.Kind.NUMERIC)),
            List.of(field)));
  }

  static GenericRecord schemaChange(int id, Schema writer, List<ServingModel> models) {
    // A reader with a default for card_present: a writer that drops it leaves that feature at its
    // default and every other one whole.
    Schema reader = SampleSchemas.tolerantReader();
    return SchemaChangeRecords.of(
        Contracts.schemaChange(),
        new SchemaChangeRecords.Detection(
            "payments-value",
            id,
            id,
            id - 1,
            "payments",
            SchemaChangeRecords.Source.FIRST_EVENT,
            Instant.now(),
            "payments-0@" + id,
            "scorer-0",
            "test",
            "-"),
        SchemaChangeAnalysis.analyze(reader, Optional.of(reader), writer, models));
  }

  /** The controller's own records of one type, as its /metrics counts them. */
  static double decisions(RetrainApp app, String decision) {
    return app.meters()
        .get("scorer.retrain.decisions")
        .tag("decision", decision)
        .tag("actor", "controller")
        .counter()
        .count();
  }
}

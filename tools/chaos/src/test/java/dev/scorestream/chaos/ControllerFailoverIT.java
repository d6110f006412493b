package dev.scorestream.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.scorestream.app.RetrainApp;
import dev.scorestream.app.StreamsProperties;
import dev.scorestream.codec.WireFormatEncoder;
import dev.scorestream.config.ScorerConfig;
import dev.scorestream.demo.SampleModel;
import dev.scorestream.features.FeatureExtractor;
import dev.scorestream.feedback.PredictionSnapshots;
import dev.scorestream.feedback.TrainingExamples;
import dev.scorestream.model.ModelArtifact;
import dev.scorestream.model.ModelScorer;
import dev.scorestream.model.ScoreResult;
import dev.scorestream.payments.PaymentGenerator;
import dev.scorestream.registry.RegistrySettings;
import dev.scorestream.registry.SchemaRegistryClient;
import dev.scorestream.retraining.AuditTrail;
import dev.scorestream.retraining.ModelEvent;
import dev.scorestream.retraining.RetrainingController;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.schemas.LabelledRecord;
import dev.scorestream.testkit.EmbeddedStack;
import dev.scorestream.testkit.FreePort;
import dev.scorestream.testkit.RealComponents;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two retraining controllers from the production scorer.jar on one model: one leads and acts, the
 * other stands by. The leader is killed with kill -9 in the middle of a shadow; the standby takes
 * the lease, resumes the same shadow from the offsets it pinned, and promotes once. Nothing is left
 * half published.
 */
@ExtendWith(RealComponents.class)
class ControllerFailoverIT {

  static final Duration WAIT = Duration.ofSeconds(90);
  static final String PREFIX = "failover-";

  @TempDir Path work;

  final HttpClient http = HttpClient.newHttpClient();

  @Test
  void shouldLetOneControllerActAndResumeTheShadowAfterKill9(EmbeddedStack stack) throws Exception {
    stack
        .kafka()
        .createTopics(
            Map.of(
                PREFIX + "events.training", 2,
                PREFIX + "events.performance", 1,
                PREFIX + "events.drift", 1,
                PREFIX + "model-events", 1));
    Path models = work.resolve("models");
    ModelArtifact champion =
        SampleModel.train(models.resolve("fraud-v1"), 4000, 7, "sample-v1", line -> {});
    int[] ports = {FreePort.pick(), FreePort.pick()};
    Path config = config(stack, models, ports[0], "controller-0.properties");
    Path policy = work.resolve("policy.json");
    Files.writeString(
        policy,
        """
        {"version": 1, "model": "fraud",
         "triggers": {"manualOnly": true, "pollInterval": "300ms", "cooldown": "1h"},
         "data": {"window": "30d", "minExamples": 1000, "evalFraction": 0.25},
         "gates": {"offline": {"margin": 0.02, "minEvalRows": 200},
                   "shadow": {"minPaired": 500, "looks": 1, "pickupTimeout": "0s"}}}
        """);
    Path jar =
        Path.of(System.getProperty("scorestream.scorer.jar", "../../app/target/scorer.jar"))
            .toAbsolutePath();
    Feed feed = new Feed(stack, champion);
    feed.examples(payments(4000, 81), Instant.parse("2026-12-01T00:00:00Z"), null);

    List<ScorerProcess> controllers = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      controllers.add(
          new ScorerProcess(
              "controller-" + i,
              jar,
              List.of(
                  "retrain",
                  "--watch",
                  "--config",
                  config(stack, models, ports[i], "controller-" + i + ".properties").toString(),
                  "--policy",
                  policy.toString()),
              work.resolve("controller-" + i + ".log"),
              ports[i],
              "/health/ready"));
    }
    try {
      for (ScorerProcess controller : controllers) {
        controller.start(Duration.ofSeconds(60));
      }
      await().atMost(WAIT).until(() -> leaders(ports) == 1);

      // A person asks for a candidate; the leader trains it, gates it and starts its shadow.
      ScorerConfig effective = ScorerConfig.load(config, Map.of());
      try (RetrainingController person =
          RetrainApp.forPerson(effective, policy, "tester", line -> {}, Clock.systemUTC())) {
        person.manual(RetrainingController.ManualAction.RETRAIN, null, "failover test");
      }
      await()
          .atMost(WAIT)
          .until(() -> types(stack, effective).contains(ModelEvent.Type.SHADOW_STARTED));
      ModelEvent started = first(stack, effective, ModelEvent.Type.SHADOW_STARTED);
      // Only one acts: every record a controller wrote so far names the same process.
      List<String> actors =
          trail(stack, effective).stream()
              .filter(e -> e.actor().kind() == ModelEvent.ActorKind.CONTROLLER)
              .map(e -> e.actor().name())
              .distinct()
              .toList();
      assertThat(actors).containsExactly(started.actor().name());
      int first = started.actor().name().contains("pid " + controllers.get(0).pid()) ? 0 : 1;
      ScorerProcess leader = controllers.get(first);
      assertThat(started.actor().name()).contains("pid " + leader.pid());
      assertThat(leaders(ports)).as("the standby never leads while the leader lives").isEqualTo(1);
      assertThat(leads(ports[first])).isTrue();

      leader.kill();
      Instant killed = Instant.now();

      await()
          .atMost(WAIT)
          .until(
              () ->
                  trail(stack, effective).stream()
                      .anyMatch(
                          e ->
                              e.type() == ModelEvent.Type.RESUMED
                                  && e.actor()
                                      .name()
                                      .contains("pid " + controllers.get(1 - first).pid())));
      ModelEvent resumed = last(stack, effective, ModelEvent.Type.RESUMED);
      ScorerProcess survivor = controllers.get(1 - first);
      assertThat(resumed.actor().name()).contains("pid " + survivor.pid());
      assertThat(resumed.reason()).contains("shadowing of " + started.versions().candidate());
      assertThat(Duration.between(killed, resumed.at())).isLessThan(Duration.ofSeconds(30));

      Path challenger = models.resolve(".challenger").resolve(started.artifact().directory());
      ModelArtifact candidate = ModelArtifact.load(challenger, feed.extractor);
      feed.examples(payments(800, 82), Instant.parse("2026-12-05T00:00:00Z"), candidate);
      await().atMost(WAIT).until(() -> types(stack, effective).contains(ModelEvent.Type.PROMOTED));
      ModelEvent promoted = first(stack, effective, ModelEvent.Type.PROMOTED);
      assertThat(promoted.actor().name()).contains("pid " + survivor.pid());
      assertThat(promoted.versions().candidate()).isEqualTo(started.versions().candidate());
      assertThat(types(stack, effective)).containsOnlyOnce(ModelEvent.Type.PROMOTED);
      assertThat(models.resolve(started.artifact().directory())).isDirectory();
      try (Stream<Path> leftovers = Files.walk(models, 2)) {
        assertThat(leftovers.map(p -> p.getFileName().toString()))
            .noneMatch(name -> name.startsWith(".staging-") || name.startsWith(".tmp-"));
      }
      try (Stream<Path> stored = Files.list(models.resolve(".candidates"))) {
        assertThat(stored.filter(p -> p.getFileName().toString().startsWith("fraud-r1-")))
            .hasSize(1);
      }
    } finally {
      for (ScorerProcess controller : controllers) {
        controller.close();
      }
      feed.close();
      // The controllers' logs outlive the temporary directory, for a failure to be read.
      Path logs = Files.createDirectories(Path.of("target", "failover-logs"));
      for (int i = 0; i < 2; i++) {
        Path log = work.resolve("controller-" + i + ".log");
        if (Files.exists(log)) {
          Files.copy(
              log,
              logs.resolve(log.getFileName()),
              java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  /** The scorers' configuration, as each controller reads it, with its own HTTP port. */
  Path config(EmbeddedStack stack, Path models, int httpPort, String name) throws IOException {
    Path file = work.resolve(name);
    Files.writeString(
        file,
        String.join(
            "\n",
            ScorerConfig.BOOTSTRAP_SERVERS + "=" + stack.kafka().bootstrapServers(),
            ScorerConfig.REGISTRY_URL + "=" + stack.registry().url(),
            ScorerConfig.MODEL_DIR + "=" + models,
            ScorerConfig.CHALLENGER_DIR + "=" + models.resolve(".challenger"),
            ScorerConfig.TOPIC_TRAINING + "=" + PREFIX + "events.training",
            ScorerConfig.TOPIC_PERFORMANCE + "=" + PREFIX + "events.performance",
            ScorerConfig.TOPIC_DRIFT + "=" + PREFIX + "events.drift",
            ScorerConfig.TOPIC_MODEL_EVENTS + "=" + PREFIX + "model-events",
            ScorerConfig.RETRAIN_LEASE_PREFIX + "=" + PREFIX + "retrain",
            ScorerConfig.RETRAIN_SESSION_TIMEOUT + "=6s",
            ScorerConfig.RETRAIN_FENCE_BACKOFF + "=1s",
            ScorerConfig.RETRAIN_HTTP_PORT + "=" + httpPort,
            ""));
    return file;
  }

  List<ModelEvent.Type> types(EmbeddedStack stack, ScorerConfig config) {
    return trail(stack, config).stream().map(ModelEvent::type).toList();
  }

  ModelEvent first(EmbeddedStack stack, ScorerConfig config, ModelEvent.Type type) {
    return trail(stack, config).stream().filter(e -> e.type() == type).findFirst().orElseThrow();
  }

  ModelEvent last(EmbeddedStack stack, ScorerConfig config, ModelEvent.Type type) {
    return trail(stack, config).stream()
        .filter(e -> e.type() == type)
        .reduce((a, b) -> b)
        .orElseThrow();
  }

  List<ModelEvent> trail(EmbeddedStack stack, ScorerConfig config) {
    return AuditTrail.forReading(
            PREFIX + "model-events",
            new SchemaRegistryClient(RegistrySettings.of(stack.registry().url())))
        .read(StreamsProperties.clients(config), "fraud");
  }

  /** How many of the controllers say they lead. */
  long leaders(int[] ports) {
    long leaders = 0;
    for (int port : ports) {
      leaders += leads(port) ? 1 : 0;
    }
    return leaders;
  }

  boolean leads(int port) {
    try {
      String body =
          http.send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                      .timeout(Duration.ofSeconds(2))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      return body.lines().anyMatch(line -> line.startsWith("scorer_retrain_leader 1"));
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  static List<LabelledRecord> payments(int count, long seed) {
    PaymentGenerator generator =
        new PaymentGenerator(Contracts.paymentEvent(), seed)
            .shift(PaymentGenerator.Shift.season(PaymentGenerator.Concept.HOLIDAY));
    List<LabelledRecord> rows = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      rows.add(generator.next(0));
    }
    return rows;
  }

  /** Training examples as the label join writes them, answered by the real models. */
  static final class Feed implements AutoCloseable {
    final FeatureExtractor extractor = FeatureExtractor.forSchema(Contracts.paymentEvent());
    final TrainingExamples schema = new TrainingExamples(Contracts.paymentEvent());
    final ModelScorer champion;
    final WireFormatEncoder encoder;
    final KafkaProducer<byte[], byte[]> producer;

    Feed(EmbeddedStack stack, ModelArtifact champion) {
      this.champion = new ModelScorer(champion);
      SchemaRegistryClient registry =
          new SchemaRegistryClient(RegistrySettings.of(stack.registry().url()));
      this.encoder =
          new WireFormatEncoder(
              schema.schema(),
              registry.register(PREFIX + "events.training-value", schema.schema()));
      Properties props = new Properties();
      props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
      props.put(ProducerConfig.ACKS_CONFIG, "all");
      this.producer =
          new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    void examples(List<LabelledRecord> rows, Instant first, ModelArtifact challenger) {
      ModelScorer shadow = challenger == null ? null : new ModelScorer(challenger);
      for (int i = 0; i < rows.size(); i++) {
        LabelledRecord row = rows.get(i);
        long time = first.toEpochMilli() + i * 1000L;
        row.record().put("event_time", time);
        ScoreResult answer = champion.score(champion.example(row.record(), extractor));
        PredictionSnapshots.Challenger other = null;
        if (shadow != null) {
          ScoreResult second = shadow.score(shadow.example(row.record(), extractor));
          other =
              new PredictionSnapshots.Challenger(shadow.version(), second.label(), second.scores());
        }
        String id = row.record().get("event_id").toString();
        producer.send(
            new ProducerRecord<>(
                PREFIX + "events.training",
                id.getBytes(StandardCharsets.UTF_8),
                encoder.encode(
                    schema.create(
                        new PredictionSnapshots.Snapshot(
                            id,
                            champion.version(),
                            answer.label(),
                            null,
                            answer.scores(),
                            time,
                            row.record(),
                            other),
                        row.label(),
                        time + 60_000))));
      }
      producer.flush();
    }

    @Override
    public void close() {
      producer.close();
    }
  }
}

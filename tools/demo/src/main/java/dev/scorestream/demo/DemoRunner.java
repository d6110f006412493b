package dev.scorestream.demo;

import dev.scorestream.app.ScorerApp;
import dev.scorestream.config.ScorerConfig;
import dev.scorestream.deadletter.RatePacer;
import dev.scorestream.model.ModelArtifact;
import dev.scorestream.registry.RegistrySettings;
import dev.scorestream.registry.SchemaRegistryClient;
import dev.scorestream.samples.ConservationCheck;
import dev.scorestream.samples.SampleTraffic;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.schemas.Reason;
import dev.scorestream.testkit.EmbeddedStack;
import dev.scorestream.testkit.OutputCollector;
import dev.scorestream.testkit.TempDirectories;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code scorer demo}: starts the embedded stack, trains (or loads) a model, runs the scorer,
 * produces messy traffic and checks that every event came out exactly once with the expected
 * outcome.
 */
public final class DemoRunner {

  /**
   * @param events events to produce
   * @param ratePerSecond produce rate, 0 for as fast as possible
   * @param seed seed of traffic and training data
   * @param keepRunning keep the pipeline up after the check, until SIGTERM
   * @param modelDir model to serve, or null to train one on generated data
   * @param httpPort port of the REST server; 0 for any free port, -1 for none
   * @param grpcPort port of the gRPC server; 0 for any free port, -1 for none
   * @param drift run the drift scenario (stable, then shifted traffic with delayed labels) instead
   *     of the messy-traffic check
   * @param scenario what to run: the messy-traffic check by default
   */
  public record Options(
      int events,
      int ratePerSecond,
      long seed,
      boolean keepRunning,
      Path modelDir,
      int httpPort,
      int grpcPort,
      Scenario scenario) {

    public Options(
        int events,
        int ratePerSecond,
        long seed,
        boolean keepRunning,
        Path modelDir,
        int httpPort) {
      this(events, ratePerSecond, seed, keepRunning, modelDir, httpPort, 0, Scenario.MESSY);
    }

    boolean drift() {
      return scenario == Scenario.DRIFT;
    }
  }

  /** The scenarios of {@code scorer demo}. */
  public enum Scenario {
    /** Messy traffic, checked record by record. */
    MESSY,
    /** Stable, then shifted traffic with delayed labels; drift verdicts and live accuracy. */
    DRIFT,
    /** Models with and without context, compared. */
    ENRICHMENT,
    /** A season change, and the closed loop retraining through it. */
    SEASONS,
    /** A producer changes its writer schema mid-stream; every change reported once. */
    SCHEMA_CHANGE
  }

  /** What a demo run found. */
  public record Report(long in, long predictions, long deadLetters, List<String> problems) {
    public boolean passed() {
      return problems.isEmpty();
    }
  }

  static final String EVENTS = "events";
  static final String PREDICTIONS = "events.predictions";
  static final String DLQ = "events.dlq";
  static final String DRIFT = "events.drift";
  static final String LABELS = "events.labels";
  static final String PERFORMANCE = "events.performance";
  static final String TRAINING = "events.training";
  static final int TRAINING_RECORDS = 20_000;

  private final PrintStream out;

  public DemoRunner(PrintStream out) {
    this.out = out;
  }

  public Report run(Options options) {
    try {
      return runStack(options);
    } finally {
      // On stderr: stdout ends with the summary line, which scripts read.
      logFile().ifPresent(file -> System.err.println("Kafka's and the clients' log: " + file));
      cleanedUp.countDown();
    }
  }

  /** The file the demo's logging configuration writes third-party logs to, if it is in use. */
  static java.util.Optional<String> logFile() {
    if (!(org.slf4j.LoggerFactory.getILoggerFactory()
        instanceof ch.qos.logback.classic.LoggerContext context)) {
      return java.util.Optional.empty();
    }
    java.util.Iterator<ch.qos.logback.core.Appender<ch.qos.logback.classic.spi.ILoggingEvent>>
        appenders = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).iteratorForAppenders();
    while (appenders.hasNext()) {
      if (appenders.next() instanceof ch.qos.logback.core.FileAppender<?> file) {
        return java.util.Optional.of(file.getFile());
      }
    }
    return java.util.Optional.empty();
  }

  /** Released once everything the demo started is stopped; a SIGTERM hook waits for it. */
  private final CountDownLatch cleanedUp = new CountDownLatch(1);

  private Report runStack(Options options) {
    out.println("Starting embedded Kafka (KRaft) and Apicurio registry ...");
    Path work = TempDirectories.create("scorestream-demo-");
    try (EmbeddedStack stack = EmbeddedStack.start()) {
      createTopics(stack);
      if (options.scenario() == Scenario.ENRICHMENT) {
        return enrichmentScenario(stack, work, options);
      }
      if (options.scenario() == Scenario.SEASONS) {
        SeasonsScenario.Result result = new SeasonsScenario(out, stack, work).run(options.seed());
        return new Report(result.events(), result.events(), 0, result.problems());
      }
      if (options.scenario() == Scenario.SCHEMA_CHANGE) {
        return schemaChangeScenario(stack, work, options);
      }
      Path modelDir =
          options.modelDir() != null
              ? options.modelDir()
              : trainModel(work.resolve("model"), options.seed());
      SchemaRegistryClient registry =
          new SchemaRegistryClient(RegistrySettings.of(stack.registry().url()));
      SampleTraffic.SchemaIds ids = registerWriterSchemas(registry);
      out.printf(
          "Registered writer schemas: reader=%d evolved=%d wallet-channel=%d (id %d left unregistered)%n",
          ids.reader(), ids.evolved(), ids.walletChannel(), ids.unregistered());

      Map<String, Object> values =
          new java.util.HashMap<>(
              Map.of(
                  ScorerConfig.BOOTSTRAP_SERVERS, stack.kafka().bootstrapServers(),
                  ScorerConfig.REGISTRY_URL, stack.registry().url(),
                  ScorerConfig.MODEL_DIR, modelDir.toString(),
                  ScorerConfig.APPLICATION_ID, "scorestream-demo",
                  ScorerConfig.STATE_DIR, work.resolve("state").toString(),
                  ScorerConfig.HTTP_PORT, options.httpPort(),
                  ScorerConfig.GRPC_PORT, options.grpcPort()));
      // Health and metrics on any free port, printed below, beside the REST server when it runs.
      values.put(ScorerConfig.MANAGEMENT_PORT, options.httpPort() < 0 ? -1 : 0);
      if (options.drift()) {
        values.putAll(DriftScenario.settings());
      }
      ScorerConfig config = ScorerConfig.of(values);
      try (ScorerApp app = ScorerApp.start(config, Clock.systemUTC())) {
        out.printf(
            "Scorer running: model %s version %s%n",
            app.model().current().name(), app.model().current().version());
        if (options.keepRunning()) {
          out.printf(
              "bootstrap=%s registry=%s http=%s grpc=%s management=%s%n",
              stack.kafka().bootstrapServers(),
              stack.registry().url(),
              app.httpUrl().orElse("none"),
              app.grpcAddress().orElse("none"),
              app.managementUrl().orElse("none"));
          out.flush();
        }
        Report report =
            options.drift()
                ? driftScenario(stack.kafka().bootstrapServers(), registry, ids, options)
                : produceAndCheck(stack.kafka().bootstrapServers(), ids, options);
        if (options.keepRunning()) {
          out.println(
              "Pipeline keeps running (produce to '" + EVENTS + "'); Ctrl-C or SIGTERM stops it.");
          awaitTermination();
        }
        return report;
      }
    } finally {
      TempDirectories.delete(work);
    }
  }

  private static void createTopics(EmbeddedStack stack) {
    stack
        .kafka()
        .createTopics(
            Map.of(
                EVENTS,
                4,
                PREDICTIONS,
                4,
                DLQ,
                1,
                DRIFT,
                1,
                LABELS,
                4,
                PERFORMANCE,
                1,
                TRAINING,
                1));
  }

  private Path trainModel(Path target, long seed) {
    ModelArtifact artifact =
        SampleModel.train(target, TRAINING_RECORDS, seed, null, line -> out.println("  " + line));
    out.printf(
        "Trained model %s version %s into %s%n",
        artifact.metadata().name(), artifact.metadata().version(), target);
    return target;
  }

  private static SampleTraffic.SchemaIds registerWriterSchemas(SchemaRegistryClient registry) {
    return SampleTraffic.registerWriterSchemas(registry, EVENTS);
  }

  private Report produceAndCheck(String bootstrap, SampleTraffic.SchemaIds ids, Options options) {
    SampleTraffic traffic = new SampleTraffic(Contracts.paymentEvent(), ids, options.seed());
    ConservationCheck check = new ConservationCheck(PREDICTIONS);
    Progress progress = new Progress(out, options.events());
    try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap);
        OutputCollector collector = new OutputCollector(bootstrap, List.of(PREDICTIONS, DLQ))) {
      RatePacer pacer = new RatePacer(options.ratePerSecond());
      long now = System.currentTimeMillis();
      for (int i = 0; i < options.events(); i++) {
        SampleTraffic.Event event = traffic.next(i, now + i);
        check.produced(event);
        producer.send(
            new ProducerRecord<>(EVENTS, null, event.timestamp(), event.key(), event.value()));
        pacer.pace(i + 1);
        if (i % 500 == 0) {
          collector.pollUntil(() -> true, Duration.ZERO, check::consumed);
          progress.show(i + 1, check);
        }
      }
      producer.flush();
      progress.show(options.events(), check);
      boolean complete =
          collector.pollUntil(
              () -> {
                progress.show(options.events(), check);
                return check.out() >= options.events();
              },
              Duration.ofMinutes(3),
              check::consumed);
      collector.drain(Duration.ofSeconds(2), check::consumed);
      progress.done(check);
      List<String> problems = new ArrayList<>(check.problems());
      if (!complete) {
        problems.add(0, "timed out waiting for outputs");
      }
      printSummary(check, problems);
      return new Report(check.in(), check.predictions(), check.deadLetters(), problems);
    }
  }

  private Report driftScenario(
      String bootstrap,
      SchemaRegistryClient registry,
      SampleTraffic.SchemaIds ids,
      Options options) {
    int perWindow = Math.max(1, options.events() / (2 * DriftScenario.WINDOWS_PER_PHASE));
    try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
      DriftScenario.Result result =
          new DriftScenario(out, registry, bootstrap)
              .run(perWindow, options.seed(), ids.reader(), producer);
      long events = result.rows().stream().mapToLong(DriftScenario.Row::events).sum();
      out.println();
      if (result.problems().isEmpty()) {
        out.println("OK: the shift was caught by drift and by live accuracy.");
      } else {
        result.problems().forEach(problem -> out.println("PROBLEM: " + problem));
      }
      out.printf(
          "in=%d predictions=%d dead_letters=%d%n",
          2L * DriftScenario.WINDOWS_PER_PHASE * perWindow, events, 0);
      out.flush();
      return new Report(
          2L * DriftScenario.WINDOWS_PER_PHASE * perWindow, events, 0, result.problems());
    }
  }

  private Report enrichmentScenario(EmbeddedStack stack, Path work, Options options) {
    SchemaRegistryClient registry =
        new SchemaRegistryClient(RegistrySettings.of(stack.registry().url()));
    int readerId = registry.register(EVENTS + "-value", Contracts.paymentEvent());
    try (KafkaProducer<byte[], byte[]> producer = producer(stack.kafka().bootstrapServers())) {
      EnrichmentScenario.Result result =
          new EnrichmentScenario(out, registry, stack.kafka(), stack.registry().url(), work)
              .run(options.events(), options.seed(), readerId, producer);
      return new Report(result.live(), result.live(), 0, result.problems());
    }
  }

  /** Payments the schema-change scenario's model trains on: enough for a stable model, quickly. */
  static final int SCHEMA_CHANGE_TRAINING = 4_000;

  private Report schemaChangeScenario(EmbeddedStack stack, Path work, Options options) {
    Path model = work.resolve("model");
    SampleModel.train(model, SCHEMA_CHANGE_TRAINING, options.seed(), null, line -> {});
    out.printf("Trained a model on %,d generated payments%n", SCHEMA_CHANGE_TRAINING);
    SchemaRegistryClient registry =
        new SchemaRegistryClient(RegistrySettings.of(stack.registry().url()));
    int perStep = Math.max(1, options.events() / 6);
    try (KafkaProducer<byte[], byte[]> producer = producer(stack.kafka().bootstrapServers())) {
      SchemaChangeScenario.Result result =
          new SchemaChangeScenario(
                  out, registry, stack.kafka().bootstrapServers(), stack.registry().url(), work)
              .run(model, perStep, options.seed(), producer);
      return new Report(
          result.produced(), result.predictions(), result.deadLetters(), result.problems());
    }
  }

  private void printSummary(ConservationCheck check, List<String> problems) {
    out.println();
    out.printf("%-22s %10s %10s%n", "outcome", "expected", "actual");
    out.printf(
        "%-22s %10d %10d%n", "predictions", check.expectedPredictions(), check.predictions());
    Map<Reason, Long> expected = check.expectedByReason();
    Map<Reason, Long> actual = check.actualByReason();
    for (Reason reason : Reason.values()) {
      long e = expected.getOrDefault(reason, 0L);
      long a = actual.getOrDefault(reason, 0L);
      if (e != 0 || a != 0) {
        out.printf("%-22s %10d %10d%n", "dlq " + reason, e, a);
      }
    }
    out.printf("%-22s %10d %10d%n", "total", check.in(), check.out());
    out.println();
    if (problems.isEmpty()) {
      out.println(
          "OK: every event came out exactly once, dead letters carry their original bytes and expected reason.");
    } else {
      problems.forEach(problem -> out.println("PROBLEM: " + problem));
    }
    out.printf(
        "in=%d predictions=%d dead_letters=%d%n",
        check.in(), check.predictions(), check.deadLetters());
    out.flush();
  }

  static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /**
   * Blocks until SIGTERM/Ctrl-C; the JVM then waits (up to 60 s) for the demo to stop what it
   * started.
   */
  private void awaitTermination() {
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stop.countDown();
                  try {
                    cleanedUp.await(60, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                },
                "demo-stop"));
    try {
      stop.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    out.println("Stopping: scorer, registry, broker ...");
    out.flush();
  }

  /** One progress line, rewritten in place on a terminal. */
  private static final class Progress {
    private final PrintStream out;
    private final int total;
    private long lastPrinted;

    Progress(PrintStream out, int total) {
      this.out = out;
      this.total = total;
    }

    void show(int produced, ConservationCheck check) {
      long now = System.nanoTime();
      if (now - lastPrinted < 500_000_000L) {
        return;
      }
      lastPrinted = now;
      out.printf(
          "\rproduced %,d/%,d  predictions %,d  dead letters %,d   ",
          produced, total, check.predictions(), check.deadLetters());
      out.flush();
    }

    void done(ConservationCheck check) {
      lastPrinted = 0;
      show(total, check);
      out.println();
    }
  }
}

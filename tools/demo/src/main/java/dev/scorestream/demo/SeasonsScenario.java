package dev.scorestream.demo;

import dev.scorestream.app.RetrainApp;
import dev.scorestream.app.ScorerApp;
import dev.scorestream.app.StreamsProperties;
import dev.scorestream.codec.DecodeResult;
import dev.scorestream.codec.WireFormatDecoder;
import dev.scorestream.codec.WireFormatEncoder;
import dev.scorestream.config.ScorerConfig;
import dev.scorestream.payments.PaymentGenerator;
import dev.scorestream.registry.RegistrySettings;
import dev.scorestream.registry.SchemaRegistryClient;
import dev.scorestream.retraining.AuditTrail;
import dev.scorestream.retraining.ModelEvent;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.schemas.LabelledRecord;
import dev.scorestream.testkit.EmbeddedStack;
import dev.scorestream.testkit.OutputCollector;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * {@code scorer demo --seasons}: the closed loop on a season change. Payments flow in real time and
 * their true labels follow {@link #LABEL_DELAY} later. After {@link #STABLE} the fraud pattern
 * changes (the holiday season: skimmed cards used in person for travel and fashion), not the
 * inputs. The retraining controller runs beside the scorer under a demo policy: live accuracy
 * drops, it triggers, trains a candidate out of time on the newest labelled events, gates it
 * offline, proves it in shadow on the same labelled events, promotes it, and watches it. Every
 * decision is printed as it is recorded; the run ends with one line comparing accuracy before the
 * shift, after it, and after retraining.
 */
final class SeasonsScenario {

  static final int RATE = 400;
  static final Duration LABEL_DELAY = Duration.ofSeconds(3);
  static final Duration STABLE = Duration.ofSeconds(20);
  static final Duration LIMIT = Duration.ofMinutes(4);
  static final String MODEL_EVENTS = "model-events";

  /** The demo's retraining policy: small windows, a quick shadow, a short watch. */
  static final String POLICY =
      """
      {"version": 1, "model": "fraud",
       "triggers": {"pollInterval": "1s", "cooldown": "1h",
         "liveQuality": {"metric": "accuracy", "below": 0.88, "windows": 2, "minLabels": 400}},
       "data": {"window": "12s", "minExamples": 2000, "evalFraction": 0.2,
                "championData": {"share": 0.1, "maxRows": 5000}},
       "perturb": {"share": 0.1, "seed": 7},
       "gates": {"offline": {"margin": 0.02, "minEvalRows": 300},
                 "shadow": {"test": "mcnemar", "minPaired": 1500, "looks": 2,
                            "pickupTimeout": "20s", "maxDuration": "2m"}},
       "rollback": {"windows": 2, "minLabels": 400, "margin": 0.02, "maxWait": "1m"}}
      """;

  /** What the run showed. */
  record Result(long events, List<String> problems) {}

  /** Live accuracy of one label window and model version. */
  record Window(Instant start, String version, long matched, double accuracy) {}

  private final PrintStream out;
  private final EmbeddedStack stack;
  private final Path work;

  SeasonsScenario(PrintStream out, EmbeddedStack stack, Path work) {
    this.out = out;
    this.stack = stack;
    this.work = work;
  }

  Result run(long seed) {
    stack.kafka().createTopics(Map.of(MODEL_EVENTS, 1));
    Path models = work.resolve("models");
    SampleModel.train(models.resolve("fraud-season-a"), 20_000, seed, "season-a", line -> {});
    out.println("Champion season-a trained on 20,000 payments of the usual season (rows kept).");
    ScorerConfig config = config(models);
    try {
      Files.createDirectories(models.resolve(".challenger"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Instant start = Instant.now();
    try (ScorerApp scorer = ScorerApp.start(config, Clock.systemUTC());
        RetrainApp controller =
            RetrainApp.create(
                config,
                policy(),
                line -> out.println(elapsed(start) + "  controller: " + line),
                Clock.systemUTC());
        Traffic traffic = new Traffic(seed)) {
      Thread loop = new Thread(controller::watch, "retraining-controller");
      loop.setDaemon(true);
      loop.start();
      out.printf(
          "Scorer and retraining controller running; %d payments/s, labels %d s later, the season"
              + " changes after %d s.%n",
          RATE, LABEL_DELAY.toSeconds(), STABLE.toSeconds());
      traffic.start(start);
      List<ModelEvent> trail = follow(config, start, traffic);
      controller.close();
      return summarize(trail, traffic.shiftedAt(), windows(), traffic.produced());
    }
  }

  private ScorerConfig config(Path models) {
    Map<String, Object> values = new HashMap<>();
    values.put(ScorerConfig.BOOTSTRAP_SERVERS, stack.kafka().bootstrapServers());
    values.put(ScorerConfig.REGISTRY_URL, stack.registry().url());
    values.put(ScorerConfig.MODEL_DIR, models.toString());
    values.put(ScorerConfig.CHALLENGER_DIR, models.resolve(".challenger").toString());
    values.put(ScorerConfig.MODEL_REQUIRE_MANIFEST, true);
    values.put(ScorerConfig.MODEL_POLL_INTERVAL, "500ms");
    values.put(ScorerConfig.APPLICATION_ID, "scorestream-seasons");
    values.put(ScorerConfig.STATE_DIR, work.resolve("state").toString());
    values.put(ScorerConfig.HTTP_PORT, -1);
    values.put(ScorerConfig.MANAGEMENT_PORT, -1);
    values.put(ScorerConfig.GRPC_PORT, -1);
    values.put(ScorerConfig.RETRAIN_HTTP_PORT, -1);
    values.put("drift.window", "5s");
    values.put("drift.grace", "1s");
    values.put("drift.flush.interval", "500ms");
    values.put("drift.idle.timeout", "5s");
    values.put("feedback.window", "5s");
    values.put("feedback.grace", "1s");
    values.put("feedback.label.wait", "2s");
    return ScorerConfig.of(values);
  }

  private Path policy() {
    try {
      return Files.writeString(work.resolve("seasons-policy.json"), POLICY);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Prints each decision as it is recorded, until the promoted model is confirmed or rolled back,
   * the candidate is rejected, or time runs out.
   */
  private List<ModelEvent> follow(ScorerConfig config, Instant start, Traffic traffic) {
    AuditTrail trail =
        AuditTrail.forReading(
            MODEL_EVENTS, new SchemaRegistryClient(RegistrySettings.of(stack.registry().url())));
    List<ModelEvent> seen = new ArrayList<>();
    Instant deadline = start.plus(LIMIT);
    while (Instant.now().isBefore(deadline)) {
      List<ModelEvent> events = trail.read(StreamsProperties.clients(config), "fraud");
      for (ModelEvent event : events.subList(seen.size(), events.size())) {
        out.printf(
            "%s  %-14s %-10s %s%n",
            elapsed(start),
            event.type(),
            event.versions().candidate() == null ? "" : event.versions().candidate(),
            event.reason());
      }
      seen = events;
      if (seen.stream()
          .anyMatch(
              e ->
                  e.type() == ModelEvent.Type.CONFIRMED
                      || e.type() == ModelEvent.Type.ROLLED_BACK)) {
        break;
      }
      traffic.pause(Duration.ofMillis(500));
    }
    traffic.stop();
    return seen;
  }

  private List<Window> windows() {
    List<Window> windows = new ArrayList<>();
    WireFormatDecoder decoder =
        new WireFormatDecoder(
            Contracts.performanceReport(),
            new SchemaRegistryClient(RegistrySettings.of(stack.registry().url())));
    try (OutputCollector reports =
        new OutputCollector(stack.kafka().bootstrapServers(), List.of(DemoRunner.PERFORMANCE))) {
      reports.drain(Duration.ofSeconds(2), record -> {});
      for (ConsumerRecord<byte[], byte[]> record : reports.records()) {
        if (decoder.decode(record.value()) instanceof DecodeResult.Decoded decoded) {
          GenericRecord report = decoded.record();
          Double accuracy = (Double) report.get("accuracy");
          if (accuracy != null) {
            windows.add(
                new Window(
                    Instant.ofEpochMilli((Long) report.get("window_start")),
                    report.get("model_version").toString(),
                    (Long) report.get("matched"),
                    accuracy));
          }
        }
      }
    }
    return windows;
  }

  private Result summarize(
      List<ModelEvent> trail, Instant shiftedAt, List<Window> windows, long events) {
    List<String> problems = new ArrayList<>();
    ModelEvent triggered = first(trail, ModelEvent.Type.TRIGGERED);
    ModelEvent promoted = first(trail, ModelEvent.Type.PROMOTED);
    List<ModelEvent.Type> order =
        List.of(
            ModelEvent.Type.TRIGGERED,
            ModelEvent.Type.TRAINED,
            ModelEvent.Type.SHADOW_STARTED,
            ModelEvent.Type.PROMOTED);
    if (!inOrder(trail, order)) {
      problems.add("the trail does not hold " + order + " in order: " + types(trail));
    }
    Instant labelled = shiftedAt.plus(LABEL_DELAY);
    double before =
        accuracy(
            windows,
            w -> w.version().equals("season-a") && !w.start().plusSeconds(5).isAfter(labelled));
    double after =
        accuracy(
            windows,
            w ->
                w.version().equals("season-a")
                    && !w.start().isBefore(labelled)
                    && (promoted == null || w.start().isBefore(promoted.at())));
    String version = promoted == null ? "none" : promoted.versions().candidate();
    double retrained = accuracy(windows, w -> w.version().equals(version));
    if (!(retrained - after >= 0.03)) {
      problems.add(
          String.format(
              Locale.ROOT,
              "retraining did not help clearly: %.4f after the shift, %.4f after retraining",
              after,
              retrained));
    }
    long seconds =
        triggered == null || promoted == null
            ? -1
            : Duration.between(triggered.at(), promoted.at()).toSeconds();
    out.println();
    out.printf(
        Locale.ROOT,
        "closed loop: accuracy before shift %.4f, after shift %.4f, after retraining %.4f;"
            + " promoted %s %d s after the trigger%n",
        before,
        after,
        retrained,
        version,
        seconds);
    problems.forEach(problem -> out.println("PROBLEM: " + problem));
    out.flush();
    return new Result(events, problems);
  }

  private static double accuracy(List<Window> windows, java.util.function.Predicate<Window> which) {
    double right = 0;
    long labels = 0;
    for (Window window : windows) {
      if (which.test(window)) {
        right += window.accuracy() * window.matched();
        labels += window.matched();
      }
    }
    return labels == 0 ? Double.NaN : right / labels;
  }

  private static ModelEvent first(List<ModelEvent> trail, ModelEvent.Type type) {
    return trail.stream().filter(e -> e.type() == type).findFirst().orElse(null);
  }

  private static boolean inOrder(List<ModelEvent> trail, List<ModelEvent.Type> order) {
    int next = 0;
    for (ModelEvent event : trail) {
      if (next < order.size() && event.type() == order.get(next)) {
        next++;
      }
    }
    return next == order.size();
  }

  private static List<ModelEvent.Type> types(List<ModelEvent> trail) {
    return trail.stream().map(ModelEvent::type).toList();
  }

  private static String elapsed(Instant start) {
    return String.format(
        Locale.ROOT, "%5.1fs", Duration.between(start, Instant.now()).toMillis() / 1000.0);
  }

  /**
   * Payments at {@link #RATE} a second in real time, the season changing after {@link #STABLE},
   * each labelled {@link #LABEL_DELAY} later.
   */
  private final class Traffic implements AutoCloseable {
    private final PaymentGenerator generator;
    private final KafkaProducer<byte[], byte[]> producer;

    /** One thread: the encoders and the generator are not thread-safe. */
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final WireFormatEncoder events;
    private final WireFormatEncoder labels;
    private volatile Instant shiftedAt;
    private volatile long produced;

    Traffic(long seed) {
      this.generator = new PaymentGenerator(Contracts.paymentEvent(), seed + 100);
      this.producer = DemoRunner.producer(stack.kafka().bootstrapServers());
      SchemaRegistryClient registry =
          new SchemaRegistryClient(RegistrySettings.of(stack.registry().url()));
      this.events =
          new WireFormatEncoder(
              Contracts.paymentEvent(),
              registry.register(DemoRunner.EVENTS + "-value", Contracts.paymentEvent()));
      this.labels =
          new WireFormatEncoder(
              Contracts.labelFeedback(),
              registry.register(DemoRunner.LABELS + "-value", Contracts.labelFeedback()));
    }

    void start(Instant start) {
      long periodMicros = 1_000_000L / RATE * 10;
      executor.scheduleAtFixedRate(
          () -> {
            if (!running.get()) {
              return;
            }
            if (shiftedAt == null && Instant.now().isAfter(start.plus(STABLE))) {
              generator.shift(PaymentGenerator.Shift.season(PaymentGenerator.Concept.HOLIDAY));
              shiftedAt = Instant.now();
              out.println(
                  elapsed(start)
                      + "  the season changes: the fraud pattern is now the holiday one");
            }
            for (int i = 0; i < 10; i++) {
              send(generator.next(System.currentTimeMillis()));
            }
          },
          0,
          periodMicros,
          TimeUnit.MICROSECONDS);
    }

    private void send(LabelledRecord payment) {
      long now = System.currentTimeMillis();
      String id = payment.record().get("event_id").toString();
      byte[] key = id.getBytes(StandardCharsets.UTF_8);
      producer.send(
          new ProducerRecord<>(DemoRunner.EVENTS, null, now, key, events.encode(payment.record())));
      produced++;
      executor.schedule(
          () -> {
            long labelTime = System.currentTimeMillis();
            GenericRecord label = new GenericData.Record(Contracts.labelFeedback());
            label.put("event_id", id);
            label.put("label", payment.label());
            label.put("label_time", labelTime);
            producer.send(
                new ProducerRecord<>(
                    DemoRunner.LABELS, null, labelTime, key, labels.encode(label)));
          },
          LABEL_DELAY.toMillis(),
          TimeUnit.MILLISECONDS);
    }

    Instant shiftedAt() {
      return shiftedAt == null ? Instant.now() : shiftedAt;
    }

    long produced() {
      return produced;
    }

    void pause(Duration duration) {
      try {
        Thread.sleep(duration.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    void stop() {
      running.set(false);
    }

    @Override
    public void close() {
      running.set(false);
      executor.shutdownNow();
      producer.close(Duration.ofSeconds(5));
    }
  }
}

package dev.scorestream.chaos;

import dev.scorestream.codec.DecodeResult;
import dev.scorestream.codec.WireFormatDecoder;
import dev.scorestream.codec.WireFormatEncoder;
import dev.scorestream.deadletter.DeadLetterHeaders;
import dev.scorestream.deadletter.RatePacer;
import dev.scorestream.demo.SampleModel;
import dev.scorestream.registry.RegistrySettings;
import dev.scorestream.registry.SchemaRegistryClient;
import dev.scorestream.samples.SampleTraffic;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.testkit.BrokerProcess;
import dev.scorestream.testkit.EmbeddedRegistry;
import dev.scorestream.testkit.FreePort;
import dev.scorestream.testkit.OutputCollector;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * One chaos run. Two scorer instances (the production {@code scorer.jar}, exactly-once, static
 * membership, transactional stores) process messy events and labels at a steady rate while a seeded
 * schedule of faults runs: kill -9 and restart of an instance, SIGSTOP past the session timeout and
 * SIGCONT (a zombie that must be fenced), a broker killed and restarted, the registry stopped and
 * started. After each fault the run waits until the outputs have caught up; at the end it checks:
 *
 * <ol>
 *   <li>every input came out exactly once, as a prediction or as a dead letter with its expected
 *       reason (read_committed);
 *   <li>the drift reports' event counts (plus late events) sum to the predictions: no double
 *       counting across crashes;
 *   <li>each label was joined at most once (training examples distinct by event id);
 *   <li>the performance reports' matched labels equal the training examples.
 * </ol>
 */
public final class ChaosRun {

  /**
   * @param faults how many faults to inject
   * @param seed seed of the schedule, the traffic and the model
   * @param eventsPerSecond steady input rate
   * @param work a directory for logs, state and broker data
   * @param scorerJar the production {@code scorer.jar}
   * @param scorerSettings further scorer settings, over the suite's own (e.g. to try another
   *     processing guarantee)
   * @param entityFeatures the scorers compute entity features ({@link #ENTITY_SPEC}: events
   *     repartitioned by merchant category), and no event may be counted twice in them
   */
  public record Options(
      int faults,
      long seed,
      int eventsPerSecond,
      Path work,
      Path scorerJar,
      Map<String, String> scorerSettings,
      PrintStream out,
      boolean entityFeatures) {

    public Options(
        int faults,
        long seed,
        int eventsPerSecond,
        Path work,
        Path scorerJar,
        Map<String, String> scorerSettings,
        PrintStream out) {
      this(faults, seed, eventsPerSecond, work, scorerJar, scorerSettings, out, false);
    }
  }

  /**
   * Entity features for {@link Options#entityFeatures}: per merchant category (a dozen entities, so
   * each sees hundreds of events), the count and amount sum of its earlier events over 1 minute and
   * 24 hours. The events are keyed by event id, so they go through the entity repartition.
   */
  static final String ENTITY_SPEC =
      """
      {"entity": {"name": "category", "key": "merchant_category", "windows": ["1m", "24h"],
        "grace": "5m", "max_events": 1000000, "features": ["count", "sum(amount)"]}}
      """;

  /** What can go wrong. */
  public enum FaultKind {
    KILL_INSTANCE,
    PAUSE_INSTANCE,
    RESTART_BROKER,
    RESTART_REGISTRY
  }

  /**
   * One injected fault.
   *
   * @param down how long the target was gone (killed, frozen, stopped)
   * @param caughtUp from the target's return until every input produced before it had its output
   */
  public record Fault(FaultKind kind, String target, Duration down, Duration caughtUp) {}

  /** The run's outcome: the faults, the counts checked and every invariant violated. */
  public record Report(
      List<Fault> faults,
      long inputs,
      long labels,
      long predictions,
      long deadLetters,
      long trainingExamples,
      long driftEvents,
      long driftLate,
      long matched,
      long lateLabels,
      List<String> problems) {

    public boolean passed() {
      return problems.isEmpty();
    }
  }

  static final String APP = "chaos-scorer";
  static final String EVENTS = "chaos-events";
  static final String PREDICTIONS = "chaos-events.predictions";
  static final String DLQ = "chaos-events.dlq";
  static final String DRIFT = "chaos-events.drift";
  static final String LABELS = "chaos-events.labels";
  static final String PERFORMANCE = "chaos-events.performance";
  static final String TRAINING = "chaos-events.training";
  static final Duration SESSION_TIMEOUT = Duration.ofSeconds(8);
  static final Duration READY_TIMEOUT = Duration.ofMinutes(3);
  static final Duration CATCH_UP_TIMEOUT = Duration.ofMinutes(3);
  static final double LABEL_SHARE = 0.3;

  private final Options options;
  private final PrintStream out;
  private final Random random;

  public ChaosRun(Options options) {
    this.options = options;
    this.out = options.out();
    this.random = new Random(options.seed());
  }

  public Report run() throws IOException {
    say("work directory %s", options.work());
    return ProcessStack.run(options.work(), this::run);
  }

  private Report run(BrokerProcess broker, EmbeddedRegistry registry) throws IOException {
    broker.createTopics(
        Map.of(EVENTS, 4, PREDICTIONS, 4, DLQ, 2, DRIFT, 1, LABELS, 4, PERFORMANCE, 1, TRAINING, 2),
        Map.of());
    SchemaRegistryClient client = new SchemaRegistryClient(RegistrySettings.of(registry.url()));
    SampleTraffic.SchemaIds ids = SampleTraffic.registerWriterSchemas(client, EVENTS);
    int labelId = client.register(LABELS + "-value", Contracts.labelFeedback());
    Path model = options.work().resolve("model");
    SampleModel.train(model, 5_000, options.seed(), "chaos-v1", line -> {});
    say("broker %s, registry %s, model %s", broker.bootstrapServers(), registry.url(), model);

    if (options.entityFeatures()) {
      Files.writeString(entitySpec(), ENTITY_SPEC);
    }
    List<ScorerProcess> scorers = new ArrayList<>();
    for (String name : List.of("scorer-a", "scorer-b")) {
      scorers.add(scorer(name, broker.bootstrapServers(), registry.url(), model));
    }
    try (OutputWatcher outputs =
            new OutputWatcher(broker.bootstrapServers(), List.of(PREDICTIONS, DLQ));
        Workload workload =
            new Workload(broker.bootstrapServers(), ids, labelId, client, options.seed())) {
      for (ScorerProcess scorer : scorers) {
        Duration ready = scorer.start(READY_TIMEOUT);
        say("%s ready in %d ms", scorer.name(), ready.toMillis());
      }
      workload.start(options.eventsPerSecond());
      awaitCaughtUp(outputs, workload, Duration.ofSeconds(5));
      List<Fault> faults = new ArrayList<>();
      for (FaultKind kind : schedule()) {
        ScorerProcess target = scorers.get(random.nextInt(scorers.size()));
        Fault fault = inject(kind, target, scorers, broker, registry, outputs, workload);
        faults.add(fault);
        say(
            "fault %d/%d %s %s: down %d ms, caught up %d ms after it came back",
            faults.size(),
            options.faults(),
            fault.kind(),
            fault.target(),
            fault.down().toMillis(),
            fault.caughtUp().toMillis());
        ScorerProcess.sleep(2_000 + random.nextInt(3_000));
      }
      workload.stop();
      say(
          "workload stopped: %,d events, %,d labels",
          workload.produced().size(), workload.labels());
      awaitCaughtUp(outputs, workload, CATCH_UP_TIMEOUT);
      // A few later events close the last windows and carry any late count into a report.
      workload.closingTicks(5);
      awaitCaughtUp(outputs, workload, CATCH_UP_TIMEOUT);
      List<ConsumerRecord<byte[], byte[]>> results = outputs.stop();
      return verify(broker.bootstrapServers(), client, workload, results, faults);
    } finally {
      scorers.forEach(ScorerProcess::close);
    }
  }

  private List<FaultKind> schedule() {
    List<FaultKind> schedule = new ArrayList<>();
    while (schedule.size() < options.faults()) {
      List<FaultKind> round = new ArrayList<>(List.of(FaultKind.values()));
      Collections.shuffle(round, random);
      schedule.addAll(round);
    }
    return schedule.subList(0, options.faults());
  }

  private Fault inject(
      FaultKind kind,
      ScorerProcess target,
      List<ScorerProcess> scorers,
      BrokerProcess broker,
      EmbeddedRegistry registry,
      OutputWatcher outputs,
      Workload workload) {
    long down = System.nanoTime();
    String name =
        switch (kind) {
          case KILL_INSTANCE -> {
            target.kill();
            ScorerProcess.sleep(1_000 + random.nextInt(2_000));
            down = System.nanoTime() - down;
            target.start(READY_TIMEOUT);
            yield target.name();
          }
          case PAUSE_INSTANCE -> {
            target.pause();
            ScorerProcess.sleep(SESSION_TIMEOUT.toMillis() + 3_000 + random.nextInt(2_000));
            down = System.nanoTime() - down;
            target.resume();
            yield target.name();
          }
          case RESTART_BROKER -> {
            broker.kill();
            ScorerProcess.sleep(2_000 + random.nextInt(2_000));
            down = System.nanoTime() - down;
            broker.start();
            yield "broker";
          }
          case RESTART_REGISTRY -> {
            registry.stop();
            ScorerProcess.sleep(4_000 + random.nextInt(3_000));
            down = System.nanoTime() - down;
            registry.restart();
            yield "registry";
          }
        };
    long back = System.nanoTime();
    for (ScorerProcess scorer : scorers) {
      scorer.awaitReady(System.nanoTime(), READY_TIMEOUT);
    }
    awaitCaughtUp(outputs, workload, CATCH_UP_TIMEOUT);
    return new Fault(
        kind, name, Duration.ofNanos(down), Duration.ofNanos(System.nanoTime() - back));
  }

  /** Waits until there is an output for every input produced so far. */
  private static void awaitCaughtUp(OutputWatcher outputs, Workload workload, Duration timeout) {
    long target = workload.producedCount();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (outputs.seen() < target) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "outputs did not catch up within " + timeout + ": " + outputs.seen() + " of " + target);
      }
      ScorerProcess.sleep(100);
    }
  }

  private Report verify(
      String bootstrap,
      SchemaRegistryClient registry,
      Workload workload,
      List<ConsumerRecord<byte[], byte[]>> results,
      List<Fault> faults) {
    List<String> problems = new ArrayList<>();
    if (workload.failedSends() > 0) {
      problems.add(workload.failedSends() + " sends failed: those inputs cannot be accounted for");
    }
    OutputCounts outputs = checkExactlyOnce(workload.produced(), results, problems);
    Counts counts = counts(bootstrap, registry, outputs.predictions(), problems);
    checkAnalytics(counts, outputs.predictions(), problems);
    if (options.entityFeatures()) {
      checkEntityFeatures(bootstrap, registry, workload, problems);
    }
    return new Report(
        faults,
        workload.produced().size(),
        workload.labels(),
        outputs.predictions(),
        outputs.deadLetters(),
        counts.trainingExamples,
        counts.driftEvents,
        counts.driftLate,
        counts.matched,
        counts.lateLabels,
        problems);
  }

  /** How many of the outputs were predictions and how many dead letters. */
  private record OutputCounts(long predictions, long deadLetters) {}

  /**
   * Checks that every acknowledged input came out exactly once, as a prediction or as a dead letter
   * with its expected reason, and that no output came from an input never produced.
   */
  private static OutputCounts checkExactlyOnce(
      Map<String, SampleTraffic.Kind> produced,
      List<ConsumerRecord<byte[], byte[]>> results,
      List<String> problems) {
    Map<String, Integer> outputsByKey = new HashMap<>();
    long predictions = 0;
    long deadLetters = 0;
    for (ConsumerRecord<byte[], byte[]> record : results) {
      String key = new String(record.key(), StandardCharsets.UTF_8);
      outputsByKey.merge(key, 1, Integer::sum);
      SampleTraffic.Kind kind = produced.get(key);
      if (kind == null) {
        problems.add("an output for an input never produced: " + key);
        continue;
      }
      boolean isPrediction = record.topic().equals(PREDICTIONS);
      predictions += isPrediction ? 1 : 0;
      deadLetters += isPrediction ? 0 : 1;
      String expected = kind.expected().map(Enum::name).orElse(null);
      String actual =
          isPrediction
              ? null
              : DeadLetterHeaders.get(record.headers(), DeadLetterHeaders.REASON).orElse("?");
      if (!java.util.Objects.equals(expected, actual)) {
        problems.add(key + " (" + kind + ") became " + (actual == null ? "a prediction" : actual));
      }
    }
    produced.keySet().stream()
        .filter(key -> outputsByKey.getOrDefault(key, 0) != 1)
        .limit(20)
        .forEach(
            key -> problems.add(key + " has " + outputsByKey.getOrDefault(key, 0) + " outputs"));
    return new OutputCounts(predictions, deadLetters);
  }

  /**
   * Checks the analytics against the predictions: the drift reports count every scored event once,
   * each label was joined at most once, and the performance reports' matched labels account for the
   * training examples.
   */
  private static void checkAnalytics(Counts counts, long predictions, List<String> problems) {
    if (counts.driftEvents + counts.driftLate != predictions) {
      problems.add(
          "drift reports count "
              + counts.driftEvents
              + " events + "
              + counts.driftLate
              + " late, but "
              + predictions
              + " events were scored");
    }
    if (counts.trainingIds.size() != counts.trainingExamples) {
      problems.add(
          (counts.trainingExamples - counts.trainingIds.size())
              + " labels were joined more than once (duplicate training examples)");
    }
    if (counts.lateLabels == 0 && counts.matched != counts.trainingExamples) {
      problems.add(
          "performance reports matched "
              + counts.matched
              + " labels, but there are "
              + counts.trainingExamples
              + " training examples");
    } else if (counts.matched > counts.trainingExamples
        || counts.trainingExamples > counts.matched + counts.lateLabels) {
      problems.add(
          "matched "
              + counts.matched
              + " (+ "
              + counts.lateLabels
              + " late labels) does not account for "
              + counts.trainingExamples
              + " training examples");
    }
  }

  /** Totals of the analytics topics. */
  private static final class Counts {
    long driftEvents;
    long driftLate;
    long matched;
    long lateLabels;
    long trainingExamples;
    final Set<String> trainingIds = new HashSet<>();
  }

  /** Reads the drift, performance and training topics once the last windows have closed. */
  private Counts counts(
      String bootstrap, SchemaRegistryClient registry, long predictions, List<String> problems) {
    WireFormatDecoder drift = new WireFormatDecoder(Contracts.driftReport(), registry);
    WireFormatDecoder performance = new WireFormatDecoder(Contracts.performanceReport(), registry);
    // The last windows close about their grace (30 s) after their end once the stream is quiet:
    // read until the reports account for every scored event and every training example, or give
    // up after two minutes and report what was there.
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    try (OutputCollector collector =
        new OutputCollector(bootstrap, List.of(DRIFT, PERFORMANCE, TRAINING))) {
      while (true) {
        collector.drain(Duration.ofSeconds(1), record -> {});
        Counts counts = tally(collector.records(), drift, performance);
        boolean complete =
            counts.driftEvents + counts.driftLate >= predictions
                && counts.matched + counts.lateLabels >= counts.trainingExamples;
        if (complete || System.nanoTime() > deadline) {
          // A few more seconds, so reports written twice (a bug) would be counted too.
          collector.drain(Duration.ofSeconds(3), record -> {});
          return tally(collector.records(), drift, performance, problems);
        }
      }
    }
  }

  private static Counts tally(
      List<ConsumerRecord<byte[], byte[]>> records,
      WireFormatDecoder drift,
      WireFormatDecoder performance) {
    return tally(records, drift, performance, new ArrayList<>());
  }

  private static Counts tally(
      List<ConsumerRecord<byte[], byte[]>> records,
      WireFormatDecoder drift,
      WireFormatDecoder performance,
      List<String> problems) {
    Counts counts = new Counts();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      switch (record.topic()) {
        case DRIFT -> {
          GenericRecord report = decoded(drift, record.value(), problems);
          if (report != null) {
            counts.driftEvents += (Long) report.get("event_count");
            counts.driftLate += (Long) report.get("late_events");
          }
        }
        case PERFORMANCE -> {
          GenericRecord report = decoded(performance, record.value(), problems);
          if (report != null) {
            counts.matched += (Long) report.get("matched");
            counts.lateLabels += (Long) report.get("late_labels");
          }
        }
        default -> {
          counts.trainingExamples++;
          counts.trainingIds.add(new String(record.key(), StandardCharsets.UTF_8));
        }
      }
    }
    return counts;
  }

  private static GenericRecord decoded(
      WireFormatDecoder decoder, byte[] bytes, List<String> problems) {
    DecodeResult result = decoder.decode(bytes);
    if (result instanceof DecodeResult.Decoded decoded) {
      return decoded.record();
    }
    problems.add("an unreadable report: " + result);
    return null;
  }

  private ScorerProcess scorer(String name, String bootstrap, String registryUrl, Path model)
      throws IOException {
    Path dir = options.work().resolve(name);
    Files.createDirectories(dir);
    int managementPort = FreePort.pick();
    Map<String, String> config = new LinkedHashMap<>();
    config.put("application.id", APP);
    config.put("bootstrap.servers", bootstrap);
    config.put("schema.registry.url", registryUrl);
    config.put("model.dir", model.toString());
    config.put("topic.events", EVENTS);
    config.put("topic.predictions", PREDICTIONS);
    config.put("topic.dlq", DLQ);
    config.put("topic.drift", DRIFT);
    config.put("topic.labels", LABELS);
    config.put("topic.performance", PERFORMANCE);
    config.put("topic.training", TRAINING);
    config.put("state.dir", dir.resolve("state").toString());
    config.put("instance.id", name);
    // health and metrics; the suite scores through Kafka only
    config.put("management.port", Integer.toString(managementPort));
    config.put("http.port", "-1");
    config.put("grpc.port", "-1"); // two instances on one host; the suite needs no gRPC
    config.put("commit.interval", "200ms");
    config.put("schema.registry.outage.max.block", "15s");
    config.put("drift.window", "10s");
    config.put("drift.grace", "30s");
    config.put("drift.idle.timeout", "3s");
    config.put("drift.flush.interval", "500ms");
    config.put("feedback.window", "10s");
    config.put("feedback.grace", "30s");
    config.put("feedback.label.wait", "10s");
    config.put("kafka.session.timeout.ms", Long.toString(SESSION_TIMEOUT.toMillis()));
    config.put("kafka.heartbeat.interval.ms", "2000");
    if (options.entityFeatures()) {
      config.put("enrichment.spec.path", entitySpec().toString());
    }
    config.putAll(options.scorerSettings());
    Path configFile = ProcessStack.writeConfig(dir.resolve("scorer.properties"), config);
    return new ScorerProcess(
        name, options.scorerJar(), configFile, dir.resolve("scorer.log"), managementPort);
  }

  private Path entitySpec() {
    return options.work().resolve("entity.json");
  }

  /**
   * Exactly once in the entity histories: a training example's event carries the category features
   * it was scored with, and its 24-hour count can never exceed the events of its category with an
   * earlier timestamp that the broker acknowledged and that passed the rules. An event whose
   * history update survived a crash its output did not would be counted again when replayed, and
   * every later event of the category would count one too many.
   */
  private void checkEntityFeatures(
      String bootstrap, SchemaRegistryClient registry, Workload workload, List<String> problems) {
    org.apache.avro.Schema enriched;
    try {
      enriched =
          dev.scorestream.enrichment.EnrichmentSpec.read(entitySpec(), Contracts.paymentEvent())
              .enrichedSchema();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    WireFormatDecoder training =
        new WireFormatDecoder(
            new dev.scorestream.feedback.TrainingExamples(enriched).schema(), registry);
    Map<String, List<Long>> timesByCategory = new HashMap<>();
    workload
        .activity()
        .values()
        .forEach(
            a ->
                timesByCategory
                    .computeIfAbsent(a.category(), c -> new ArrayList<>())
                    .add(a.time()));
    timesByCategory.values().forEach(Collections::sort);
    long checked = 0;
    long positive = 0;
    long exact = 0;
    try (OutputCollector collector = new OutputCollector(bootstrap, List.of(TRAINING))) {
      collector.drain(Duration.ofSeconds(3), record -> {});
      for (ConsumerRecord<byte[], byte[]> record : collector.records()) {
        if (!(training.decode(record.value()) instanceof DecodeResult.Decoded decoded)) {
          problems.add("an unreadable training example");
          continue;
        }
        GenericRecord event = (GenericRecord) decoded.record().get("event");
        Workload.Activity activity = workload.activity().get(event.get("event_id").toString());
        if (activity == null) {
          continue; // its send was not acknowledged: not counted on either side
        }
        List<Long> times = timesByCategory.get(activity.category());
        long earlier = lowerBound(times, activity.time());
        double counted = (Double) event.get("category_count_24h");
        checked++;
        positive += counted > 0 ? 1 : 0;
        exact += counted == earlier ? 1 : 0;
        if (counted > earlier) {
          problems.add(
              String.format(
                  "event %s counts %.0f earlier %s events in 24h, but only %d were sent: some"
                      + " were counted twice",
                  event.get("event_id"), counted, activity.category(), earlier));
        }
      }
    }
    if (checked == 0 || positive == 0) {
      problems.add("no training example carried a category count: the entity features never ran");
    }
    say(
        "entity features: %,d training examples checked, %,d with every earlier event of their"
            + " category counted, none counted twice unless reported",
        checked, exact);
  }

  /** How many of the sorted {@code times} are before {@code time}. */
  private static long lowerBound(List<Long> times, long time) {
    int lo = 0;
    int hi = times.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (times.get(mid) < time) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private void say(String format, Object... args) {
    out.printf("[chaos] " + format + "%n", args);
  }

  /**
   * The producers' side: messy events at a steady rate (each key unique, its expected outcome
   * known), and labels for some valid ones a few seconds later, keyed by event id.
   */
  static final class Workload implements AutoCloseable {

    private final KafkaProducer<byte[], byte[]> producer;
    private final SampleTraffic traffic;
    private final WireFormatDecoder decoder;
    private final dev.scorestream.validation.RecordValidator validator =
        dev.scorestream.validation.RecordValidator.forSchema(Contracts.paymentEvent());
    private final WireFormatEncoder labelEncoder;
    private final Random random;
    private final Map<String, SampleTraffic.Kind> produced = new ConcurrentHashMap<>();
    private final Map<String, Activity> activity = new ConcurrentHashMap<>();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong labels = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean();
    private final DelayQueue<PendingLabel> pending = new DelayQueue<>();
    private Thread thread;
    private int index;

    Workload(
        String bootstrap,
        SampleTraffic.SchemaIds ids,
        int labelSchemaId,
        SchemaRegistryClient registry,
        long seed) {
      Properties props = new Properties();
      props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      props.put(ProducerConfig.ACKS_CONFIG, "all");
      props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
      // Rides out a broker restart: sends wait and retry rather than fail.
      props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 300_000);
      props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 300_000);
      props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
      this.producer =
          new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
      this.traffic = new SampleTraffic(Contracts.paymentEvent(), ids, seed);
      this.decoder = new WireFormatDecoder(Contracts.paymentEvent(), registry);
      this.labelEncoder = new WireFormatEncoder(Contracts.labelFeedback(), labelSchemaId);
      this.random = new Random(seed ^ 0x1abe1L);
    }

    void start(int eventsPerSecond) {
      running.set(true);
      thread = new Thread(() -> produce(eventsPerSecond), "chaos-workload");
      thread.setDaemon(true);
      thread.start();
    }

    private void produce(int eventsPerSecond) {
      RatePacer pacer = new RatePacer(eventsPerSecond);
      long count = 0;
      while (running.get()) {
        send(traffic.next(index++, System.currentTimeMillis()));
        for (PendingLabel label = pending.poll(); label != null; label = pending.poll()) {
          sendLabel(label.eventId());
        }
        pacer.pace(++count);
      }
    }

    private void send(SampleTraffic.Event event) {
      String key = new String(event.key(), StandardCharsets.UTF_8);
      sent.incrementAndGet();
      // What an entity history records: every event that passes the rules.
      Activity passed = null;
      if (event.kind().expected().isEmpty()
          && decoder.decode(event.value()) instanceof DecodeResult.Decoded valid
          && validator.sanitizeAndValidate(valid.record()).isEmpty()) {
        // Sanitized as the scorer sanitizes it: " Travel " is the category travel.
        passed =
            new Activity(
                valid.record().get("event_id").toString(),
                String.valueOf(valid.record().get("merchant_category")),
                event.timestamp());
      }
      Activity recorded = passed;
      producer.send(
          new ProducerRecord<>(EVENTS, null, event.timestamp(), event.key(), event.value()),
          (metadata, error) -> {
            if (error == null) {
              produced.put(key, event.kind());
              if (recorded != null) {
                activity.put(recorded.eventId(), recorded);
              }
            } else {
              failed.incrementAndGet();
            }
          });
      if (event.kind() == SampleTraffic.Kind.VALID && random.nextDouble() < LABEL_SHARE) {
        DecodeResult decoded = decoder.decode(event.value());
        if (decoded instanceof DecodeResult.Decoded valid) {
          pending.add(
              new PendingLabel(
                  valid.record().get("event_id").toString(),
                  System.nanoTime()
                      + TimeUnit.MILLISECONDS.toNanos(2_000 + random.nextInt(3_000))));
        }
      }
    }

    private void sendLabel(String eventId) {
      GenericRecord label = new GenericData.Record(Contracts.labelFeedback());
      label.put("event_id", eventId);
      label.put("label", random.nextDouble() < 0.1 ? "FRAUD" : "LEGIT");
      label.put("label_time", System.currentTimeMillis());
      producer.send(
          new ProducerRecord<>(
              LABELS, eventId.getBytes(StandardCharsets.UTF_8), labelEncoder.encode(label)));
      labels.incrementAndGet();
    }

    /** Stops producing events; labels already due are sent, the rest dropped. */
    void stop() {
      running.set(false);
      try {
        thread.join(30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      producer.flush();
    }

    /** A few valid events now, so the merger's clock moves on and the last windows report. */
    void closingTicks(int count) {
      for (int i = 0; i < count; i++) {
        SampleTraffic.Event event;
        do {
          event = traffic.next(index++, System.currentTimeMillis());
        } while (event.kind() != SampleTraffic.Kind.VALID);
        send(event);
      }
      producer.flush();
    }

    /** Inputs the broker acknowledged, by key. */
    Map<String, SampleTraffic.Kind> produced() {
      return produced;
    }

    /** Acknowledged inputs that pass the rules, by event id: what entity histories record. */
    Map<String, Activity> activity() {
      return activity;
    }

    /** An event an entity history records: its id, merchant category and record timestamp. */
    record Activity(String eventId, String category, long time) {}

    long producedCount() {
      return produced.size();
    }

    long failedSends() {
      return failed.get();
    }

    long labels() {
      return labels.get();
    }

    @Override
    public void close() {
      running.set(false);
      producer.close(Duration.ofSeconds(30));
    }

    /** A label to send once its delay has passed. */
    record PendingLabel(String eventId, long dueNanos) implements Delayed {
      @Override
      public long getDelay(TimeUnit unit) {
        return unit.convert(dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
      }

      @Override
      public int compareTo(Delayed other) {
        return Long.compare(dueNanos, ((PendingLabel) other).dueNanos);
      }
    }
  }
}

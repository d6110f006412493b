package dev.scorestream.demo;

import dev.scorestream.app.ScorerApp;
import dev.scorestream.codec.DecodeResult;
import dev.scorestream.codec.WireFormatDecoder;
import dev.scorestream.codec.WireFormatEncoder;
import dev.scorestream.config.ScorerConfig;
import dev.scorestream.deadletter.DeadLetterHeaders;
import dev.scorestream.payments.PaymentGenerator;
import dev.scorestream.registry.SchemaRegistryClient;
import dev.scorestream.samples.ProducerSchemas;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.testkit.OutputCollector;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * {@code scorer demo --schema-change}: a producer changes its writer schema mid-stream, step by
 * step ({@link ProducerSchemas}): adds a field, renames one through an alias, drops {@code
 * card_present} (a model input), then registers an incompatible version. The scorer reads with the
 * tolerant reader. Each report is printed as it appears on the schema-changes topic; after the
 * drop, the ScorerModelInputDegraded alert's expression is evaluated on the scorer's own metrics.
 * Passes when every change was reported exactly once, {@code card_present} was flagged, and every
 * event came out as a prediction or a dead letter.
 */
final class SchemaChangeScenario {

  static final String CHANGES = "schema-changes";
  static final String SUBJECT = DemoRunner.EVENTS + "-value";
  static final String DROPPED = "card_present";

  /** What the run found. */
  record Result(long produced, long predictions, long deadLetters, List<String> problems) {}

  private final PrintStream out;
  private final SchemaRegistryClient registry;
  private final String bootstrap;
  private final String registryUrl;
  private final Path work;
  private final List<Schema> steps = ProducerSchemas.steps();
  private final Map<String, GenericRecord> reports = new LinkedHashMap<>();
  private final Map<String, Integer> reportCounts = new HashMap<>();
  private final WireFormatDecoder changeDecoder;
  private final List<String> problems = new ArrayList<>();
  private long produced;

  SchemaChangeScenario(
      PrintStream out,
      SchemaRegistryClient registry,
      String bootstrap,
      String registryUrl,
      Path work) {
    this.out = out;
    this.registry = registry;
    this.bootstrap = bootstrap;
    this.registryUrl = registryUrl;
    this.work = work;
    this.changeDecoder = new WireFormatDecoder(Contracts.schemaChange(), registry);
  }

  Result run(Path model, int perStep, long seed, KafkaProducer<byte[], byte[]> producer) {
    int[] ids = new int[steps.size()];
    ids[0] = registry.register(SUBJECT, steps.get(0));
    PaymentGenerator payments = new PaymentGenerator(Contracts.paymentEvent(), seed);
    try (ScorerApp app = start(model);
        OutputCollector changes = new OutputCollector(bootstrap, List.of(CHANGES));
        OutputCollector outputs =
            new OutputCollector(bootstrap, List.of(DemoRunner.PREDICTIONS, DemoRunner.DLQ))) {
      out.printf(
          "Scorer running (model %s, reader: the tolerant PaymentEvent); producer writes v1%n",
          app.model().current().version());
      send(producer, payments, 0, ids[0], perStep, outputs);
      awaitReport(changes, ids[0]);
      out.println("Producer adds device_id (v2) and writes with it at once");
      ids[1] = registry.register(SUBJECT, steps.get(1));
      send(producer, payments, 1, ids[1], perStep, outputs);
      awaitReport(changes, ids[1]);
      out.println("Producer renames account_age_days to account_age (v3), registered before use");
      ids[2] = registry.register(SUBJECT, steps.get(2));
      awaitReport(changes, ids[2]);
      send(producer, payments, 2, ids[2], perStep, outputs);
      String metrics = app.managementUrl().orElseThrow() + "/metrics";
      Metrics before = Metrics.scrape(metrics);
      out.println("Producer drops card_present (v4), which the model reads");
      ids[3] = registry.register(SUBJECT, steps.get(3));
      send(producer, payments, 3, ids[3], 2 * perStep, outputs);
      awaitReport(changes, ids[3]);
      alert(before, Metrics.scrape(metrics));
      out.println("Producer registers v5 with channel WALLET, which the reader cannot read");
      ids[4] = registry.register(SUBJECT, steps.get(4));
      send(producer, payments, 4, ids[4], perStep, outputs);
      awaitReport(changes, ids[4]);
      return finish(changes, outputs, ids);
    }
  }

  private ScorerApp start(Path model) {
    Path reader = work.resolve("reader.avsc");
    try {
      Files.writeString(reader, steps.get(0).toString(true));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, Object> values = new HashMap<>();
    values.put(ScorerConfig.BOOTSTRAP_SERVERS, bootstrap);
    values.put(ScorerConfig.REGISTRY_URL, registryUrl);
    values.put(ScorerConfig.MODEL_DIR, model.toString());
    values.put(ScorerConfig.APPLICATION_ID, "scorestream-demo-schemas");
    values.put(ScorerConfig.STATE_DIR, work.resolve("state").toString());
    values.put(ScorerConfig.READER_SCHEMA_PATH, reader.toString());
    values.put(ScorerConfig.TOPIC_SCHEMA_CHANGES, CHANGES);
    values.put(ScorerConfig.SCHEMA_CHANGES_POLL_INTERVAL, "1s");
    values.put(ScorerConfig.HTTP_PORT, -1);
    values.put(ScorerConfig.MANAGEMENT_PORT, 0);
    values.put(ScorerConfig.GRPC_PORT, -1);
    values.put(ScorerConfig.DRIFT_ENABLED, false);
    values.put(ScorerConfig.FEEDBACK_ENABLED, false);
    return ScorerApp.start(ScorerConfig.of(values), Clock.systemUTC());
  }

  /**
   * Writes {@code count} payments with writer schema {@code step} (every other one on channel
   * WALLET, which only the last step knows), and waits for all of their outputs.
   */
  private void send(
      KafkaProducer<byte[], byte[]> producer,
      PaymentGenerator payments,
      int step,
      int schemaId,
      int count,
      OutputCollector outputs) {
    WireFormatEncoder encoder = new WireFormatEncoder(steps.get(step), schemaId);
    for (int i = 0; i < count; i++) {
      GenericRecord event =
          ProducerSchemas.as(
              steps.get(step),
              payments.next(System.currentTimeMillis()).record(),
              i % 2 == 0 ? "WALLET" : null);
      producer.send(
          new ProducerRecord<>(
              DemoRunner.EVENTS,
              ("v" + (step + 1) + "-" + produced++).getBytes(StandardCharsets.UTF_8),
              encoder.encode(event)));
    }
    producer.flush();
    long expected = produced;
    if (!outputs.pollUntil(
        () -> outputs.records().size() >= expected, Duration.ofMinutes(1), r -> {})) {
      problems.add("timed out waiting for the outputs of v" + (step + 1));
    }
  }

  /** Waits for the report of {@code schemaId}, printing every report that arrives meanwhile. */
  private void awaitReport(OutputCollector changes, int schemaId) {
    String key = SUBJECT + "/" + schemaId;
    boolean found =
        changes.pollUntil(() -> reports.containsKey(key), Duration.ofSeconds(30), this::report);
    if (!found) {
      problems.add("no report of " + key + " within 30 s");
    }
  }

  private void report(ConsumerRecord<byte[], byte[]> record) {
    String key = new String(record.key(), StandardCharsets.UTF_8);
    reportCounts.merge(key, 1, Integer::sum);
    if (changeDecoder.decode(record.value()) instanceof DecodeResult.Decoded decoded) {
      reports.put(key, decoded.record());
      out.println("  " + ReportLine.of(decoded.record()));
    } else {
      problems.add("undecodable report " + key);
    }
  }

  /**
   * The ScorerModelInputDegraded expression over the v4 phase: the share of decoded events that
   * carried a field as its default, for the fields the model reads, against the declared share.
   */
  private void alert(Metrics before, Metrics after) {
    double decoded = Metrics.delta(before, after, "scorer_schema_decoded_events_total", Map.of());
    double threshold = after.value("scorer_schema_degraded_share_threshold", Map.of());
    boolean fired = false;
    for (String field : steps.get(0).getFields().stream().map(Schema.Field::name).toList()) {
      double defaulted =
          Metrics.delta(
              before, after, "scorer_schema_defaulted_events_total", Map.of("field", field));
      double read =
          after.value("scorer_model_input_field", Map.of("field", field, "role", "champion"));
      double share = decoded == 0 ? 0 : defaulted / decoded;
      if (read == 1.0 && share > threshold) {
        fired |= field.equals(DROPPED);
        out.printf(
            "  ALERT ScorerModelInputDegraded firing: %s at its default in %.0f%% of events"
                + " (threshold %.0f%%)%n",
            field, 100 * share, 100 * threshold);
      }
    }
    if (!fired) {
      problems.add("ScorerModelInputDegraded did not fire for " + DROPPED);
    }
  }

  private Result finish(OutputCollector changes, OutputCollector outputs, int[] ids) {
    changes.drain(Duration.ofSeconds(3), this::report);
    outputs.drain(Duration.ofSeconds(1), r -> {});
    reportCounts.forEach(
        (key, count) -> {
          if (count != 1) {
            problems.add(key + " reported " + count + " times");
          }
        });
    for (int id : ids) {
      if (!reports.containsKey(SUBJECT + "/" + id)) {
        problems.add("the change to schema id " + id + " was not reported");
      }
    }
    TreeSet<String> affected = new TreeSet<>();
    int affecting = 0;
    for (GenericRecord report : reports.values()) {
      List<String> degraded = ReportLine.degraded(report);
      if (!degraded.isEmpty()) {
        affecting++;
        affected.addAll(degraded);
      }
    }
    if (!affected.contains(DROPPED)) {
      problems.add(DROPPED + " was not flagged");
    }
    Counts counts = Counts.of(outputs.records());
    long lost = produced - counts.distinct();
    if (lost != 0 || counts.duplicates() != 0) {
      problems.add(lost + " events lost, " + counts.duplicates() + " came out twice");
    }
    out.println();
    out.printf(
        "dead letters by writer schema: %s (reason INCOMPATIBLE_SCHEMA: %d)%n",
        counts.bySchema(), counts.incompatible());
    problems.forEach(problem -> out.println("PROBLEM: " + problem));
    out.printf(
        "schema changes: %d reported, model affected by %d: %s; events lost %d%n",
        reports.size(), affecting, String.join(", ", affected), lost);
    out.flush();
    return new Result(produced, counts.predictions(), counts.deadLetters(), problems);
  }

  /** What came out: predictions and dead letters by key. */
  private record Counts(
      long predictions,
      long deadLetters,
      long distinct,
      long duplicates,
      long incompatible,
      Map<String, Long> bySchema) {

    static Counts of(List<ConsumerRecord<byte[], byte[]>> records) {
      Map<String, Integer> seen = new HashMap<>();
      Map<String, Long> bySchema = new java.util.TreeMap<>();
      long predictions = 0;
      long incompatible = 0;
      for (ConsumerRecord<byte[], byte[]> record : records) {
        seen.merge(new String(record.key(), StandardCharsets.UTF_8), 1, Integer::sum);
        if (record.topic().equals(DemoRunner.PREDICTIONS)) {
          predictions++;
          continue;
        }
        String reason =
            DeadLetterHeaders.get(record.headers(), DeadLetterHeaders.REASON).orElse("?");
        incompatible += "INCOMPATIBLE_SCHEMA".equals(reason) ? 1 : 0;
        bySchema.merge(
            "id "
                + DeadLetterHeaders.get(record.headers(), DeadLetterHeaders.SCHEMA_ID).orElse("?"),
            1L,
            Long::sum);
      }
      long duplicates = seen.values().stream().filter(n -> n > 1).count();
      return new Counts(
          predictions,
          records.size() - predictions,
          seen.size(),
          duplicates,
          incompatible,
          bySchema);
    }
  }
}

package dev.scorestream.bench;

import static dev.scorestream.bench.BenchContext.say;

import dev.scorestream.codec.WireFormatEncoder;
import dev.scorestream.features.FeatureExtractor;
import dev.scorestream.feedback.PredictionSnapshots;
import dev.scorestream.feedback.TrainingExamples;
import dev.scorestream.model.ModelArtifact;
import dev.scorestream.payments.PaymentGenerator;
import dev.scorestream.registry.RegistrySettings;
import dev.scorestream.registry.SchemaRegistryClient;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.schemas.LabelledRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericRecord;

/**
 * What the retraining controller costs, as deployed (deploy/k8s/retrain-deployment.yaml: one CPU, a
 * 1 GiB limit whose 60% is heap): {@code scorer retrain --once} on windows of labelled events of
 * each size (wall time, CPU time, peak resident memory, and what it decided), and {@code scorer
 * retrain --watch} leading an idle loop (CPU per second and resident memory over a minute).
 */
final class RetrainRuns {

  /** JVM options of the controller, as its Deployment runs it. */
  static final List<String> JVM_OPTIONS =
      List.of("-Xmx614m", "-XX:+UseG1GC", "-XX:ActiveProcessorCount=1");

  private static final long IDLE_WARMUP_MS = 20_000;
  private static final long IDLE_MEASURED_MS = 60_000;

  private final BenchContext ctx;
  private final String modelName;

  RetrainRuns(BenchContext ctx) {
    this.ctx = ctx;
    this.modelName =
        ModelArtifact.load(ctx.modelDir(), FeatureExtractor.forSchema(Contracts.paymentEvent()))
            .metadata()
            .name();
  }

  void run(List<Integer> rowCounts) throws Exception {
    List<Map<String, Object>> runs = new ArrayList<>();
    StringBuilder table = new StringBuilder("Retraining controller (scorer retrain, ");
    table.append(String.join(" ", JVM_OPTIONS)).append(")\n");
    table.append(
        String.format(
            "%-28s %10s %10s %12s %12s  %s%n",
            "run", "rows", "wall s", "CPU s", "peak RSS MB", "outcome"));
    for (int rows : rowCounts) {
      Map<String, Object> once = once(rows);
      runs.add(once);
      table.append(
          String.format(
              "%-28s %,10d %10.1f %12.1f %12.0f  %s%n",
              "--once",
              rows,
              (Double) once.get("wall_seconds"),
              (Double) once.get("cpu_seconds"),
              (Double) once.get("peak_rss_mb"),
              once.get("outcome")));
    }
    Map<String, Object> idle = idleWatch();
    table.append(
        String.format(
            "%-28s %10s %10s %12s %12.0f  %.4f CPU s per s over %d s%n",
            "--watch, leading, idle",
            "-",
            "-",
            "-",
            (Double) idle.get("rss_mb"),
            (Double) idle.get("cpu_seconds_per_second"),
            IDLE_MEASURED_MS / 1000));
    Map<String, Object> results = new LinkedHashMap<>();
    results.put("jvm_options", JVM_OPTIONS);
    results.put("once", runs);
    results.put("idle_watch", idle);
    ctx.report().results.put("retrain", results);
    ctx.report().table(table.toString());
  }

  /** One {@code scorer retrain --once} on {@code rows} labelled events. */
  private Map<String, Object> once(int rows) throws Exception {
    Loop loop = loop("once-" + rows, rows);
    Child child =
        Child.start(
            ctx.jar(),
            "dev.scorestream.cli.ScorerCli",
            JVM_OPTIONS,
            List.of(
                "retrain",
                "--once",
                "--config",
                loop.config().toString(),
                "--policy",
                loop.policy().toString()),
            ctx.work().resolve(loop.prefix() + "retrain.log"));
    long started = System.nanoTime();
    long cpu = 0;
    long peak = 0;
    while (child.alive()) {
      cpu = Math.max(cpu, child.cpuNanos());
      peak = Math.max(peak, child.rss()[1]);
      Thread.sleep(100);
    }
    double wall = (System.nanoTime() - started) / 1e9;
    int exit = child.exitCode();
    String outcome =
        switch (exit) {
          case 0 -> "passed gate 1, shadow started";
          case 2 -> rejection(ctx.work().resolve(loop.prefix() + "retrain.log"));
          default -> "failed (exit " + exit + ", see " + loop.prefix() + "retrain.log)";
        };
    say(
        "retrain --once on %,d rows: %.1f s, %.1f CPU s, peak RSS %.0f MB, %s",
        rows, wall, cpu / 1e9, peak / 1e6, outcome);
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("rows", rows);
    run.put("wall_seconds", wall);
    run.put("cpu_seconds", cpu / 1e9);
    run.put("peak_rss_mb", peak / 1e6);
    run.put("exit_code", exit);
    run.put("outcome", outcome);
    return run;
  }

  /** Why the candidate was rejected, as the controller logged it (its reason code first). */
  private static String rejection(Path log) throws IOException {
    String reason = null;
    String last = "";
    for (String line : Files.readAllLines(log)) {
      if (line.startsWith("rejected ")) {
        reason = line;
      }
      if (!line.isBlank()) {
        last = line;
      }
    }
    if (reason == null) {
      say("retrain --once ended without a rejection line; its log:%n%s", Files.readString(log));
    }
    String said = reason != null ? reason : "rejected; the log ends: " + last;
    return said.length() > 100 ? said.substring(0, 100) + "..." : said;
  }

  /** {@code scorer retrain --watch} leading a loop that has nothing to do. */
  private Map<String, Object> idleWatch() throws Exception {
    Loop loop = loop("idle-", 0);
    try (Child child =
        Child.start(
            ctx.jar(),
            "dev.scorestream.cli.ScorerCli",
            JVM_OPTIONS,
            List.of(
                "retrain",
                "--watch",
                "--config",
                loop.config().toString(),
                "--policy",
                loop.policy().toString()),
            ctx.work().resolve(loop.prefix() + "retrain.log"))) {
      Thread.sleep(IDLE_WARMUP_MS);
      long cpuBefore = child.cpuNanos();
      Thread.sleep(IDLE_MEASURED_MS);
      long cpuAfter = child.cpuNanos();
      long[] rss = child.rss();
      if (!child.alive()) {
        throw new IllegalStateException(
            "retrain --watch ended; see " + loop.prefix() + "retrain.log");
      }
      double perSecond = (cpuAfter - cpuBefore) / 1e9 / (IDLE_MEASURED_MS / 1000.0);
      say("retrain --watch, idle: %.4f CPU s per s, RSS %.0f MB", perSecond, rss[0] / 1e6);
      Map<String, Object> idle = new LinkedHashMap<>();
      idle.put("cpu_seconds_per_second", perSecond);
      idle.put("rss_mb", rss[0] / 1e6);
      idle.put("peak_rss_mb", rss[1] / 1e6);
      return idle;
    }
  }

  record Loop(String prefix, Path config, Path policy) {}

  /**
   * Topics, directories, configuration and a manual-only policy for one controller, with {@code
   * rows} labelled events on its training topic.
   */
  private Loop loop(String name, int rows) throws IOException {
    String prefix = "bench-retrain-" + name + "-";
    ctx.kafka()
        .createTopics(
            Map.of(
                prefix + "training", 4,
                prefix + "performance", 1,
                prefix + "drift", 1,
                prefix + "model-events", 1));
    Path models = ctx.work().resolve(prefix + "models");
    copy(ctx.modelDir(), models.resolve("champion"));
    if (rows > 0) {
      produceExamples(prefix + "training", rows);
    }
    Properties config = new Properties();
    config.put("bootstrap.servers", ctx.kafka().bootstrapServers());
    config.put("schema.registry.url", ctx.registryUrl());
    config.put("model.dir", models.toString());
    config.put("challenger.dir", models.resolve(".challenger").toString());
    config.put("topic.training", prefix + "training");
    config.put("topic.performance", prefix + "performance");
    config.put("topic.drift", prefix + "drift");
    config.put("topic.model.events", prefix + "model-events");
    config.put("retrain.lease.prefix", prefix + "lease");
    config.put("retrain.http.port", "-1");
    Path policy = ctx.work().resolve(prefix + "policy.json");
    Files.writeString(
        policy,
        """
        {"version": 1, "model": "%s", "triggers": {"manualOnly": true},
         "data": {"window": "30d", "minExamples": 1000, "maxExamples": %d},
         "gates": {"offline": {"minEvalRows": 200}}}
        """
            .formatted(modelName, Math.max(rows, 1000)));
    return new Loop(
        prefix,
        Child.writeProperties(ctx.work().resolve(prefix + "scorer.properties"), config),
        policy);
  }

  /** Labelled payments as the label join writes them, labelled over the last day. */
  private void produceExamples(String topic, int rows) {
    TrainingExamples examples = new TrainingExamples(Contracts.paymentEvent());
    SchemaRegistryClient registry =
        new SchemaRegistryClient(RegistrySettings.of(ctx.registryUrl()));
    WireFormatEncoder encoder =
        new WireFormatEncoder(
            examples.schema(), registry.register(topic + "-value", examples.schema()));
    PaymentGenerator generator = new PaymentGenerator(Contracts.paymentEvent(), rows);
    long now = System.currentTimeMillis();
    List<Example> records = new ArrayList<>(rows);
    for (int i = 0; i < rows; i++) {
      long eventTime = now - 86_400_000L + i * (86_400_000L / rows);
      LabelledRecord labelled = generator.next(eventTime);
      GenericRecord event = labelled.record();
      String id = event.get("event_id").toString();
      GenericRecord example =
          examples.create(
              new PredictionSnapshots.Snapshot(
                  id, "bench", labelled.label(), null, Map.of(), eventTime, event, null),
              labelled.label(),
              eventTime + 5_000);
      records.add(new Example(id.getBytes(StandardCharsets.UTF_8), encoder.encode(example)));
    }
    ctx.broker().produce(topic, records);
  }

  record Example(byte[] key, byte[] value) implements BenchKafka.Keyed {}

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.copy(file, target);
        }
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}

package dev.scorestream.bench;

import static dev.scorestream.bench.BenchContext.INPUT;
import static dev.scorestream.bench.BenchContext.PARTITIONS;
import static dev.scorestream.bench.BenchContext.say;

import dev.scorestream.app.StreamsProperties;
import dev.scorestream.registry.RegistrySettings;
import dev.scorestream.registry.SchemaRegistryClient;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.testkit.EmbeddedStack;
import dev.scorestream.testkit.TempDirectories;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/**
 * {@code scorer bench}: one broker, one registry, one set of generated records. The default
 * pipeline (drift and feedback on, labels for a tenth of the events) and its variants are measured
 * next to a passthrough topology in alternating runs; then end-to-end latency at fixed rates, an
 * optional soak, and scoring cost by JMH. Prints tables with PASS/FAIL per target and writes {@code
 * tools/bench/results/<date>-<git sha>.json}.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Benchmark the default pipeline and its variants against a passthrough Kafka Streams"
            + " topology on the same broker and data.")
public final class BenchMain implements Callable<Integer> {

  @Mixin BenchOptions options;

  @Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(new CommandLine(new BenchMain()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    options.validate(spec.commandLine());
    Path jar = Path.of(BenchMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Child.EXTRA_OPTIONS.addAll(options.childJvmOptions);
    Path work = TempDirectories.create("scorestream-bench-");
    Report report = new Report();
    report.results.put("date", LocalDate.now().toString());
    // When and how it ran: the results page names the command, and picks the newest run by it.
    report.results.put("started", Instant.now().toString());
    report.results.put(
        "command",
        String.join(
            " ",
            Stream.concat(
                    Stream.of("./scorer", "bench"),
                    spec.commandLine().getParseResult().originalArgs().stream())
                .toList()));
    report.results.put("git_sha", gitSha());
    report.results.put("machine", machine());
    report.results.put("settings", settings());
    try (EmbeddedStack stack = EmbeddedStack.start()) {
      BenchContext ctx = prepare(stack, jar, work, report);
      if (!options.skipThroughput) {
        runThroughput(ctx);
      }
      LatencyRuns latency = new LatencyRuns(ctx);
      if (!options.skipLatency) {
        latency.run();
      }
      if (!options.skipServing) {
        new ServingRuns(ctx).run();
      }
      if (!options.skipRetrain) {
        new RetrainRuns(ctx).run(options.retrainRows);
      }
      if (options.soakMinutes > 0 && !options.skipLatency) {
        latency.soak();
      }
    } finally {
      TempDirectories.delete(work);
    }
    if (!options.skipJmh) {
      jmh(report);
    }
    report.write(options.out, System.out);
    return report.allPass() ? 0 : 1;
  }

  private static Map<String, Object> machine() {
    return Map.of(
        "cores",
        Runtime.getRuntime().availableProcessors(),
        "java",
        System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
        "child_jvm_options",
        Child.JVM_OPTIONS);
  }

  /**
   * What every run shares: the schemas registered, the models trained, the events and labels
   * generated, and the reference data loaded for the variants that look it up.
   */
  private BenchContext prepare(EmbeddedStack stack, Path jar, Path work, Report report)
      throws Exception {
    String registryUrl = stack.registry().url();
    SchemaRegistryClient registry = new SchemaRegistryClient(RegistrySettings.of(registryUrl));
    int readerId = registry.register(INPUT + "-value", Contracts.paymentEvent());
    int labelId = registry.register("bench-labels-value", Contracts.labelFeedback());
    Path modelDir = work.resolve("model");
    Workload.trainModel(modelDir);
    Map<Variant.Lab, Path> labModels = LabModels.prepare(options.variants, work);
    int count = options.warmupEvents + options.events;
    say(
        "model trained; generating %,d + %,d warm-up events (5%% malformed)",
        options.events, options.warmupEvents);
    List<Workload.Event> data = Workload.events(count, readerId, 42);
    List<Workload.Label> labels = Workload.labels(data, labelId);
    report.results.put(
        "record_bytes_avg", data.stream().mapToInt(e -> e.value().length).average().orElse(0));
    BenchKafka broker = new BenchKafka(stack.kafka().bootstrapServers(), stack.kafka().admin());
    Path enrichmentSpec =
        ReferenceData.prepare(options.variants, stack.kafka(), broker, registry, data, work);
    return new BenchContext(
        options,
        jar,
        work,
        stack.kafka(),
        broker,
        registryUrl,
        modelDir,
        labModels,
        enrichmentSpec,
        readerId,
        labelId,
        data,
        labels,
        report);
  }

  /**
   * Produces the events (and, for variants that read them so, the same events keyed by customer),
   * then runs the throughput runs and, unless skipped, the scale runs.
   */
  private void runThroughput(BenchContext ctx) throws Exception {
    ctx.kafka().createTopics(Map.of(INPUT, PARTITIONS));
    long started = System.nanoTime();
    ctx.broker().produce(INPUT, ctx.data());
    say("produced %,d events in %.1f s", ctx.data().size(), (System.nanoTime() - started) / 1e9);
    if (options.variants.stream().anyMatch(v -> v.keyedByCustomer)) {
      ctx.kafka().createTopics(Map.of(BenchContext.INPUT_BY_CUSTOMER, PARTITIONS));
      ctx.broker()
          .produce(
              BenchContext.INPUT_BY_CUSTOMER,
              ctx.data().stream().map(Workload.Event::byCustomer).toList());
    }
    ThroughputRuns throughput = new ThroughputRuns(ctx);
    throughput.run();
    if (!options.skipScale) {
      throughput.scale();
    }
  }

  private Map<String, Object> settings() {
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("events", options.events);
    settings.put("warmup_events", options.warmupEvents);
    settings.put("partitions", PARTITIONS);
    settings.put("malformed_share", Workload.MALFORMED_SHARE);
    settings.put("labelled_share", 1.0 / Workload.LABEL_EVERY);
    settings.put("throughput_label_lag_events", ThroughputRuns.LABEL_LAG_RECORDS);
    settings.put("latency_label_delay_ms", options.labelDelayMs);
    settings.put("processing_guarantee", "exactly_once_v2");
    settings.put("commit_interval_ms", options.commitIntervalMs);
    settings.put("latency_commit_interval_ms", options.latencyCommitIntervalMs);
    settings.put("latency_drift_checkpoint_interval", options.latencyDriftCheckpoint);
    settings.put("latency_producer_batch_size", options.latencyBatchSize);
    settings.put("latency_events_linger_ms", options.latencyLingerMs);
    settings.put("producer_batch_size", StreamsProperties.PRODUCER_BATCH_BYTES);
    settings.put("runs", options.runs);
    settings.put("variants", options.variants.stream().map(v -> v.title).toList());
    settings.put(
        "default_pipeline",
        "decode, rules, features, logistic regression, prediction write, drift, feedback join of"
            + " labels for 1 event in "
            + Workload.LABEL_EVERY);
    settings.put("pipeline_overrides", options.pipelineOptions);
    settings.put("soak_minutes", options.soakMinutes);
    settings.put("serving_seconds", options.servingSeconds);
    settings.put("retrain_rows", options.skipRetrain ? List.of() : options.retrainRows);
    return settings;
  }

  private static void jmh(Report report) throws RunnerException {
    say(
        "JMH: scoring cost per record vs raw Tribuo predict (3 forks, 5 x 2 s warm-up, 5 x 2 s"
            + " measured each)");
    Collection<RunResult> runs =
        jmh(ScoringBenchmark.class.getName() + "\\.(scoreFromWireBytes|rawTribuoPredict)$", 3);
    Map<String, Object> jmh = new LinkedHashMap<>();
    double scoring = 0;
    double raw = 0;
    for (RunResult run : runs) {
      String name = run.getParams().getBenchmark();
      double score = run.getPrimaryResult().getScore();
      jmh.put(
          name.substring(name.lastIndexOf('.') + 1) + "_ns",
          Map.of("score", score, "error", run.getPrimaryResult().getScoreError()));
      if (name.endsWith("scoreFromWireBytes")) {
        scoring = score;
      } else {
        raw = score;
      }
    }
    jmh.put("ratio", scoring / raw);
    report.results.put("jmh", jmh);
    report.table(
        String.format(
            "%-44s %14.0f%n%-44s %14.0f%n",
            "JMH scoring per record (ns)", scoring, "JMH raw Tribuo predict (ns)", raw));
    report.target("scoring cost / raw Tribuo predict", scoring / raw, "<=", 1.5);
    xgboostJmh(report);
  }

  /** The JMH benchmarks matching {@code include}: 5 x 2 s of warm-up and measurement per fork. */
  private static Collection<RunResult> jmh(String include, int forks) throws RunnerException {
    return new Runner(
            new OptionsBuilder()
                .include(include)
                .forks(forks)
                .warmupIterations(5)
                .warmupTime(TimeValue.seconds(2))
                .measurementIterations(5)
                .measurementTime(TimeValue.seconds(2))
                .jvmArgs("-Xmx512m")
                .build())
        .run();
  }

  /** The XGBoost lab model per row: in Java, through Tribuo's native batch, the bare booster. */
  private static void xgboostJmh(Report report) throws RunnerException {
    say("JMH: an XGBoost booster (100 trees, depth 6) per row, in Java and natively (1 fork)");
    Collection<RunResult> runs = jmh(XGBoostBenchmark.class.getName(), 1);
    Map<String, Object> jmh = new LinkedHashMap<>();
    StringBuilder table = new StringBuilder();
    for (RunResult run : runs) {
      String name = run.getParams().getBenchmark();
      String step = name.substring(name.lastIndexOf('.') + 1);
      double score = run.getPrimaryResult().getScore();
      jmh.put(
          step + "_ns", Map.of("score", score, "error", run.getPrimaryResult().getScoreError()));
      table.append(String.format("%-44s %14.0f%n", "JMH XGBoost " + step + " (ns/row)", score));
    }
    report.results.put("jmh_xgboost", jmh);
    report.table(table.toString());
  }

  private static String gitSha() {
    try {
      Process git =
          new ProcessBuilder("git", "rev-parse", "--short", "HEAD")
              .redirectErrorStream(true)
              .start();
      String sha = new String(git.getInputStream().readAllBytes()).trim();
      return git.waitFor() == 0 && !sha.isEmpty() ? sha : "unknown";
    } catch (IOException e) {
      return "unknown";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }
}

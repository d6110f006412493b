package dev.scorestream.bench;

import static dev.scorestream.bench.BenchContext.INPUT;
import static dev.scorestream.bench.BenchContext.PARTITIONS;
import static dev.scorestream.bench.BenchContext.say;

import dev.scorestream.app.StreamsProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Throughput: every variant and the passthrough work through the same pre-produced input in
 * alternating runs. A run is measured from the moment its group has committed the warm-up records
 * until it has drained everything: the input, the labels, and the repartition topics between its
 * sub-topologies. Labels for a tenth of the events are sent while it runs, each once its event is
 * well behind the group's committed position, so most find their prediction already stored.
 */
final class ThroughputRuns {

  /** How far behind the group's committed input position a label is sent. */
  static final int LABEL_LAG_RECORDS = 10_000;

  /** What the pipeline must sustain with a model from the lab (micro-batched). */
  static final double LAB_MODEL_RATE = 20_000;

  private final BenchContext ctx;

  ThroughputRuns(BenchContext ctx) {
    this.ctx = ctx;
  }

  void run() throws Exception {
    Map<Variant, List<Run>> pipeline = new LinkedHashMap<>();
    List<Run> passthrough = new ArrayList<>();
    Map<String, Map<String, Object>> entityStores = new LinkedHashMap<>();
    for (int run = 1; run <= ctx.options().runs; run++) {
      for (Variant variant : ctx.options().variants) {
        String id = variant.name().toLowerCase() + run;
        pipeline
            .computeIfAbsent(variant, v -> new ArrayList<>())
            .add(pipelineRun(variant, id, 1, 1));
        if (variant.entity && !entityStores.containsKey(variant.title)) {
          entityStores.put(variant.title, entityStore(id));
        }
      }
      passthrough.add(passthroughRun("t" + run));
    }
    double reference = Report.median(rates(passthrough));
    Map<String, Object> summary = new LinkedHashMap<>();
    StringBuilder table = new StringBuilder();
    table.append(
        String.format(
            "%-44s %10s %10s %10s %6s %10s %10s %8s%n",
            "throughput (events/s)",
            "median",
            "min",
            "max",
            "ratio",
            "CPU us/ev",
            "broker us",
            "RSS MB"));
    for (Map.Entry<Variant, List<Run>> entry : pipeline.entrySet()) {
      Variant variant = entry.getKey();
      Map<String, Object> stats = stats(entry.getValue());
      double ratio = Report.median(rates(entry.getValue())) / reference;
      stats.put("ratio_to_passthrough", ratio);
      stats.put("settings", variant.settings);
      summary.put(variant.title, stats);
      table.append(row(variant.title, stats, ratio));
      variantTargets(variant, stats, ratio);
    }
    ratioTarget(
        pipeline, Variant.DEFAULT, Variant.FEEDBACK_OFF, "default pipeline / feedback off", 0.70);
    ratioTarget(
        pipeline,
        Variant.XGBOOST,
        Variant.DEFAULT,
        "default pipeline, XGBoost / default pipeline",
        0.80);
    Map<String, Object> reference_ = stats(passthrough);
    summary.put("passthrough", reference_);
    table.append(row("passthrough", reference_, 1.0));
    summary.put("feedback_store_snapshots", ctx.expectedPredictions());
    if (!entityStores.isEmpty()) {
      summary.put("entity_store", entityStores);
      entityStores.forEach(
          (title, store) ->
              table.append(
                  String.format(
                      "entity store of %s: %,.1f MB on disk, %,d customers, after %,d events%n",
                      title, store.get("disk_mb"), store.get("customers"), store.get("events"))));
    }
    ctx.report().results.put("throughput", summary);
    ctx.report().table(table.toString());
  }

  /** The targets on one variant's own numbers. */
  private void variantTargets(Variant variant, Map<String, Object> stats, double ratio) {
    switch (variant) {
      case DEFAULT -> {
        ctx.report().target("throughput default pipeline / passthrough", ratio, ">=", 0.25);
        ctx.report()
            .target(
                "CPU per event default pipeline, scorer + broker (us)",
                (Double) stats.get("cpu_us_per_record_median")
                    + (Double) stats.get("broker_cpu_us_per_record_median"),
                "<=",
                15);
        double rss = (Double) stats.get("peak_rss_mb_max");
        ctx.report()
            .target(
                "default pipeline peak RSS, feedback store of "
                    + millions(ctx.expectedPredictions())
                    + " snapshots (MB)",
                rss,
                "<=",
                512);
      }
      case FEEDBACK_OFF ->
          ctx.report().target("throughput feedback off / passthrough", ratio, ">=", 0.60);
      case XGBOOST, ONNX ->
          ctx.report()
              .target(
                  "throughput " + variant.title + " (events/s)",
                  (Double) stats.get("median"),
                  ">=",
                  LAB_MODEL_RATE);
      default -> {}
    }
  }

  /** A target on the ratio of two variants' median throughputs, when both ran. */
  private void ratioTarget(
      Map<Variant, List<Run>> pipeline, Variant of, Variant to, String title, double threshold) {
    if (pipeline.containsKey(of) && pipeline.containsKey(to)) {
      ctx.report()
          .target(
              "throughput " + title,
              Report.median(rates(pipeline.get(of))) / Report.median(rates(pipeline.get(to))),
              ">=",
              threshold);
    }
  }

  /**
   * The entity store of a {@link Variant#CONTEXT} run once it stopped: RocksDB files on disk, over
   * every task, and how many customers the input holds.
   */
  private Map<String, Object> entityStore(String id) throws IOException {
    Path state = ctx.work().resolve("state-" + id + "-0");
    long bytes = 0;
    try (var files = Files.walk(state)) {
      bytes =
          files
              .filter(Files::isRegularFile)
              .filter(f -> f.toString().contains("/rocksdb/entity-customer/"))
              .mapToLong(
                  f -> {
                    try {
                      return Files.size(f);
                    } catch (IOException e) {
                      return 0;
                    }
                  })
              .sum();
    }
    Map<String, Object> store = new LinkedHashMap<>();
    store.put("disk_mb", bytes / 1048576.0);
    store.put(
        "customers",
        ctx.data().stream()
            .map(e -> new String(e.customer(), java.nio.charset.StandardCharsets.UTF_8))
            .distinct()
            .count());
    store.put("events", (long) ctx.options().warmupEvents + ctx.options().events);
    return store;
  }

  private static String millions(long count) {
    return String.format("%.1fM", count / 1e6);
  }

  private static String row(String title, Map<String, Object> s, double ratio) {
    return String.format(
        "%-44s %,10.0f %,10.0f %,10.0f %6.2f %10.1f %10.1f %8.0f%n",
        title,
        s.get("median"),
        s.get("min"),
        s.get("max"),
        ratio,
        s.get("cpu_us_per_record_median"),
        s.get("broker_cpu_us_per_record_median"),
        s.get("peak_rss_mb_max"));
  }

  void scale() throws Exception {
    Map<String, Object> scale = new LinkedHashMap<>();
    StringBuilder table = new StringBuilder();
    for (int[] layout : new int[][] {{1, 2}, {2, 1}}) {
      int instances = layout[0];
      int threads = layout[1];
      String title = instances == 1 ? "1 instance x 2 threads" : "2 instances x 1 thread";
      Run run = pipelineRun(Variant.DEFAULT, "scale" + instances + threads, threads, instances);
      scale.put(title, run.json());
      table.append(
          String.format(
              "%-44s %,10.0f %10.1f %10.1f%n",
              "default pipeline, " + title, run.rate(), run.cpuMicros(), run.brokerCpuMicros()));
    }
    ctx.report().results.put("scale", scale);
    ctx.report().table(table.toString());
  }

  private static List<Double> rates(List<Run> runs) {
    return runs.stream().map(Run::rate).toList();
  }

  /** One run of a variant over the whole input; checks every record came out once. */
  Run pipelineRun(Variant variant, String id, int threads, int instances) throws Exception {
    String input = variant.keyedByCustomer ? BenchContext.INPUT_BY_CUSTOMER : INPUT;
    BenchContext.Topics topics = BenchContext.Topics.of(id, input);
    topics.create(ctx.kafka(), false);
    String appId = "bench-pipeline-" + id;
    List<Child> children = new ArrayList<>();
    try {
      for (int i = 0; i < instances; i++) {
        Properties config =
            ctx.pipelineConfig(
                variant, appId, topics, threads, id + "-" + i, 0, ctx.options().commitIntervalMs);
        children.add(
            Child.start(
                ctx.jar(),
                "dev.scorestream.cli.ScorerCli",
                List.of(
                    "run",
                    "--config",
                    Child.writeProperties(
                            ctx.work().resolve(appId + "-" + i + ".properties"), config)
                        .toString()),
                ctx.work().resolve(appId + "-" + i + ".log")));
      }
      Run run = measure(appId, input, children, variant.labels ? topics.labels() : null);
      check(id, topics, variant.labels);
      say("%s (%s, %d instance(s) x %d thread(s)): %s", variant.title, id, instances, threads, run);
      return run;
    } finally {
      children.forEach(Child::close);
    }
  }

  private void check(String id, BenchContext.Topics topics, boolean labels) throws Exception {
    long predictions = ctx.broker().count(topics.predictions());
    long deadLetters = ctx.broker().count(topics.deadLetters());
    long expectedTraining = labels ? ctx.labels().size() : 0;
    long training = labels ? ctx.broker().count(topics.training()) : 0;
    // A label that overtook its prediction joins at the join's next check of waiting labels, once
    // a second: up to a second and a commit after the last input was consumed.
    long joinedBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (training < expectedTraining && System.nanoTime() < joinedBy) {
      Thread.sleep(500);
      training = ctx.broker().count(topics.training());
    }
    if (predictions != ctx.expectedPredictions()
        || deadLetters != ctx.expectedDeadLetters()
        || training != expectedTraining) {
      throw new IllegalStateException(
          String.format(
              "run %s lost or duplicated records: predictions %d (expected %d), dead letters %d"
                  + " (expected %d), training examples %d (expected %d, one per label)",
              id,
              predictions,
              ctx.expectedPredictions(),
              deadLetters,
              ctx.expectedDeadLetters(),
              training,
              expectedTraining));
    }
  }

  Run passthroughRun(String id) throws Exception {
    String output = "bench-passthrough-" + id;
    ctx.kafka().createTopics(Map.of(output, PARTITIONS));
    String appId = "bench-passthrough-" + id;
    Properties props = passthroughConfig(appId, id, ctx.options().commitIntervalMs);
    props.put("bench.input", INPUT);
    props.put("bench.output", output);
    try (Child child =
        Child.start(
            ctx.jar(),
            Passthrough.class.getName(),
            List.of(
                Child.writeProperties(ctx.work().resolve(appId + ".properties"), props).toString()),
            ctx.work().resolve(appId + ".log"))) {
      Run run = measure(appId, INPUT, List.of(child), null);
      say("passthrough %s: %s", id, run);
      return run;
    }
  }

  /** The passthrough gets the Streams settings the scorer gives itself (StreamsProperties). */
  Properties passthroughConfig(String appId, String stateId, long commitIntervalMs) {
    Properties props =
        Passthrough.withKafkaNames(ctx.streamsBase(appId, 1, stateId, commitIntervalMs));
    props.put("max.task.idle.ms", "-1");
    props.put("producer.batch.size", String.valueOf(StreamsProperties.PRODUCER_BATCH_BYTES));
    return props;
  }

  /**
   * Events/s of a consumer group over the input: from the warm-up records committed (JIT warm,
   * start-up excluded) until the group has drained the input, the labels and its repartition
   * topics. Over the same interval, CPU time per event of the measured processes and of this one
   * (broker, registry, harness), how busy the machine was, and the first process's peak RSS.
   */
  private Run measure(String group, String input, List<Child> children, String labelsTopic)
      throws Exception {
    BenchOptions options = ctx.options();
    long total = (long) options.warmupEvents + options.events;
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(20);
    long startCount = -1;
    long startNanos = 0;
    long startChildCpu = 0;
    long startOwnCpu = 0;
    long[] startMachine = null;
    Map<String, Long> startThreads = Map.of();
    Map<String, Long> startOwnThreads = Map.of();
    long peakRss = 0;
    int nextLabel = 0;
    List<Workload.Label> labels = labelsTopic == null ? List.of() : ctx.labels();
    AtomicLong failed = new AtomicLong();
    AtomicReference<Exception> firstError = new AtomicReference<>();
    try (KafkaProducer<byte[], byte[]> labelProducer = ctx.broker().producer(5, 65_536)) {
      while (System.nanoTime() < deadline) {
        for (Child child : children) {
          if (!child.alive()) {
            throw new IllegalStateException(group + " died:\n" + child.tail());
          }
        }
        peakRss = Math.max(peakRss, children.get(0).rss()[0]);
        long committed = ctx.broker().committed(group, input);
        if (startCount < 0 && committed >= options.warmupEvents) {
          startCount = committed;
          startNanos = System.nanoTime();
          startChildCpu = children.stream().mapToLong(Child::cpuNanos).sum();
          startOwnCpu = Child.processCpuNanos(ProcessHandle.current().pid());
          startMachine = Child.machineJiffies();
          startThreads = children.get(0).threadCpuNanos();
          startOwnThreads = Child.threadCpuNanos(ProcessHandle.current().pid());
        }
        long labelsUpTo = committed >= total ? Long.MAX_VALUE : committed - LABEL_LAG_RECORDS;
        while (nextLabel < labels.size() && labels.get(nextLabel).eventIndex() < labelsUpTo) {
          Workload.Label label = labels.get(nextLabel++);
          labelProducer.send(
              new ProducerRecord<>(labelsTopic, label.key(), label.value()),
              (metadata, error) -> {
                if (error != null) {
                  failed.incrementAndGet();
                  firstError.compareAndSet(null, error);
                }
              });
        }
        if (committed >= total && nextLabel == labels.size()) {
          labelProducer.flush();
          if (failed.get() > 0) {
            throw new IllegalStateException(
                failed.get() + " labels could not be sent", firstError.get());
          }
          if (ctx.broker().lag(group) == 0) {
            long records = committed - startCount;
            double childCpu = children.stream().mapToLong(Child::cpuNanos).sum() - startChildCpu;
            double ownCpu = Child.processCpuNanos(ProcessHandle.current().pid()) - startOwnCpu;
            long[] machine = Child.machineJiffies();
            double busy =
                (double) (machine[0] - startMachine[0]) / Math.max(1, machine[1] - startMachine[1]);
            return new Run(
                records / seconds(startNanos),
                childCpu / records / 1000,
                ownCpu / records / 1000,
                busy,
                peakRss / 1048576.0,
                perRecord(startThreads, children.get(0).threadCpuNanos(), records),
                perRecord(
                    startOwnThreads, Child.threadCpuNanos(ProcessHandle.current().pid()), records));
          }
        }
        Thread.sleep(50);
      }
    }
    throw new IllegalStateException(
        group + " did not finish within 20 minutes:\n" + children.get(0).tail());
  }

  /**
   * One measured run: events/s; CPU microseconds per event in the measured JVMs and in the harness
   * JVM (broker, registry); the machine's busy share (1.0 = all cores busy); the first measured
   * process's peak RSS.
   */
  record Run(
      double rate,
      double cpuMicros,
      double brokerCpuMicros,
      double machineBusy,
      double peakRssMb,
      Map<String, Double> threads,
      Map<String, Double> brokerThreads) {

    Map<String, Object> json() {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("records_per_second", rate);
      json.put("cpu_us_per_record", cpuMicros);
      json.put("broker_cpu_us_per_record", brokerCpuMicros);
      json.put("machine_busy", machineBusy);
      json.put("peak_rss_mb", peakRssMb);
      json.put("cpu_us_per_record_by_thread", threads);
      json.put("broker_cpu_us_per_record_by_thread", brokerThreads);
      return json;
    }

    @Override
    public String toString() {
      return String.format(
          "%,.0f events/s; CPU per event %.1f us here + %.1f us broker; machine %.0f%% busy;"
              + " peak RSS %.0f MB; by thread (first instance, us/event) %s; harness by thread %s",
          rate, cpuMicros, brokerCpuMicros, machineBusy * 100, peakRssMb, threads, brokerThreads);
    }
  }

  /** CPU microseconds per event by thread name between two snapshots, under 0.1 us left out. */
  private static Map<String, Double> perRecord(
      Map<String, Long> before, Map<String, Long> after, long records) {
    Map<String, Double> threads = new LinkedHashMap<>();
    after.entrySet().stream()
        .map(
            e ->
                Map.entry(
                    e.getKey(),
                    (e.getValue() - before.getOrDefault(e.getKey(), 0L)) / (double) records / 1000))
        .filter(e -> e.getValue() >= 0.1)
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .forEach(e -> threads.put(e.getKey(), e.getValue()));
    return threads;
  }

  private static Map<String, Object> stats(List<Run> runs) {
    List<Double> values = rates(runs);
    Map<String, Object> stats = new LinkedHashMap<>();
    stats.put("median", Report.median(values));
    stats.put("min", values.stream().mapToDouble(Double::doubleValue).min().orElse(0));
    stats.put("max", values.stream().mapToDouble(Double::doubleValue).max().orElse(0));
    stats.put(
        "cpu_us_per_record_median", Report.median(runs.stream().map(Run::cpuMicros).toList()));
    stats.put(
        "broker_cpu_us_per_record_median",
        Report.median(runs.stream().map(Run::brokerCpuMicros).toList()));
    stats.put("peak_rss_mb_max", runs.stream().mapToDouble(Run::peakRssMb).max().orElse(0));
    stats.put("runs", runs.stream().map(Run::json).toList());
    return stats;
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}

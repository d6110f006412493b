package dev.scorestream.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.scorestream.app.StreamsProperties;
import dev.scorestream.deadletter.RatePacer;
import dev.scorestream.registry.RegistrySettings;
import dev.scorestream.registry.SchemaRegistryClient;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.testkit.EmbeddedStack;
import dev.scorestream.testkit.FreePort;
import dev.scorestream.testkit.TempDirectories;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code scorer bench}: one broker, one registry, one set of generated records, the same Streams
 * settings; the scoring pipeline and a passthrough topology measured in alternating runs,
 * end-to-end latency at fixed rates, scoring cost by JMH, the pipeline's memory. Prints a table
 * with PASS/FAIL per target and writes {@code bench/results/<date>-<git sha>.json}.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Benchmark the pipeline against a passthrough Kafka Streams topology on the same broker and data.")
public final class BenchMain implements Callable<Integer> {

  static final String INPUT = "bench-events";
  static final int PARTITIONS = 4;

  @Option(
      names = "--events",
      defaultValue = "1000000",
      description = "Records per throughput run (default ${DEFAULT-VALUE}).")
  int events;

  @Option(
      names = "--warmup-events",
      defaultValue = "1000000",
      description =
          "Records each throughput run processes before measuring, so the JIT has compiled the hot path"
              + " (default ${DEFAULT-VALUE}).")
  int warmupEvents;

  @Option(
      names = "--runs",
      defaultValue = "3",
      description = "Alternating pipeline/passthrough runs (default ${DEFAULT-VALUE}).")
  int runs;

  @Option(
      names = "--rates",
      split = ",",
      defaultValue = "1000,5000",
      description = "Fixed rates for latency (default ${DEFAULT-VALUE}).")
  List<Integer> rates;

  @Option(
      names = "--latency-seconds",
      defaultValue = "30",
      description = "Measured seconds per rate (default ${DEFAULT-VALUE}).")
  int latencySeconds;

  @Option(
      names = "--commit-interval-ms",
      defaultValue = "100",
      description = "commit.interval.ms of every run (default ${DEFAULT-VALUE}).")
  long commitIntervalMs;

  @Option(
      names = "--latency-commit-interval-ms",
      defaultValue = "20",
      description = "commit.interval.ms of the latency runs (default ${DEFAULT-VALUE}).")
  long latencyCommitIntervalMs;

  @Option(
      names = "--latency-drift-checkpoint",
      defaultValue = "1s",
      description =
          "drift.checkpoint.interval of the pipeline's latency runs (default ${DEFAULT-VALUE};"
              + " 0ms = every commit).")
  String latencyDriftCheckpoint;

  @Option(
      names = "--latency-batch-size",
      defaultValue = "16384",
      description =
          "Producer batch.size of the latency runs, pipeline and passthrough (default ${DEFAULT-VALUE};"
              + " the scorer's own default, 131072, adds about 15 ms to p99 at 5k/s).")
  int latencyBatchSize;

  @Option(names = "--skip-jmh", description = "Skip the JMH scoring-cost benchmark.")
  boolean skipJmh;

  @Option(names = "--skip-scale", description = "Skip the 2-thread and 2-instance runs.")
  boolean skipScale;

  @Option(
      names = "--skip-throughput",
      description = "Skip the throughput and scale runs (to tune latency).")
  boolean skipThroughput;

  @Option(
      names = "--child-jvm-option",
      paramLabel = "OPTION",
      description =
          "Extra JVM option for the measured processes, e.g. -XX:StartFlightRecording=filename=p.jfr (repeatable).")
  List<String> childJvmOptions = new ArrayList<>();

  @Option(
      names = "--pipeline-option",
      paramLabel = "KEY=VALUE",
      description =
          "Override a scorer setting in every pipeline run, e.g. drift.enabled=false (repeatable).")
  Map<String, String> pipelineOptions = new LinkedHashMap<>();

  @Option(
      names = "--out",
      defaultValue = "bench/results",
      description = "Directory of the results JSON (default ${DEFAULT-VALUE}).")
  Path out;

  private final Map<String, Object> results = new LinkedHashMap<>();
  private final List<Map<String, Object>> targets = new ArrayList<>();
  private Path jar;
  private Path work;
  private EmbeddedStack stack;
  private String registryUrl;
  private Path modelDir;
  private long expectedPredictions;
  private long expectedDeadLetters;

  public static void main(String[] args) {
    System.exit(new CommandLine(new BenchMain()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (events < 10_000 || warmupEvents < 0 || runs < 1 || latencySeconds < 5) {
      throw new CommandLine.ParameterException(
          new CommandLine(this),
          "--events >= 10000, --warmup-events >= 0, --runs >= 1, --latency-seconds >= 5");
    }
    jar = Path.of(BenchMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Child.EXTRA_OPTIONS.addAll(childJvmOptions);
    work = TempDirectories.create("scorestream-bench-");
    results.put("date", LocalDate.now().toString());
    results.put("git_sha", gitSha());
    results.put(
        "machine",
        Map.of(
            "cores",
            Runtime.getRuntime().availableProcessors(),
            "java",
            System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
            "child_jvm_options",
            Child.JVM_OPTIONS));
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("events", events);
    settings.put("warmup_events", warmupEvents);
    settings.put("partitions", PARTITIONS);
    settings.put("malformed_share", Workload.MALFORMED_SHARE);
    settings.put("processing_guarantee", "exactly_once_v2");
    settings.put("commit_interval_ms", commitIntervalMs);
    settings.put("latency_commit_interval_ms", latencyCommitIntervalMs);
    settings.put("latency_drift_checkpoint_interval", latencyDriftCheckpoint);
    settings.put("latency_producer_batch_size", latencyBatchSize);
    settings.put("producer_batch_size", StreamsProperties.PRODUCER_BATCH_BYTES);
    settings.put("runs", runs);
    settings.put(
        "pipeline",
        "decode, rules, features, logistic regression, prediction write, drift aggregation;"
            + " feedback off");
    settings.put("pipeline_overrides", pipelineOptions);
    results.put("settings", settings);
    try (EmbeddedStack embedded = EmbeddedStack.start()) {
      stack = embedded;
      registryUrl = stack.registry().url();
      SchemaRegistryClient registry = new SchemaRegistryClient(RegistrySettings.of(registryUrl));
      int readerId = registry.register(INPUT + "-value", Contracts.paymentEvent());
      modelDir = work.resolve("model");
      Workload.trainModel(modelDir);
      say(
          "model trained; generating %,d + %,d warm-up records (5%% malformed)",
          events, warmupEvents);
      List<Workload.Event> data = Workload.events(warmupEvents + events, readerId, 42);
      expectedDeadLetters = data.stream().filter(Workload.Event::malformed).count();
      expectedPredictions = data.size() - expectedDeadLetters;
      results.put(
          "record_bytes_avg", data.stream().mapToInt(e -> e.value().length).average().orElse(0));
      stack.kafka().createTopics(Map.of(INPUT, PARTITIONS));
      long started = System.nanoTime();
      produce(INPUT, data);
      results.put("produce_per_second", data.size() / seconds(started));
      say("produced %,d records in %.1f s", data.size(), seconds(started));
      if (!skipThroughput) {
        throughput();
      }
      if (!skipScale && !skipThroughput) {
        scale();
      }
      latency(data);
    } finally {
      TempDirectories.delete(work);
    }
    if (!skipJmh) {
      jmh();
    }
    results.put("targets", targets);
    report();
    return targets.stream().allMatch(t -> (Boolean) t.get("pass")) ? 0 : 1;
  }

  // ---- throughput ----

  private void throughput() throws Exception {
    List<Run> pipeline = new ArrayList<>();
    List<Run> passthrough = new ArrayList<>();
    for (int run = 1; run <= runs; run++) {
      pipeline.add(pipelineRun("p" + run, 1, 1));
      passthrough.add(passthroughRun("t" + run));
    }
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("pipeline", stats(pipeline));
    summary.put("passthrough", stats(passthrough));
    double ratio = median(rates(pipeline)) / median(rates(passthrough));
    summary.put("ratio", ratio);
    results.put("throughput", summary);
    target("throughput pipeline / passthrough", ratio, ">=", 0.80);
  }

  private static List<Double> rates(List<Run> runs) {
    return runs.stream().map(Run::rate).toList();
  }

  private void scale() throws Exception {
    Map<String, Object> scale = new LinkedHashMap<>();
    scale.put("1 instance x 2 threads", pipelineRun("s2t", 2, 1).json());
    scale.put("2 instances x 1 thread", pipelineRun("s2i", 1, 2).json());
    results.put("scale", scale);
  }

  /** One pipeline run over the whole input; checks every record came out once. */
  private Run pipelineRun(String id, int threads, int instances) throws Exception {
    String predictions = "bench-predictions-" + id;
    String deadLetters = "bench-dlq-" + id;
    String drift = "bench-drift-" + id;
    stack.kafka().createTopics(Map.of(predictions, PARTITIONS, deadLetters, 1, drift, 1));
    String appId = "bench-pipeline-" + id;
    List<Child> children = new ArrayList<>();
    try {
      for (int i = 0; i < instances; i++) {
        Properties config =
            pipelineConfig(appId, INPUT, predictions, deadLetters, drift, threads, id + "-" + i, 0);
        children.add(
            Child.start(
                jar,
                "dev.scorestream.cli.ScorerCli",
                List.of(
                    "run",
                    "--config",
                    Child.writeProperties(work.resolve(appId + "-" + i + ".properties"), config)
                        .toString()),
                work.resolve(appId + "-" + i + ".log")));
      }
      Run run = measure(appId, children);
      long outPredictions = count(predictions);
      long outDeadLetters = count(deadLetters);
      if (outPredictions != expectedPredictions || outDeadLetters != expectedDeadLetters) {
        throw new IllegalStateException(
            String.format(
                "run %s lost or duplicated records: predictions %d (expected %d),"
                    + " dead letters %d (expected %d)",
                id, outPredictions, expectedPredictions, outDeadLetters, expectedDeadLetters));
      }
      say(
          "pipeline %s (%d instance(s) x %d thread(s)): %s; %,d predictions + %,d dead letters, as expected",
          id, instances, threads, run, outPredictions, outDeadLetters);
      return run;
    } finally {
      children.forEach(Child::close);
    }
  }

  private Run passthroughRun(String id) throws Exception {
    String output = "bench-passthrough-" + id;
    stack.kafka().createTopics(Map.of(output, PARTITIONS));
    String appId = "bench-passthrough-" + id;
    Properties props = streamsBase(appId, 1, id);
    props.put("bench.input", INPUT);
    props.put("bench.output", output);
    try (Child child =
        Child.start(
            jar,
            Passthrough.class.getName(),
            List.of(Child.writeProperties(work.resolve(appId + ".properties"), props).toString()),
            work.resolve(appId + ".log"))) {
      Run run = measure(appId, List.of(child));
      say("passthrough %s: %s", id, run);
      return run;
    }
  }

  private Properties streamsBase(String appId, int threads, String stateId) {
    Properties props = new Properties();
    props.put("application.id", appId);
    props.put("bootstrap.servers", stack.kafka().bootstrapServers());
    props.put("processing.guarantee", "exactly_once_v2");
    props.put("commit.interval.ms", String.valueOf(commitIntervalMs));
    props.put("num.stream.threads", String.valueOf(threads));
    props.put("state.dir", work.resolve("state-" + stateId).toString());
    // as the scorer sets them (StreamsProperties.of)
    props.put("max.task.idle.ms", "-1");
    props.put("producer.batch.size", String.valueOf(StreamsProperties.PRODUCER_BATCH_BYTES));
    return props;
  }

  private Properties pipelineConfig(
      String appId,
      String input,
      String predictions,
      String deadLetters,
      String drift,
      int threads,
      String stateId,
      int httpPort) {
    Properties props = streamsBase(appId, threads, stateId);
    props.put("schema.registry.url", registryUrl);
    props.put("model.dir", modelDir.toString());
    props.put("topic.events", input);
    props.put("topic.predictions", predictions);
    props.put("topic.dlq", deadLetters);
    props.put("topic.drift", drift);
    props.put("feedback.enabled", "false");
    props.put("http.port", String.valueOf(httpPort));
    props.putAll(pipelineOptions);
    return props;
  }

  /**
   * Records/s of a consumer group over the input: from the warm-up records committed (JIT warm,
   * start-up excluded) to all of them, read from the group's committed offsets every 50 ms. Over
   * the same interval, CPU time per record of the measured processes and of this one (broker,
   * registry, harness), and how busy the machine was: on a 2-core machine the processes compete, so
   * CPU per record explains a rate.
   */
  private Run measure(String group, List<Child> children) throws Exception {
    Admin admin = stack.kafka().admin();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    long startCount = -1;
    long startNanos = 0;
    long startChildCpu = 0;
    long startOwnCpu = 0;
    long[] startMachine = null;
    Map<String, Long> startThreads = Map.of();
    Map<String, Long> startOwnThreads = Map.of();
    while (System.nanoTime() < deadline) {
      for (Child child : children) {
        if (!child.alive()) {
          throw new IllegalStateException(group + " died:\n" + child.tail());
        }
      }
      long committed = committed(admin, group, INPUT);
      if (startCount < 0 && committed >= warmupEvents) {
        startCount = committed;
        startNanos = System.nanoTime();
        startChildCpu = children.stream().mapToLong(Child::cpuNanos).sum();
        startOwnCpu = Child.processCpuNanos(ProcessHandle.current().pid());
        startMachine = Child.machineJiffies();
        startThreads = children.get(0).threadCpuNanos();
        startOwnThreads = Child.threadCpuNanos(ProcessHandle.current().pid());
      }
      if (committed >= warmupEvents + events) {
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
            perRecord(startThreads, children.get(0).threadCpuNanos(), records),
            perRecord(
                startOwnThreads, Child.threadCpuNanos(ProcessHandle.current().pid()), records));
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException(
        group + " did not finish within 10 minutes:\n" + children.get(0).tail());
  }

  /**
   * One measured run: records/s; CPU microseconds per record in the measured JVMs and in the
   * harness JVM (broker, registry); the machine's busy share (1.0 = all cores busy).
   */
  record Run(
      double rate,
      double cpuMicros,
      double brokerCpuMicros,
      double machineBusy,
      Map<String, Double> threads,
      Map<String, Double> brokerThreads) {

    Map<String, Object> json() {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("records_per_second", rate);
      json.put("cpu_us_per_record", cpuMicros);
      json.put("broker_cpu_us_per_record", brokerCpuMicros);
      json.put("machine_busy", machineBusy);
      json.put("cpu_us_per_record_by_thread", threads);
      json.put("broker_cpu_us_per_record_by_thread", brokerThreads);
      return json;
    }

    @Override
    public String toString() {
      return String.format(
          "%,.0f records/s; CPU per record %.1f us here + %.1f us broker; machine %.0f%% busy;"
              + " by thread (first instance, us/record) %s; harness by thread %s",
          rate, cpuMicros, brokerCpuMicros, machineBusy * 100, threads, brokerThreads);
    }
  }

  /**
   * CPU microseconds per record by thread name between two snapshots, threads under 0.1 us left
   * out.
   */
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

  private static long committed(Admin admin, String group, String topic) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> offsets =
        admin
            .listConsumerGroupOffsets(group)
            .partitionsToOffsetAndMetadata()
            .get(10, TimeUnit.SECONDS);
    return offsets.entrySet().stream()
        .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
        .mapToLong(e -> e.getValue().offset())
        .sum();
  }

  /**
   * Committed records in a topic, read as read_committed from the beginning to the last stable
   * offset.
   */
  private long count(String topic) throws Exception {
    Admin admin = stack.kafka().admin();
    int partitions =
        admin
            .describeTopics(List.of(topic))
            .allTopicNames()
            .get(10, TimeUnit.SECONDS)
            .get(topic)
            .partitions()
            .size();
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    for (int p = 0; p < partitions; p++) {
      request.put(new TopicPartition(topic, p), OffsetSpec.latest());
    }
    Map<TopicPartition, Long> ends = new HashMap<>();
    admin
        .listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
        .all()
        .get(10, TimeUnit.SECONDS)
        .forEach((tp, info) -> ends.put(tp, info.offset()));
    long count = 0;
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      consumer.assign(ends.keySet());
      consumer.seekToBeginning(ends.keySet());
      while (ends.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
        count += consumer.poll(Duration.ofMillis(500)).count();
      }
    }
    return count;
  }

  private KafkaConsumer<byte[], byte[]> consumer() {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /**
   * Sends every record and waits for all of them; fails naming the first error if any send failed.
   */
  private void produce(String topic, List<Workload.Event> data) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, 262_144);
    AtomicLong failed = new AtomicLong();
    AtomicReference<Exception> firstError = new AtomicReference<>();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (Workload.Event event : data) {
        producer.send(
            new ProducerRecord<>(topic, event.key(), event.value()),
            (metadata, error) -> {
              if (error != null) {
                failed.incrementAndGet();
                firstError.compareAndSet(null, error);
              }
            });
      }
      producer.flush();
    }
    if (failed.get() > 0) {
      throw new IllegalStateException(
          failed.get() + " of " + data.size() + " records could not be sent to " + topic,
          firstError.get());
    }
  }

  // ---- latency and memory ----

  private void latency(List<Workload.Event> data) throws Exception {
    List<Workload.Event> valid = data.stream().filter(e -> !e.malformed()).limit(200_000).toList();
    Map<String, Object> latency = new LinkedHashMap<>();
    Map<String, Object> reference = new LinkedHashMap<>();
    for (int rate : rates) {
      latency.put(String.valueOf(rate), latencyRun(rate, valid, false));
      reference.put(String.valueOf(rate), latencyRun(rate, valid, true));
    }
    results.put("latency_ms", latency);
    results.put("latency_ms_passthrough", reference);
  }

  @SuppressWarnings("unchecked")
  /**
   * End-to-end latency at a fixed rate, of the pipeline or (as the floor exactly-once sets on this
   * machine) of the passthrough topology.
   */
  private Map<String, Object> latencyRun(int rate, List<Workload.Event> valid, boolean passthrough)
      throws Exception {
    String id = (passthrough ? "plat" : "lat") + rate;
    String kind = passthrough ? "passthrough" : "pipeline";
    String input = "bench-events-" + id;
    String predictions = "bench-predictions-" + id;
    stack
        .kafka()
        .createTopics(
            Map.of(
                input,
                PARTITIONS,
                predictions,
                PARTITIONS,
                "bench-dlq-" + id,
                1,
                "bench-drift-" + id,
                1));
    int httpPort = FreePort.pick();
    String appId = "bench-" + kind + "-" + id;
    Properties config;
    if (passthrough) {
      config = streamsBase(appId, 1, id);
      config.put("bench.input", input);
      config.put("bench.output", predictions);
      config.put("producer.batch.size", String.valueOf(latencyBatchSize));
    } else {
      config =
          pipelineConfig(
              appId, input, predictions, "bench-dlq-" + id, "bench-drift-" + id, 1, id, httpPort);
      config.putIfAbsent("drift.checkpoint.interval", latencyDriftCheckpoint);
      config.putIfAbsent("kafka.producer.batch.size", String.valueOf(latencyBatchSize));
    }
    config.put("commit.interval.ms", String.valueOf(latencyCommitIntervalMs));
    List<Long> latencies = new ArrayList<>();
    long[] peakRss = {0};
    double[] peakHeap = {0};
    String configFile = Child.writeProperties(work.resolve(id + ".properties"), config).toString();
    try (Child child =
        passthrough
            ? Child.start(
                jar, Passthrough.class.getName(), List.of(configFile), work.resolve(id + ".log"))
            : Child.start(
                jar,
                "dev.scorestream.cli.ScorerCli",
                List.of("run", "--config", configFile),
                work.resolve(id + ".log"))) {
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + httpPort;
      // Produce only once the process is up: producing while the previous process shut down and
      // this one started has had batches expire here (120 s without a broker response).
      if (passthrough) {
        awaitStableGroup(appId, child);
      } else {
        waitReady(http, base, child);
      }
      int warmupCount = Math.min(warmupEvents, valid.size());
      produce(input, valid.subList(0, warmupCount));
      awaitCommitted(input, appId, warmupCount, child);
      AtomicBoolean consuming = new AtomicBoolean(true);
      long[] measureFrom = {Long.MAX_VALUE};
      Thread reader =
          new Thread(
              () -> {
                try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
                  List<TopicPartition> partitions = new ArrayList<>();
                  for (int p = 0; p < PARTITIONS; p++) {
                    partitions.add(new TopicPartition(predictions, p));
                  }
                  consumer.assign(partitions);
                  consumer.seekToBeginning(partitions);
                  while (consuming.get()) {
                    for (ConsumerRecord<byte[], byte[]> record :
                        consumer.poll(Duration.ofMillis(20))) {
                      long now = System.currentTimeMillis();
                      if (record.timestamp() >= measureFrom[0]) {
                        synchronized (latencies) {
                          latencies.add(now - record.timestamp());
                        }
                      }
                    }
                  }
                }
              },
              "latency-reader");
      reader.start();
      Properties props = new Properties();
      props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
      props.put(ProducerConfig.ACKS_CONFIG, "all");
      props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
      int warmup = 5;
      long total = (long) rate * (warmup + latencySeconds);
      RatePacer pacer = new RatePacer(rate);
      long nextSample = 0;
      try (KafkaProducer<byte[], byte[]> producer =
          new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
        long start = System.currentTimeMillis();
        for (long i = 0; i < total; i++) {
          if (i == (long) rate * warmup) {
            measureFrom[0] = System.currentTimeMillis();
          }
          Workload.Event event = valid.get((int) (i % valid.size()));
          producer.send(
              new ProducerRecord<>(
                  input, null, System.currentTimeMillis(), event.key(), event.value()));
          pacer.pace(i + 1);
          if (System.currentTimeMillis() >= nextSample && i >= (long) rate * warmup) {
            nextSample = System.currentTimeMillis() + 500;
            peakRss[0] = Math.max(peakRss[0], child.rss()[0]);
            peakHeap[0] = passthrough ? 0 : Math.max(peakHeap[0], heapUsed(http, base));
          }
        }
        producer.flush();
        say(
            "%s latency run at %,d/s: produced %,d in %.1f s",
            kind, rate, total, (System.currentTimeMillis() - start) / 1000.0);
      }
      Thread.sleep(3_000);
      consuming.set(false);
      reader.join(10_000);
      long[] hwm = child.rss();
      List<Long> sorted;
      synchronized (latencies) {
        sorted = new ArrayList<>(latencies);
      }
      sorted.sort(null);
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("measured", sorted.size());
      summary.put("expected", (long) rate * latencySeconds);
      summary.put("p50", percentile(sorted, 0.50));
      summary.put("p99", percentile(sorted, 0.99));
      summary.put("p999", percentile(sorted, 0.999));
      summary.put("max", sorted.isEmpty() ? -1 : sorted.get(sorted.size() - 1));
      summary.put("peak_rss_mb", peakRss[0] / 1048576.0);
      summary.put("process_peak_rss_mb_including_startup", hwm[1] / 1048576.0);
      summary.put("peak_heap_used_mb", peakHeap[0] / 1048576.0);
      say(
          "%s latency at %,d/s: p50 %d ms, p99 %d ms, p999 %d ms over %,d records; peak RSS %.0f MB, heap %.0f MB",
          kind,
          rate,
          percentile(sorted, 0.5),
          percentile(sorted, 0.99),
          percentile(sorted, 0.999),
          sorted.size(),
          peakRss[0] / 1048576.0,
          peakHeap[0] / 1048576.0);
      if (rate == 5000 && !passthrough) {
        target("p99 end-to-end at 5k/s (ms)", percentile(sorted, 0.99), "<=", 100);
        target("pipeline RSS at 5k/s (MB)", peakRss[0] / 1048576.0, "<=", 512);
      }
      return summary;
    }
  }

  /**
   * Waits until the process has committed {@code count} records of {@code input} (the warm-up): the
   * paced run then measures a warmed JVM, not the JIT compiling the hot path.
   */
  private void awaitCommitted(String input, String group, long count, Child child)
      throws Exception {
    Admin admin = stack.kafka().admin();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (committed(admin, group, input) < count) {
      if (!child.alive() || System.nanoTime() > deadline) {
        throw new IllegalStateException(
            group + " did not process the warm-up records:\n" + child.tail());
      }
      Thread.sleep(100);
    }
    say("%s warmed up with %,d records", group, count);
  }

  /** Waits until the consumer group of a Streams app is stable with every member assigned. */
  private void awaitStableGroup(String group, Child child) throws Exception {
    Admin admin = stack.kafka().admin();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (System.nanoTime() < deadline && child.alive()) {
      ConsumerGroupDescription description;
      try {
        description =
            admin.describeConsumerGroups(List.of(group)).all().get(10, TimeUnit.SECONDS).get(group);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof GroupIdNotFoundException)) {
          throw e;
        }
        Thread.sleep(200); // not created yet
        continue;
      }
      if (description.groupState() == GroupState.STABLE
          && !description.members().isEmpty()
          && description.members().stream()
              .allMatch(m -> !m.assignment().topicPartitions().isEmpty())) {
        return;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(
        group + " did not join its group within 2 minutes:\n" + child.tail());
  }

  private static void waitReady(HttpClient http, String base, Child child) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (System.nanoTime() < deadline) {
      if (!child.alive()) {
        throw new IllegalStateException("pipeline died:\n" + child.tail());
      }
      try {
        if (http.send(
                    HttpRequest.newBuilder(URI.create(base + "/health/ready")).build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode()
            == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("pipeline not ready within 2 minutes:\n" + child.tail());
  }

  /** jvm_memory_used_bytes summed over the heap pools, from the child's /metrics. */
  private static double heapUsed(HttpClient http, String base) {
    try {
      String body =
          http.send(
                  HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      return body.lines()
          .filter(l -> l.startsWith("jvm_memory_used_bytes{") && l.contains("area=\"heap\""))
          .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
          .sum();
    } catch (IOException | RuntimeException e) {
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }

  static long percentile(List<Long> sorted, double q) {
    if (sorted.isEmpty()) {
      return -1;
    }
    return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(q * sorted.size()) - 1));
  }

  // ---- JMH ----

  private void jmh() throws RunnerException {
    say(
        "JMH: scoring cost per record vs raw Tribuo predict (3 forks, 5 x 2 s warm-up, 5 x 2 s measured each)");
    Collection<RunResult> runs =
        new Runner(
                new OptionsBuilder()
                    .include(ScoringBenchmark.class.getName() + ".*")
                    .forks(3)
                    .warmupIterations(5)
                    .warmupTime(TimeValue.seconds(2))
                    .measurementIterations(5)
                    .measurementTime(TimeValue.seconds(2))
                    .jvmArgs("-Xmx512m")
                    .build())
            .run();
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
    results.put("jmh", jmh);
    target("scoring cost / raw Tribuo predict", scoring / raw, "<=", 1.5);
  }

  // ---- reporting ----

  private void target(String name, double value, String op, double threshold) {
    boolean pass = op.equals(">=") ? value >= threshold : value <= threshold;
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("name", name);
    t.put("value", value);
    t.put("threshold", op + " " + threshold);
    t.put("pass", pass);
    targets.add(t);
  }

  @SuppressWarnings("unchecked")
  private void report() throws IOException {
    System.out.println();
    Map<String, Object> throughput = (Map<String, Object>) results.get("throughput");
    System.out.printf(
        "%-44s %10s %10s %10s %10s %10s%n",
        "throughput (records/s)", "median", "min", "max", "CPU us/rec", "broker us");
    for (String kind :
        throughput == null ? List.<String>of() : List.of("pipeline", "passthrough")) {
      Map<String, Object> s = (Map<String, Object>) throughput.get(kind);
      System.out.printf(
          "%-44s %,10.0f %,10.0f %,10.0f %10.1f %10.1f%n",
          kind,
          s.get("median"),
          s.get("min"),
          s.get("max"),
          s.get("cpu_us_per_record_median"),
          s.get("broker_cpu_us_per_record_median"));
    }
    if (results.containsKey("scale")) {
      ((Map<String, Object>) results.get("scale"))
          .forEach(
              (k, v) -> {
                Map<String, Object> s = (Map<String, Object>) v;
                System.out.printf(
                    "%-44s %,10.0f %10s %10s %10.1f %10.1f%n",
                    "pipeline, " + k,
                    s.get("records_per_second"),
                    "",
                    "",
                    s.get("cpu_us_per_record"),
                    s.get("broker_cpu_us_per_record"));
              });
    }
    System.out.printf(
        "%n%-44s %8s %8s %8s %10s %10s%n",
        "end-to-end latency (ms)", "p50", "p99", "p999", "RSS MB", "heap MB");
    System.out.printf(
        "  (commit.interval.ms=%d, drift.checkpoint.interval=%s, producer batch.size=%d)%n",
        latencyCommitIntervalMs, latencyDriftCheckpoint, latencyBatchSize);
    for (String kind : List.of("pipeline", "passthrough")) {
      Map<String, Object> latency =
          (Map<String, Object>)
              results.get(kind.equals("pipeline") ? "latency_ms" : "latency_ms_passthrough");
      latency.forEach(
          (rate, value) -> {
            Map<String, Object> s = (Map<String, Object>) value;
            System.out.printf(
                "%-44s %8d %8d %8d %10.0f %10.0f%n",
                kind + " at " + rate + " events/s",
                s.get("p50"),
                s.get("p99"),
                s.get("p999"),
                s.get("peak_rss_mb"),
                s.get("peak_heap_used_mb"));
          });
    }
    if (results.containsKey("jmh")) {
      Map<String, Object> jmh = (Map<String, Object>) results.get("jmh");
      System.out.printf(
          "%n%-44s %14.0f%n",
          "JMH scoring per record (ns)",
          ((Map<String, Object>) jmh.get("scoreFromWireBytes_ns")).get("score"));
      System.out.printf(
          "%-44s %14.0f%n",
          "JMH raw Tribuo predict (ns)",
          ((Map<String, Object>) jmh.get("rawTribuoPredict_ns")).get("score"));
    }
    System.out.printf("%n%-44s %12s %12s  %s%n", "target", "value", "threshold", "");
    for (Map<String, Object> t : targets) {
      System.out.printf(
          "%-44s %12.3f %12s  %s%n",
          t.get("name"),
          t.get("value"),
          t.get("threshold"),
          (Boolean) t.get("pass") ? "PASS" : "FAIL");
    }
    Files.createDirectories(out);
    Path file = out.resolve(results.get("date") + "-" + results.get("git_sha") + ".json");
    new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(file.toFile(), results);
    System.out.println("\nwrote " + file);
  }

  private static Map<String, Object> stats(List<Run> runs) {
    List<Double> values = rates(runs);
    Map<String, Object> stats = new LinkedHashMap<>();
    stats.put("median", median(values));
    stats.put("min", values.stream().mapToDouble(Double::doubleValue).min().orElse(0));
    stats.put("max", values.stream().mapToDouble(Double::doubleValue).max().orElse(0));
    stats.put("cpu_us_per_record_median", median(runs.stream().map(Run::cpuMicros).toList()));
    stats.put(
        "broker_cpu_us_per_record_median",
        median(runs.stream().map(Run::brokerCpuMicros).toList()));
    stats.put("runs", runs.stream().map(Run::json).toList());
    return stats;
  }

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
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

  private static void say(String format, Object... args) {
    System.out.printf("[bench] " + format + "%n", args);
    System.out.flush();
  }
}

package dev.scorestream.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The options of {@code scorer bench}. */
final class BenchOptions {

  @Option(
      names = "--events",
      defaultValue = "1000000",
      description = "Records per throughput run (default ${DEFAULT-VALUE}).")
  int events;

  @Option(
      names = "--warmup-events",
      defaultValue = "1000000",
      description =
          "Records each throughput run processes before measuring, so the JIT has compiled the hot"
              + " path and the feedback store holds that many more snapshots (default"
              + " ${DEFAULT-VALUE}).")
  int warmupEvents;

  @Option(
      names = "--runs",
      defaultValue = "3",
      description =
          "Alternating runs of each variant and the passthrough (default ${DEFAULT-VALUE}).")
  int runs;

  @Option(
      names = "--variants",
      split = ",",
      defaultValue =
          "DEFAULT,CUSTOMER_KEYED,FEEDBACK_OFF,DRIFT_OFF,XGBOOST,ONNX,REFERENCE,CONTEXT,CONTEXT_REPARTITIONED",
      description =
          "Pipeline variants measured for throughput, each next to the passthrough: ${COMPLETION-CANDIDATES}"
              + " (default ${DEFAULT-VALUE}).")
  List<Variant> variants;

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
      names = "--latency-repeats",
      defaultValue = "3",
      description =
          "Runs of the default pipeline at 5,000 events/s; the p99 target judges their median"
              + " (default ${DEFAULT-VALUE}).")
  int latencyRepeats;

  @Option(
      names = "--label-delay-ms",
      defaultValue = "2000",
      description =
          "In latency runs and the soak, how long after its event a label is sent (default"
              + " ${DEFAULT-VALUE}).")
  long labelDelayMs;

  @Option(
      names = "--soak-minutes",
      defaultValue = "0",
      description =
          "Minutes of the soak: the default pipeline at 5,000 events/s with labels; p99, RSS and lag"
              + " of the first 5 minutes against the last 5 (default ${DEFAULT-VALUE}: no soak; at"
              + " least 10).")
  int soakMinutes;

  @Option(
      names = "--commit-interval-ms",
      defaultValue = "100",
      description = "commit.interval of the throughput runs, in ms (default ${DEFAULT-VALUE}).")
  long commitIntervalMs;

  @Option(
      names = "--latency-commit-interval-ms",
      defaultValue = "20",
      description = "commit.interval of the latency runs, in ms (default ${DEFAULT-VALUE}).")
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
          "Producer batch.size of the latency runs, pipeline and passthrough (default"
              + " ${DEFAULT-VALUE}).")
  int latencyBatchSize;

  @Option(
      names = "--latency-linger-ms",
      defaultValue = "5",
      paramLabel = "MS",
      description =
          "linger.ms of the producer that sends the latency runs' events (default"
              + " ${DEFAULT-VALUE}, Kafka's own default since 4.0). 0 sends a request per event:"
              + " at 5,000 events/s the broker's share of a 2-core machine then starves the"
              + " process measured.")
  int latencyLingerMs;

  @Option(
      names = "--serving-seconds",
      defaultValue = "20",
      paramLabel = "S",
      description =
          "Seconds of each Open Inference Protocol measurement (gRPC and REST V2 batches, gRPC"
              + " single rows); default ${DEFAULT-VALUE}.")
  int servingSeconds;

  @Option(
      names = "--skip-serving",
      description = "Skip the Open Inference Protocol (gRPC, REST V2) measurements.")
  boolean skipServing;

  @Option(
      names = "--skip-latency",
      description = "Skip the end-to-end latency runs (and the soak, which extends them).")
  boolean skipLatency;

  @Option(
      names = "--retrain-rows",
      split = ",",
      defaultValue = "20000,200000",
      description =
          "Window sizes (labelled events) of the scorer retrain --once cost runs; default"
              + " ${DEFAULT-VALUE}.")
  List<Integer> retrainRows;

  @Option(names = "--skip-retrain", description = "Skip the retraining controller's cost runs.")
  boolean skipRetrain;

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
          "Extra JVM option for the measured processes, e.g."
              + " -XX:StartFlightRecording=filename=p.jfr (repeatable).")
  List<String> childJvmOptions = new ArrayList<>();

  @Option(
      names = "--pipeline-option",
      paramLabel = "KEY=VALUE",
      description =
          "Override a scorer setting in every pipeline run, e.g. commit.interval=50ms"
              + " (repeatable).")
  Map<String, String> pipelineOptions = new LinkedHashMap<>();

  @Option(
      names = "--out",
      defaultValue = "tools/bench/results",
      description = "Directory of the results JSON (default ${DEFAULT-VALUE}).")
  Path out;

  /** Refuses settings that cannot give a meaningful result, as a usage error. */
  void validate(CommandLine commandLine) {
    List<String> problems = new ArrayList<>();
    if (events < 10_000) {
      problems.add("--events must be at least 10000");
    }
    if (warmupEvents < 0) {
      problems.add("--warmup-events must not be negative");
    }
    if (runs < 1) {
      problems.add("--runs must be at least 1");
    }
    if (latencyLingerMs < 0) {
      problems.add("--latency-linger-ms must not be negative");
    }
    if (latencyRepeats < 1) {
      problems.add("--latency-repeats must be at least 1");
    }
    if (latencySeconds < 5) {
      problems.add("--latency-seconds must be at least 5");
    }
    if (soakMinutes != 0 && soakMinutes < 10) {
      problems.add("--soak-minutes must be 0 or at least 10 (its first and last 5 are compared)");
    }
    if (labelDelayMs < 0) {
      problems.add("--label-delay-ms must not be negative");
    }
    if (servingSeconds < 5) {
      problems.add("--serving-seconds must be at least 5");
    }
    if (retrainRows.stream().anyMatch(rows -> rows < 1000)) {
      problems.add("--retrain-rows must be at least 1000 each (the policy's minExamples)");
    }
    if (rates.stream().anyMatch(rate -> rate < 1)) {
      problems.add("--rates must be positive");
    }
    if (!problems.isEmpty()) {
      throw new CommandLine.ParameterException(commandLine, String.join("; ", problems));
    }
  }
}

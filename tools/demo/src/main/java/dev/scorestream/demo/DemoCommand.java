package dev.scorestream.demo;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code scorer demo}: the whole pipeline on embedded Kafka and registry, checked record by record.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description =
        "Run the whole pipeline on embedded Kafka + Apicurio with messy traffic and check it: trains a"
            + " model (unless --model), produces valid and malformed events, and exits 0 only if every event became"
            + " exactly one prediction or dead letter with the expected reason.")
final class DemoCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--events",
      paramLabel = "N",
      description = "Events to produce (default 10000; 30000 with --enrichment).")
  Integer events;

  @Option(
      names = "--rate",
      defaultValue = "0",
      paramLabel = "PER_SEC",
      description = "Produce rate; 0 = as fast as possible (default).")
  int rate;

  @Option(
      names = "--seed",
      defaultValue = "42",
      paramLabel = "S",
      description = "Seed of traffic and training data (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--model",
      paramLabel = "DIR",
      description = "Serve this model artifact instead of training one.")
  Path model;

  @Option(
      names = "--http-port",
      defaultValue = "0",
      paramLabel = "PORT",
      description =
          "Port of the REST server on 127.0.0.1; 0 (default) picks a free one, -1 disables it.")
  int httpPort;

  @Option(
      names = "--grpc-port",
      defaultValue = "0",
      paramLabel = "PORT",
      description =
          "Port of the gRPC server (Open Inference Protocol V2) on 127.0.0.1; 0 (default) picks a"
              + " free one, -1 disables it.")
  int grpcPort;

  @Option(
      names = "--drift",
      description =
          "Drift scenario instead: stable traffic, then shifted traffic (amounts x3,"
              + " a new country with more fraud, mostly card-not-present) with labels 10 minutes later; prints drift verdicts"
              + " and live accuracy per window and exits 0 only if the shift was caught.")
  boolean drift;

  @Option(
      names = "--enrichment",
      description =
          "Enrichment scenario instead: payments of customers of different risk (a reference"
              + " table) with card-testing bursts; trains a model with and one without the context"
              + " features, runs both through the stream, prints held-out and live accuracy and log"
              + " loss, and exits 0 only if the context helps (default --events: 30000).")
  boolean enrichment;

  @Option(
      names = "--seasons",
      description =
          "The closed loop instead: payments in real time whose fraud pattern changes with the"
              + " season after 20 s; the retraining controller notices live accuracy drop,"
              + " retrains, proves the candidate in shadow and promotes it. Prints every decision"
              + " and exits 0 only if retraining clearly helped and the trail holds trigger,"
              + " training, shadow and promotion in order (about 2 minutes).")
  boolean seasons;

  @Option(
      names = "--keep-running",
      description = "Keep the pipeline running after the check, until SIGTERM/Ctrl-C.")
  boolean keepRunning;

  @Override
  public Integer call() {
    if ((drift ? 1 : 0) + (enrichment ? 1 : 0) + (seasons ? 1 : 0) > 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "choose one of --drift, --enrichment and --seasons");
    }
    if ((enrichment || seasons) && (model != null || keepRunning)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          (enrichment ? "--enrichment" : "--seasons")
              + " trains its own models and stops when it has shown its point");
    }
    int events = this.events != null ? this.events : enrichment ? 30_000 : 10_000;
    if (events < 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--events must be at least 1, got " + events);
    }
    if (rate < 0) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--rate must be >= 0, got " + rate);
    }
    PrintStream out = System.out;
    DemoRunner.Report report =
        new DemoRunner(out)
            .run(
                new DemoRunner.Options(
                    events,
                    rate,
                    seed,
                    keepRunning,
                    model,
                    httpPort,
                    grpcPort,
                    drift
                        ? DemoRunner.Scenario.DRIFT
                        : enrichment
                            ? DemoRunner.Scenario.ENRICHMENT
                            : seasons ? DemoRunner.Scenario.SEASONS : DemoRunner.Scenario.MESSY));
    return report.passed() ? 0 : 1;
  }
}

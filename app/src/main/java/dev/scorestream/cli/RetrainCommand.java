package dev.scorestream.cli;

import dev.scorestream.app.RetrainApp;
import dev.scorestream.config.ScorerConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code scorer retrain}: the retraining controller. {@code --watch} runs until SIGTERM, leading
 * the loop or standing by; {@code --once} trains a candidate from the stream now, holds it to gate
 * 1 and starts its shadow, then exits.
 */
@Command(
    name = "retrain",
    mixinStandardHelpOptions = true,
    description =
        "Run the retraining controller of the scorers configured in --config under a retraining"
            + " policy (docs/retraining.md): triggers, training from the training topic, gate 1"
            + " offline, the shadow, promotion and the rollback watch, every decision recorded on"
            + " model-events. Exit codes of --once: 0 done, 2 the candidate was rejected, 3 another"
            + " controller holds the lease.")
final class RetrainCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "The scorers' properties file (topics, model.dir, challenger.dir, Kafka and registry);"
              + " SCORER_* environment variables override it.")
  Path config;

  @Option(
      names = "--policy",
      required = true,
      paramLabel = "FILE",
      description = "The retraining policy (JSON; docs/retraining.md).")
  Path policy;

  @ArgGroup(multiplicity = "1")
  Mode mode;

  static final class Mode {
    @Option(names = "--watch", description = "Lead the loop (or stand by) until SIGTERM.")
    boolean watch;

    @Option(names = "--once", description = "Train a candidate now, gate it, start its shadow.")
    boolean once;
  }

  @Option(
      names = "--lease-timeout",
      defaultValue = "30s",
      paramLabel = "DURATION",
      description = "With --once: how long to wait for the lease (default ${DEFAULT-VALUE}).")
  String leaseTimeout;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    Duration timeout;
    try {
      timeout = dev.scorestream.settings.Durations.parse(leaseTimeout);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--lease-timeout: " + e.getMessage());
    }
    ScorerConfig effective = ScorerConfig.load(config, System.getenv());
    RetrainApp app =
        RetrainApp.create(
            effective,
            policy,
            line -> {
              out.println(line);
              out.flush();
            },
            Clock.systemUTC());
    if (mode.once) {
      try {
        if (!app.controller().once(timeout)) {
          spec.commandLine()
              .getErr()
              .println(
                  "another controller holds the retraining lease; use scorer models retrain to ask"
                      + " it for a candidate");
          return 3;
        }
        return app.controller().state().phase()
                instanceof dev.scorestream.retraining.ControllerState.Idle
            ? 2
            : 0;
      } finally {
        app.shutdown();
      }
    }
    app.serve(
        effective.getString(ScorerConfig.RETRAIN_HTTP_HOST),
        effective.getInt(ScorerConfig.RETRAIN_HTTP_PORT));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  app.close();
                  try {
                    stopped.await(30, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                },
                "retrain-shutdown"));
    try {
      app.watch();
    } finally {
      app.shutdown();
      stopped.countDown();
    }
    return 0;
  }
}

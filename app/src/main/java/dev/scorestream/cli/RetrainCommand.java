package dev.scorestream.cli;

import dev.scorestream.app.RetrainApp;
import dev.scorestream.config.ScorerConfig;
import dev.scorestream.retraining.Rebuilder;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
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
            + " controller holds the lease; of --rebuild: 0 identical, 2 different.")
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

    @Option(
        names = "--rebuild",
        paramLabel = "ID",
        description =
            "Rebuild the candidate of a TRAINED record (its event id or candidate version) from"
                + " the recorded offsets and seeds, and compare it row for row and answer for"
                + " answer with the stored one. Exit 0 identical, 2 different.")
    String rebuild;
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
    if (mode.rebuild != null) {
      return rebuild(effective, out);
    }
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

  private int rebuild(ScorerConfig effective, PrintWriter out) {
    Rebuilder.Report report;
    try {
      report =
          RetrainApp.rebuilder(effective, policy, out::println, Clock.systemUTC())
              .rebuild(mode.rebuild);
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println("cannot rebuild: " + e.getMessage());
      return 2;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (Rebuilder.Check check : report.checks()) {
      out.printf(
          "%-28s %s  recorded %s%s%n",
          check.name(),
          check.same() ? "same     " : "DIFFERENT",
          abbreviate(check.recorded()),
          check.same() ? "" : "; rebuilt " + abbreviate(check.rebuilt()));
    }
    out.printf(
        "%s %s (%d perturbed training rows compared with their originals)%n",
        report.identical() ? "identical" : "different",
        report.trained().versions().candidate(),
        report.perturbed().size());
    out.flush();
    return report.identical() ? 0 : 2;
  }

  private static String abbreviate(String text) {
    return text.length() <= 160 ? text : text.substring(0, 157) + "...";
  }
}

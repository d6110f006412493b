package dev.scorestream.chaos;

import dev.scorestream.testkit.TempDirectories;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./scorer chaos}: a chaos run of any length; exits 0 only if every invariant held. */
@Command(
    name = "chaos",
    mixinStandardHelpOptions = true,
    subcommands = RecoveryCommand.class,
    description =
        "Run two scorer processes through a seeded schedule of faults (kill -9, SIGSTOP past the"
            + " session timeout, broker restart, registry restart) while events and labels flow,"
            + " then check that every input came out exactly once and the analytics counted each"
            + " event and label once.")
public final class ChaosMain implements Callable<Integer> {

  @Option(
      names = "--faults",
      defaultValue = "8",
      description = "Faults to inject (default ${DEFAULT-VALUE}).")
  int faults;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "Seed of the schedule and the traffic (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--rate",
      defaultValue = "200",
      description = "Events per second (default ${DEFAULT-VALUE}).")
  int rate;

  @Option(
      names = "--scorer-jar",
      defaultValue = "app/target/scorer.jar",
      description = "The production scorer.jar the instances run (default ${DEFAULT-VALUE}).")
  Path scorerJar;

  @Option(
      names = "--scorer-option",
      paramLabel = "KEY=VALUE",
      description =
          "A scorer setting over the suite's own, e.g. processing.guarantee=at_least_once"
              + " (repeatable).")
  Map<String, String> scorerOptions = new LinkedHashMap<>();

  @Option(
      names = "--entity-features",
      description =
          "The scorers also compute entity features (per merchant category, repartitioned), and"
              + " no event may be counted twice in them.")
  boolean entityFeatures;

  @Option(
      names = "--work",
      description = "Directory for logs, state and broker data (default: a new temporary one).")
  Path work;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(new CommandLine(new ChaosMain()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (faults < 1 || rate < 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--faults and --rate must be at least 1");
    }
    if (!Files.isRegularFile(scorerJar)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--scorer-jar " + scorerJar + " does not exist; build it with mvn package");
    }
    Path dir = work != null ? work : TempDirectories.create("scorestream-chaos-");
    ChaosRun.Report report =
        new ChaosRun(
                new ChaosRun.Options(
                    faults,
                    seed,
                    rate,
                    dir,
                    scorerJar.toAbsolutePath(),
                    scorerOptions,
                    System.out,
                    entityFeatures))
            .run();
    print(report);
    return report.passed() ? 0 : 1;
  }

  static void print(ChaosRun.Report report) {
    System.out.printf("%-18s %-10s %10s %14s%n", "fault", "target", "down ms", "caught up ms");
    for (ChaosRun.Fault fault : report.faults()) {
      System.out.printf(
          "%-18s %-10s %10d %14d%n",
          fault.kind(), fault.target(), fault.down().toMillis(), fault.caughtUp().toMillis());
    }
    System.out.printf(
        "inputs=%d predictions=%d dead_letters=%d labels=%d training_examples=%d"
            + " drift_events=%d drift_late=%d matched=%d late_labels=%d%n",
        report.inputs(),
        report.predictions(),
        report.deadLetters(),
        report.labels(),
        report.trainingExamples(),
        report.driftEvents(),
        report.driftLate(),
        report.matched(),
        report.lateLabels());
    if (report.passed()) {
      System.out.printf("OK: %d faults survived, every invariant held%n", report.faults().size());
    } else {
      report.problems().forEach(problem -> System.out.println("PROBLEM: " + problem));
    }
  }
}

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

/** {@code ./scorer chaos recovery}: crash recovery with a full feedback store, measured. */
@Command(
    name = "recovery",
    mixinStandardHelpOptions = true,
    description =
        "Fill the feedback store of one scorer with --snapshots predictions awaiting labels, kill it"
            + " with SIGKILL (or stop it, --stop TERM), restart it, and report the time to the first"
            + " new prediction and the records restored from changelogs.")
final class RecoveryCommand implements Callable<Integer> {

  @Option(
      names = "--snapshots",
      defaultValue = "2000000",
      description = "Events scored before the crash (default ${DEFAULT-VALUE}).")
  int snapshots;

  @Option(
      names = "--partitions",
      defaultValue = "4",
      description = "Partitions of the input and so of the store (default ${DEFAULT-VALUE}).")
  int partitions;

  @Option(
      names = "--stop",
      defaultValue = "KILL",
      description =
          "How the scorer goes down: KILL (SIGKILL, a crash) or TERM (SIGTERM, a clean shutdown as"
              + " in a rolling restart); default ${DEFAULT-VALUE}.")
  RecoveryRun.Stop stop;

  @Option(
      names = "--scorer-jar",
      defaultValue = "app/target/scorer.jar",
      description = "The production scorer.jar (default ${DEFAULT-VALUE}).")
  Path scorerJar;

  @Option(
      names = "--scorer-option",
      paramLabel = "KEY=VALUE",
      description =
          "A scorer setting, e.g. kafka.enable.transactional.statestores=false to compare (repeatable).")
  Map<String, String> scorerOptions = new LinkedHashMap<>();

  @Option(names = "--work", description = "Work directory (default: a new temporary one).")
  Path work;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (snapshots < 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--snapshots must be at least 1");
    }
    if (!Files.isRegularFile(scorerJar)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--scorer-jar " + scorerJar + " does not exist; build it with mvn package");
    }
    Path dir = work != null ? work : TempDirectories.create("scorestream-recovery-");
    RecoveryRun.Report report =
        new RecoveryRun(
                new RecoveryRun.Options(
                    snapshots,
                    partitions,
                    stop,
                    dir,
                    scorerJar.toAbsolutePath(),
                    scorerOptions,
                    System.out))
            .run();
    System.out.printf(
        "feedback_store_records=%d restored_records=%d restored_feedback=%d ready_ms=%d"
            + " first_prediction_ms=%d wiped=%s%n",
        report.storeRecords(),
        report.restored(),
        report.restoredFeedback(),
        report.toReady().toMillis(),
        report.toFirstPrediction().toMillis(),
        report.wiped());
    return 0;
  }
}

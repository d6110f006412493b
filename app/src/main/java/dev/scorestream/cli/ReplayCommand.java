package dev.scorestream.cli;

import dev.scorestream.deadletter.ReplayEngine;
import dev.scorestream.deadletter.ReplayOptions;
import dev.scorestream.deadletter.ReplayResult;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code scorer replay}: dead letters back to their original topic, exactly once and resumable. */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description =
        "Re-publish dead letters (original key, value and headers, replay count + 1) to their original topic"
            + " or --to. Exactly once and resumable through its consumer group; --dry-run writes nothing.")
final class ReplayCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin KafkaClientOptions kafka;

  @Mixin FilterOptions filter;

  @Mixin DlqTopicOption dlq;

  @Option(
      names = "--to",
      paramLabel = "TOPIC",
      description = "Write every record here instead of its original topic.")
  String to;

  @Option(
      names = "--group",
      paramLabel = "GROUP",
      description =
          "Consumer group keeping replay progress (default scorestream-replay-<DLQ_TOPIC>, plus a hash of"
              + " the filters when there are any, so each selection resumes on its own).")
  String group;

  @Option(
      names = "--max-replays",
      defaultValue = "3",
      paramLabel = "N",
      description = "Refuse records already replayed N times (default ${DEFAULT-VALUE}).")
  int maxReplays;

  @Option(
      names = "--rate",
      defaultValue = "0",
      paramLabel = "PER_SEC",
      description = "Records per second; 0 = no limit.")
  int rate;

  @Option(
      names = "--dry-run",
      description = "Print what would be replayed, by reason and target; write and commit nothing.")
  boolean dryRun;

  @Override
  public Integer call() {
    if (maxReplays < 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--max-replays must be at least 1");
    }
    if (rate < 0) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--rate must be >= 0");
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ReplayOptions options =
        new ReplayOptions(dlq.topic(), to, group, filter.filter(), maxReplays, rate, dryRun);
    ReplayResult result =
        new ReplayEngine(kafka.properties()).replay(options, new ProgressBar(err));
    err.println();
    out.println(
        dryRun
            ? "dry run: nothing written, nothing committed (group " + options.group() + ")"
            : "replay committed its progress in group " + options.group());
    out.printf(
        "%-50s %8s%n",
        dryRun ? "would replay (reason -> target)" : "replayed (reason -> target)", "count");
    result.byReasonAndTarget().forEach((key, count) -> out.printf("%-50s %8d%n", key, count));
    result.refusedBy().forEach((why, count) -> out.printf("%-50s %8d%n", "refused: " + why, count));
    out.println(result.summary());
    return 0;
  }

  /** {@code [#####.....] 1,200/2,000 read, 900 replayed}, redrawn in place. */
  static final class ProgressBar implements ReplayEngine.Progress {
    private final PrintWriter err;
    private long lastDrawn;

    ProgressBar(PrintWriter err) {
      this.err = err;
    }

    @Override
    public void update(long read, long total, long replayed) {
      long now = System.nanoTime();
      if (now - lastDrawn < 200_000_000L && read < total) {
        return;
      }
      lastDrawn = now;
      int width = 30;
      int filled = total == 0 ? width : (int) Math.min(width, read * width / total);
      err.printf(
          "\r[%s%s] %,d/%,d read, %,d replayed",
          "#".repeat(filled), ".".repeat(width - filled), read, total, replayed);
      err.flush();
    }
  }
}

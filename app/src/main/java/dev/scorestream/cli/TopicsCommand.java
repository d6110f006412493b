package dev.scorestream.cli;

import dev.scorestream.app.StreamsProperties;
import dev.scorestream.app.TopicPlan;
import dev.scorestream.app.TopicSetup;
import dev.scorestream.config.ScorerConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code scorer topics create|check}: the topics a configuration's pipeline reads and writes, made
 * or checked on the cluster, one line per topic.
 */
@Command(
    name = "topics",
    mixinStandardHelpOptions = true,
    description =
        "The topics the pipeline of --config reads and writes (input, predictions, dead letters,"
            + " drift, labels, performance, training examples, schema changes, reference tables):"
            + " create the missing ones (create) or check them all (check).",
    subcommands = {TopicsCommand.Create.class, TopicsCommand.Check.class})
final class TopicsCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "missing subcommand: create or check");
  }

  /** What both subcommands take: the configuration and Kafka client options. */
  abstract static class TopicsOptions implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(
        names = "--config",
        required = true,
        paramLabel = "FILE",
        description =
            "The scorer's properties file (as for scorer run): it names the topics and the Kafka"
                + " cluster; SCORER_* environment variables override it.")
    Path config;

    @Mixin KafkaClientOptions kafka;

    @Override
    public Integer call() {
      checkArguments();
      ScorerConfig effective = ScorerConfig.load(config, System.getenv());
      Properties client = kafka.over(StreamsProperties.clients(effective), System.getenv());
      List<TopicSetup.Row> rows;
      try (TopicSetup setup = new TopicSetup(TopicPlan.of(effective), client)) {
        rows = apply(setup);
      }
      PrintWriter out = spec.commandLine().getOut();
      print(rows, out);
      long wrong = rows.stream().filter(row -> !row.ok()).count();
      if (wrong > 0) {
        spec.commandLine()
            .getErr()
            .printf("%d of %d topics are not as the pipeline needs them%n", wrong, rows.size());
        return 1;
      }
      return 0;
    }

    /** Usage errors beyond what picocli checks, before anything is read. */
    void checkArguments() {}

    abstract List<TopicSetup.Row> apply(TopicSetup setup);
  }

  /** {@code scorer topics create}: creates what is missing, checks what exists. */
  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description =
          "Create the pipeline's missing topics: the input with --partitions, the others with the"
              + " input's partition count, reference tables and schema changes compacted, the"
              + " dead-letter topic taking any event the input takes plus its headers. Existing"
              + " topics are left as they are and checked. Exits 1 when a topic is not as the"
              + " pipeline needs it.")
  static final class Create extends TopicsOptions {

    @Option(
        names = "--partitions",
        paramLabel = "N",
        description = "Partitions of the input topic when it is created; default: the broker's.")
    Integer partitions;

    @Option(
        names = "--replication-factor",
        paramLabel = "N",
        description = "Replication factor of the topics created; default: the broker's.")
    Short replicationFactor;

    @Override
    void checkArguments() {
      if (partitions != null && partitions < 1) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--partitions must be at least 1, got " + partitions);
      }
      if (replicationFactor != null && replicationFactor < 1) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "--replication-factor must be at least 1, got " + replicationFactor);
      }
    }

    @Override
    List<TopicSetup.Row> apply(TopicSetup setup) {
      List<TopicSetup.Row> rows =
          setup.create(Optional.ofNullable(partitions), Optional.ofNullable(replicationFactor));
      TopicSetup.Row input = rows.get(0); // the plan lists the input first
      if (partitions != null
          && !input.created()
          && !input.partitions().equals(Integer.toString(partitions))) {
        spec.commandLine()
            .getErr()
            .printf(
                "note: %s already exists with %s partitions; --partitions %d applies only to an"
                    + " input topic created now%n",
                input.topic(), input.partitions(), partitions);
      }
      return rows;
    }
  }

  /** {@code scorer topics check}: reports every topic, exits 1 on any mismatch. */
  @Command(
      name = "check",
      mixinStandardHelpOptions = true,
      description =
          "Check the pipeline's topics: each exists, labels have the input's partition count,"
              + " reference tables and schema changes are compacted, the dead-letter topic is not"
              + " and takes a degraded dead letter. One line per topic; exits 1 when any is wrong.")
  static final class Check extends TopicsOptions {

    @Override
    List<TopicSetup.Row> apply(TopicSetup setup) {
      return setup.check();
    }
  }

  /** The rows as a table: topic, key, partitions, cleanup.policy, max.message.bytes, status. */
  static void print(List<TopicSetup.Row> rows, PrintWriter out) {
    String[] header = {"TOPIC", "KEY", "PARTITIONS", "CLEANUP", "MAX.MESSAGE.BYTES", "STATUS"};
    int[] widths = new int[header.length - 1];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = header[i].length();
    }
    for (TopicSetup.Row row : rows) {
      String[] cells = cells(row);
      for (int i = 0; i < widths.length; i++) {
        widths[i] = Math.max(widths[i], cells[i].length());
      }
    }
    line(header, widths, out);
    for (TopicSetup.Row row : rows) {
      line(cells(row), widths, out);
    }
    out.flush();
  }

  private static String[] cells(TopicSetup.Row row) {
    return new String[] {
      row.topic(),
      row.key(),
      row.partitions(),
      row.cleanup(),
      row.maxMessageBytes(),
      row.ok() ? row.status() : "WRONG: " + row.status()
    };
  }

  private static void line(String[] cells, int[] widths, PrintWriter out) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < widths.length; i++) {
      line.append(String.format("%-" + widths[i] + "s  ", cells[i]));
    }
    out.println(line.append(cells[cells.length - 1]));
  }
}

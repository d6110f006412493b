package dev.scorestream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.scorestream.deadletter.DeadLetterInspector;
import dev.scorestream.deadletter.InspectionReport;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code scorer dlq ...}: looking into dead-letter topics. */
@Command(
    name = "dlq",
    mixinStandardHelpOptions = true,
    description = "Inspect a dead-letter topic.",
    subcommands = {DlqCommand.Inspect.class})
final class DlqCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: inspect");
  }

  /** {@code scorer dlq inspect}: counts, first/last failure and an example per reason. */
  @Command(
      name = "inspect",
      mixinStandardHelpOptions = true,
      description =
          "Read a dead-letter topic (no offsets committed) and report counts by reason, rule, schema id and"
              + " source, first/last failure per reason and one example per reason. Values are shown as escaped text or hex.")
  static final class Inspect implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin KafkaClientOptions kafka;

    @Mixin FilterOptions filter;

    @Mixin DlqTopicOption dlq;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      InspectionReport report =
          new DeadLetterInspector(kafka.properties())
              .inspect(
                  dlq.topic(),
                  filter.filter(),
                  read -> {
                    err.printf("\rread %,d dead letters", read);
                    err.flush();
                  });
      err.println();
      if (json) {
        out.println(
            new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(report));
      } else {
        report.print(out);
      }
      return 0;
    }
  }
}

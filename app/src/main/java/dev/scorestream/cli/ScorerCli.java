package dev.scorestream.cli;

import dev.scorestream.app.ScorerApp;
import java.io.PrintWriter;
import java.util.function.Consumer;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code scorer.jar}. */
@Command(
    name = "scorer",
    mixinStandardHelpOptions = true,
    versionProvider = ScorerCli.Version.class,
    description =
        "Kafka Streams scoring pipeline: Avro events in, Tribuo predictions out, dead letters for the rest.",
    subcommands = {
      RunCommand.class,
      TopicsCommand.class,
      SampleCommand.class,
      TrainCommand.class,
      ExportCommand.class,
      FeaturesCommand.class,
      ImportCommand.class,
      ScoreCommand.class,
      ModelsCommand.class,
      RetrainCommand.class,
      ReplayCommand.class,
      DlqCommand.class,
      SchemasCommand.class,
      ConfigCommand.class,
      CommandLine.HelpCommand.class
    })
public final class ScorerCli implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    exit(args, cli -> {});
  }

  /**
   * Runs the command line, extended by {@code extend}, on stdout/stderr and exits the JVM with its
   * code.
   */
  public static void exit(String[] args, Consumer<CommandLine> extend) {
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    int code = commandLine(out, err, extend).execute(args);
    out.flush();
    err.flush();
    System.exit(code);
  }

  /** Runs the CLI with the given streams; returns the exit code (2 for usage errors). */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    return commandLine(out, err, cli -> {}).execute(args);
  }

  /**
   * The {@code scorer} command line, writing to the given streams: usage errors exit 2, failures
   * print {@code error: ...} and exit 1. {@code extend} may add or replace commands first (the
   * development build adds its own), so they get the same streams and handlers.
   */
  public static CommandLine commandLine(
      PrintWriter out, PrintWriter err, Consumer<CommandLine> extend) {
    // Tribuo and parts of Kafka log through java.util.logging: route it to slf4j/logback.
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    CommandLine cli = new CommandLine(new ScorerCli());
    extend.accept(cli);
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler(
        (exception, commandLine, parseResult) -> {
          commandLine.getErr().println("error: " + describe(exception));
          return 1;
        });
    return cli;
  }

  /**
   * The exception's message followed by those of its causes that add something, down to the root:
   * "Failed to construct kafka consumer: ... : Failed to load SSL keystore /etc/x.p12 ...".
   */
  static String describe(Throwable exception) {
    StringBuilder message =
        new StringBuilder(
            exception.getMessage() == null
                ? exception.getClass().getSimpleName()
                : exception.getMessage());
    java.util.Set<Throwable> seen = new java.util.HashSet<>();
    seen.add(exception);
    for (Throwable cause = exception.getCause();
        cause != null && seen.add(cause);
        cause = cause.getCause()) {
      String text = cause.getMessage();
      if (text != null && !message.toString().contains(text)) {
        message.append(": ").append(text);
      }
    }
    return message.toString();
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
  }

  /** Version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"scorer " + ScorerApp.appVersion()};
    }
  }
}

package dev.scorestream.cli;

import dev.scorestream.app.ScorerApp;
import java.io.PrintWriter;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code scorer.jar}. */
@Command(name = "scorer", mixinStandardHelpOptions = true, versionProvider = ScorerCli.Version.class,
    description = "Kafka Streams scoring pipeline: Avro events in, Tribuo predictions out, dead letters for the rest.",
    subcommands = {RunCommand.class, DemoCommand.class, TrainCommand.class, ScoreCommand.class, ModelsCommand.class,
        ReplayCommand.class, DlqCommand.class, ConfigCommand.class,
        CommandLine.HelpCommand.class})
public final class ScorerCli implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    int code = execute(args, out, err);
    out.flush();
    err.flush();
    System.exit(code);
  }

  /** Runs the CLI with the given streams; returns the exit code (2 for usage errors). */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    // Tribuo and parts of Kafka log through java.util.logging: route it to slf4j/logback.
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    CommandLine cli = new CommandLine(new ScorerCli());
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler((exception, commandLine, parseResult) -> {
      commandLine.getErr().println("error: " + describe(exception));
      return 1;
    });
    return cli.execute(args);
  }

  static String describe(Throwable exception) {
    String message = exception.getMessage() == null ? exception.getClass().getSimpleName() : exception.getMessage();
    return exception.getCause() != null && exception.getCause() != exception && exception.getCause().getMessage() != null
        && !message.contains(exception.getCause().getMessage())
        ? message + ": " + exception.getCause().getMessage()
        : message;
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

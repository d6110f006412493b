package dev.scorestream.demo;

import dev.scorestream.cli.ScorerCli;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * Entry point of the development build ({@code scorer-demo.jar}, what {@code ./scorer} runs): every
 * command of the production {@code scorer.jar}, plus {@code demo} and {@code train --generated N},
 * which need the embedded broker and registry or the sample data that the production artifact does
 * not carry.
 */
public final class DemoCli {

  private DemoCli() {}

  /**
   * Launcher commands of a source checkout: {@code ./scorer} runs them from their own jars before
   * this one, so they are listed in the help but are not subcommands here.
   */
  static final String LAUNCHER_COMMANDS =
      "%nCommands of the ./scorer launcher in a source checkout (their own jars):%n"
          + "  bench    The benchmark: pipeline vs passthrough, latency, serving, memory.%n"
          + "  chaos    The chaos suite: kill -9, pauses, restarts; every output checked.%n";

  public static void main(String[] args) {
    // Before the first logger exists.
    loggingConfiguration(args)
        .filter(file -> System.getProperty("logback.configurationFile") == null)
        .ifPresent(file -> System.setProperty("logback.configurationFile", file));
    ScorerCli.exit(args, DemoCli::extend);
  }

  /**
   * The logging configuration {@code args} need instead of the production one ({@code logback.xml}:
   * the scorer's INFO lines and everyone's warnings on the console, no file). Only the demo itself
   * differs: its console is its own progress and results, and the embedded broker's and registry's
   * logs, worth keeping when a check fails, go to a file the demo names when it ends. Other
   * commands, {@code run} among them, log like the production jar and leave no file behind.
   */
  static java.util.Optional<String> loggingConfiguration(String[] args) {
    boolean demo = args.length > 0 && args[0].equals("demo");
    boolean help =
        java.util.Arrays.asList(args).contains("-h")
            || java.util.Arrays.asList(args).contains("--help");
    return demo && !help ? java.util.Optional.of("logback-demo.xml") : java.util.Optional.empty();
  }

  /**
   * Runs the development CLI with the given streams; returns the exit code (2 for usage errors).
   */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    return ScorerCli.commandLine(out, err, DemoCli::extend).execute(args);
  }

  static void extend(CommandLine cli) {
    cli.getCommandSpec().removeSubcommand("train");
    // demo and train first, as the README introduces them; help stays last
    CommandLine help = cli.getCommandSpec().removeSubcommand("help");
    java.util.Map<String, CommandLine> rest = new java.util.LinkedHashMap<>(cli.getSubcommands());
    rest.keySet().forEach(name -> cli.getCommandSpec().removeSubcommand(name));
    cli.addSubcommand("demo", new DemoCommand());
    rest.forEach(
        (name, command) -> {
          cli.addSubcommand(name, command);
          if (name.equals("run")) {
            cli.addSubcommand("train", new SampleTrainCommand());
          }
        });
    cli.addSubcommand("help", help);
    cli.getCommandSpec().usageMessage().footer(LAUNCHER_COMMANDS);
  }
}

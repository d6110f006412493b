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

  public static void main(String[] args) {
    // Before the first logger exists: the demo's console is its own output, the rest goes to a
    // file.
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "logback-demo.xml");
    }
    ScorerCli.exit(args, DemoCli::extend);
  }

  /**
   * Runs the development CLI with the given streams; returns the exit code (2 for usage errors).
   */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    return ScorerCli.commandLine(out, err, DemoCli::extend).execute(args);
  }

  private static void extend(CommandLine cli) {
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
  }
}

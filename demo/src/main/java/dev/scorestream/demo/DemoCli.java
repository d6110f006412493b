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
    cli.addSubcommand("train", new SampleTrainCommand());
    cli.addSubcommand("demo", new DemoCommand());
  }
}

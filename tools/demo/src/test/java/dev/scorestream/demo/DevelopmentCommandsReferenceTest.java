package dev.scorestream.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.cli.CliReference;
import dev.scorestream.testkit.GeneratedDocs;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The end of docs/cli.md: what the development build adds to the production command line. */
class DevelopmentCommandsReferenceTest {

  static final Path PAGE = Path.of("..", "..", "docs", "cli.md");

  static String generated() {
    PrintWriter sink = new PrintWriter(new StringWriter());
    CommandLine cli = dev.scorestream.cli.ScorerCli.commandLine(sink, sink, DemoCli::extend);
    CommandLine.Model.OptionSpec generatedOption =
        cli.getSubcommands().get("train").getCommandSpec().findOption("--generated");
    return CliReference.command(cli.getSubcommands().get("demo"), 3)
        + "### `scorer train --generated N`\n\n"
        + "The development build's `train` also trains on generated sample payments:\n\n"
        + "| Option or parameter | Description |\n|---|---|\n"
        + CliReference.optionRow(generatedOption)
        + "\n";
  }

  @Test
  void shouldMatchTheGeneratedDevelopmentCommands() {
    assertThat(generated()).contains("### `scorer demo`").contains("| `--generated N` |");
    GeneratedDocs.check(
        PAGE,
        "development build commands",
        generated(),
        "tools/demo",
        "DevelopmentCommandsReferenceTest");
  }
}

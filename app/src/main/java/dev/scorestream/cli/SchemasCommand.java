package dev.scorestream.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code scorer schemas ...}: what producers' schema changes did and do to the models. */
@Command(
    name = "schemas",
    mixinStandardHelpOptions = true,
    description =
        "Schema changes: their history (changes), the analysis of one on demand (diff), and the next"
            + " reader schema to adopt (adopt). See docs/schema-changes.md.",
    subcommands = {SchemaChangesCommand.class, SchemaDiffCommand.class, SchemaAdoptCommand.class})
final class SchemasCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "missing subcommand: changes, diff or adopt");
  }
}

package dev.scorestream.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The command line as Markdown, as docs/cli.md carries it: for every command and subcommand its
 * description, synopsis, parameters and options, read from the picocli model so that the page
 * cannot drift from the code. Hidden commands and options, {@code help}, and the {@code -h}/{@code
 * -V} options every command has are left out.
 */
public final class CliReference {

  private CliReference() {}

  /** Every subcommand of {@code root}, depth first in the order the help lists them. */
  public static String markdown(CommandLine root) {
    StringBuilder out = new StringBuilder();
    for (CommandLine command : root.getSubcommands().values()) {
      appendTree(out, command, 2);
    }
    return out.toString();
  }

  /** The section of one command and, a level deeper, of its subcommands. */
  public static String command(CommandLine command, int level) {
    StringBuilder out = new StringBuilder();
    appendTree(out, command, level);
    return out.toString();
  }

  private static void appendTree(StringBuilder out, CommandLine command, int level) {
    CommandSpec spec = command.getCommandSpec();
    if (spec.usageMessage().hidden() || command.getCommand() instanceof CommandLine.HelpCommand) {
      return;
    }
    out.append("#".repeat(level)).append(" `").append(spec.qualifiedName()).append("`\n\n");
    out.append(String.join(" ", spec.usageMessage().description()).strip()).append("\n\n");
    out.append("```text\n").append(synopsis(command)).append("\n```\n\n");
    List<String> rows = new ArrayList<>();
    for (PositionalParamSpec parameter : spec.positionalParameters()) {
      if (!parameter.hidden()) {
        rows.add(row(label("", parameter).strip(), parameter));
      }
    }
    for (OptionSpec option : spec.options()) {
      if (!option.hidden() && !option.usageHelp() && !option.versionHelp()) {
        rows.add(row(optionNames(option), option));
      }
    }
    if (!rows.isEmpty()) {
      out.append("| Option or parameter | Description |\n|---|---|\n");
      rows.forEach(out::append);
      out.append('\n');
    }
    for (Map.Entry<String, CommandLine> sub : command.getSubcommands().entrySet()) {
      appendTree(out, sub.getValue(), level + 1);
    }
  }

  /**
   * The command, its required options, {@code [OPTIONS]} for the others, its parameters and {@code
   * [COMMAND]} when it has subcommands: the table below it details each.
   */
  private static String synopsis(CommandLine command) {
    CommandSpec spec = command.getCommandSpec();
    List<String> parts = new ArrayList<>(List.of(spec.qualifiedName()));
    boolean optional = false;
    for (OptionSpec option : spec.options()) {
      if (option.hidden() || option.usageHelp() || option.versionHelp() || option.group() != null) {
        continue;
      }
      if (option.required()) {
        parts.add(label(option.longestName(), option));
      } else {
        optional = true;
      }
    }
    for (ArgGroupSpec group : spec.argGroups()) {
      parts.add(group(group));
    }
    if (optional) {
      parts.add("[OPTIONS]");
    }
    for (PositionalParamSpec parameter : spec.positionalParameters()) {
      if (!parameter.hidden()) {
        String label = label("", parameter).strip();
        parts.add(parameter.required() ? label : "[" + label + "]");
      }
    }
    boolean subcommands =
        command.getSubcommands().values().stream()
            .anyMatch(
                sub ->
                    !sub.getCommandSpec().usageMessage().hidden()
                        && !(sub.getCommand() instanceof CommandLine.HelpCommand));
    if (subcommands) {
      parts.add("[COMMAND]");
    }
    return String.join(" ", parts);
  }

  /** A group: {@code (a | b)} when one of its options is required, {@code [a b]} when optional. */
  private static String group(ArgGroupSpec group) {
    List<String> members = new ArrayList<>();
    group.options().stream()
        .filter(option -> !option.hidden())
        .forEach(option -> members.add(label(option.longestName(), option)));
    group.subgroups().forEach(sub -> members.add(group(sub)));
    String joined = String.join(group.exclusive() ? " | " : " ", members);
    return group.multiplicity().min() > 0 ? "(" + joined + ")" : "[" + joined + "]";
  }

  /** {@code names}, then the argument's parameter label unless it takes none. */
  private static String label(String names, ArgSpec arg) {
    if (arg.typeInfo().isBoolean() || arg.arity().max() == 0) {
      return names;
    }
    return names + " " + arg.paramLabel() + (arg.isMultiValue() ? "..." : "");
  }

  /** One table row for {@code option}: its names and parameter label, then its description. */
  public static String optionRow(OptionSpec option) {
    return row(optionNames(option), option);
  }

  private static String optionNames(OptionSpec option) {
    return label(String.join(", ", option.names()), option);
  }

  private static String row(String name, ArgSpec arg) {
    String description = String.join(" ", arg.renderedDescription()).strip();
    String defaultValue = arg.defaultValue();
    if (defaultValue != null
        && !defaultValue.isEmpty()
        && !description.contains(defaultValue)
        && !(arg instanceof OptionSpec option && option.typeInfo().isBoolean())) {
      description += " Default: `" + defaultValue + "`.";
    }
    // Options of a group are required together or one of them: the synopsis tells which.
    if (arg.required() && arg.group() == null) {
      description = "Required. " + description;
    }
    return "| `" + name + "` | " + escape(description) + " |\n";
  }

  private static String escape(String text) {
    return text.replace("|", "\\|").replace("\n", " ").replace("<", "&lt;");
  }
}

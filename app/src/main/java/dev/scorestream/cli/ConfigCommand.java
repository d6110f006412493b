package dev.scorestream.cli;

import dev.scorestream.config.ScorerConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code scorer config}: prints the effective configuration, secrets masked. */
@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    description =
        "Print the effective configuration (file + environment), secrets masked; --doc prints every key.")
final class ConfigCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--config", paramLabel = "FILE", description = "Properties file.")
  Path config;

  @Option(
      names = "--doc",
      description = "Print the documentation of every key as a Markdown table instead.")
  boolean doc;

  @Override
  public Integer call() {
    if (doc) {
      spec.commandLine().getOut().print(ScorerConfig.markdownTable());
      return 0;
    }
    ScorerConfig.load(config, System.getenv())
        .describe()
        .forEach((key, value) -> spec.commandLine().getOut().println(key + "=" + value));
    return 0;
  }
}

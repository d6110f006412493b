package dev.scorestream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scorestream.testkit.GeneratedDocs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** docs/cli.md: every command of the production {@code scorer}, generated from picocli. */
class CliReferenceTest {

  static final Path PAGE = Path.of("..", "docs", "cli.md");

  @TempDir Path dir;

  static String generated() {
    return CliReference.markdown(new CommandLine(new ScorerCli()));
  }

  @Test
  void shouldMatchTheGeneratedCommandReference() {
    GeneratedDocs.check(PAGE, "scorer commands", generated(), "app", "CliReferenceTest");
  }

  @Test
  void shouldDocumentEveryCommandAndOptionButHelpAndHiddenOnes() {
    String markdown = generated();
    assertThat(markdown)
        .contains("## `scorer run`\n")
        .contains("### `scorer models sign`\n")
        .contains("### `scorer schemas diff`\n")
        .contains("| `--config FILE` | Properties file. |")
        .doesNotContain("`scorer help`")
        .doesNotContain("--version");
    new CommandLine(new ScorerCli())
        .getSubcommands()
        .values()
        .forEach(
            command ->
                command.getCommandSpec().options().stream()
                    .filter(option -> !option.hidden() && !option.usageHelp())
                    .filter(option -> !option.versionHelp())
                    .forEach(option -> assertThat(markdown).contains("`" + option.longestName())));
  }

  @Test
  void shouldFailOnAStalePageNamingTheRegenerateCommandAndRewriteItWhenAsked() throws IOException {
    Path page = dir.resolve("page.md");
    Files.writeString(
        page, "intro\n<!-- BEGIN GENERATED: s -->\nold\n<!-- END GENERATED -->\nend\n");
    String regenerate = System.clearProperty(GeneratedDocs.REGENERATE);
    try {
      shouldFailOnAStalePageAndRewriteItWhenAsked(page);
    } finally {
      if (regenerate != null) {
        System.setProperty(GeneratedDocs.REGENERATE, regenerate);
      }
    }
  }

  void shouldFailOnAStalePageAndRewriteItWhenAsked(Path page) throws IOException {
    assertThatThrownBy(() -> GeneratedDocs.check(page, "s", "new\n", "app", "SomeTest"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("is stale (section 's', first difference at line 1)")
        .hasMessageContaining("-pl app -am -Dtest=SomeTest")
        .hasMessageContaining("-Ddocs.regenerate=true");

    System.setProperty(GeneratedDocs.REGENERATE, "true");
    GeneratedDocs.check(page, "s", "new\n", "app", "SomeTest");
    System.clearProperty(GeneratedDocs.REGENERATE);
    assertThat(Files.readString(page))
        .isEqualTo("intro\n<!-- BEGIN GENERATED: s -->\nnew\n<!-- END GENERATED -->\nend\n");
    GeneratedDocs.check(page, "s", "new\n", "app", "SomeTest");
  }
}

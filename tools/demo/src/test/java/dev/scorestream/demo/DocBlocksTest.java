package dev.scorestream.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class DocBlocksTest {

  static final Path PAGE = Path.of("page.md");

  @Test
  void shouldReadOnlyMarkedBashBlocksWithTheirOptions() {
    DocBlocks blocks =
        DocBlocks.parse(
            PAGE,
            List.of(
                "# Title",
                "```bash",
                "echo not marked",
                "```",
                "<!-- doc-test -->",
                "```bash",
                "echo one",
                "echo two",
                "```",
                "<!-- doc-test background until=\"RUNNING\" -->",
                "```bash",
                "./scorer run --config scorer.properties",
                "```",
                "<!-- doc-test expect=\"in=\\\"\\d+\\\"\" -->",
                "```bash",
                "./scorer dlq inspect",
                "```"));

    assertThat(blocks.blocks()).hasSize(3);
    DocBlocks.Block first = blocks.blocks().get(0);
    assertThat(first.script()).isEqualTo("echo one\necho two\n");
    assertThat(first.line()).as("the fence's line").isEqualTo(6);
    assertThat(first.background()).isFalse();
    assertThat(first.expect()).isNull();
    DocBlocks.Block server = blocks.blocks().get(1);
    assertThat(server.background()).isTrue();
    assertThat(server.until().pattern()).isEqualTo("RUNNING");
    assertThat(blocks.blocks().get(2).expect().matcher("in=\"42\"").find()).isTrue();
  }

  @Test
  void shouldRefuseMarkersThatWouldQuietlyTestNothing() {
    assertThatThrownBy(() -> DocBlocks.parse(PAGE, List.of("<!-- doc-test -->", "```java", "```")))
        .hasMessageContaining("page.md:1")
        .hasMessageContaining("```bash");
    assertThatThrownBy(
            () ->
                DocBlocks.parse(PAGE, List.of("<!-- doc-test expcet=\"x\" -->", "```bash", "```")))
        .hasMessageContaining("unknown doc-test option 'expcet'");
    assertThatThrownBy(
            () -> DocBlocks.parse(PAGE, List.of("<!-- doc-test background -->", "```bash", "```")))
        .hasMessageContaining("background and until");
    assertThatThrownBy(() -> DocBlocks.parse(PAGE, List.of("<!-- doc-test -->", "```bash", "ls")))
        .hasMessageContaining("unclosed block");
  }
}

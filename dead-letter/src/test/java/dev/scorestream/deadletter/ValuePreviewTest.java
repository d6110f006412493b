package dev.scorestream.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class ValuePreviewTest {

  @Test
  void shouldShowTextEscaped() {
    assertThat(ValuePreview.of("{\"a\":1}\n".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("text \"{\\\"a\\\":1}\\n\"");
  }

  @Test
  void shouldShowBinaryAsHex() {
    assertThat(ValuePreview.of(new byte[] {0, 0, 0, 0, 7, (byte) 0xff}))
        .isEqualTo("hex 00 00 00 00 07 ff (6 bytes)");
  }

  @Test
  void shouldNeverPassTerminalEscapeSequences() {
    assertThat(ValuePreview.of("\u001b]0;pwned\u0007".getBytes(StandardCharsets.UTF_8)))
        .startsWith("hex 1b 5d");
  }

  @Test
  void shouldCutLongValues() {
    String preview = ValuePreview.of(new byte[1000]);

    assertThat(preview).endsWith("... (1000 bytes)").hasSizeLessThan(400);
  }

  @Test
  void shouldShowNullAndEmpty() {
    assertThat(ValuePreview.of(null)).isEqualTo("null");
    assertThat(ValuePreview.of(new byte[0])).isEqualTo("(empty)");
  }

  @Property(tries = 2000)
  void anyBytesGiveAPreviewWithoutControlCharacters(@ForAll byte[] bytes) {
    String preview = ValuePreview.of(bytes);

    assertThat(preview.chars()).noneMatch(Character::isISOControl);
  }
}

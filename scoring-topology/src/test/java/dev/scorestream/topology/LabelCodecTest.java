package dev.scorestream.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.WithNull;
import org.junit.jupiter.api.Test;

class LabelCodecTest {

  @Property(tries = 500)
  void shouldReadBackEveryLabelItWrote(
      @ForAll String eventId,
      @ForAll @WithNull(0.3) String label,
      @ForAll @WithNull(0.3) Double value,
      @ForAll long labelTime) {
    // Text that is not UTF-8 never gets this far: the decoding processor refuses it.
    String id = utf8(eventId);
    String text = label == null ? null : utf8(label);
    FeedbackInput.Label original = new FeedbackInput.Label(id, text, value, labelTime);

    assertThat(LabelCodec.decode(LabelCodec.encode(original))).isEqualTo(original);
  }

  @Test
  void shouldRefuseALayoutItDoesNotKnow() {
    byte[] bytes = LabelCodec.encode(new FeedbackInput.Label("e1", "fraud", null, 1L));
    bytes[0] = 9;

    assertThatThrownBy(() -> LabelCodec.decode(bytes)).hasMessageContaining("version 9");
  }

  /** Lone surrogates do not survive UTF-8; the stream never carries them. */
  private static String utf8(String text) {
    return new String(
        text.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        java.nio.charset.StandardCharsets.UTF_8);
  }
}

package dev.scorestream.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class StrictUtf8Test {

  @Test
  void shouldRefuseWhatTheJdkWouldSilentlyReplace() {
    byte[] stray = {'e', 'v', '-', (byte) 0xC3, '1'}; // a lead byte without its continuation
    assertThat(new String(stray, StandardCharsets.UTF_8)).contains("\uFFFD");
    assertThat(StrictUtf8.isValid(stray)).isFalse();
    assertThat(StrictUtf8.decode(stray)).isEmpty();
  }

  @Test
  void shouldRefuseOverlongsSurrogatesAndTruncatedSequences() {
    assertThat(StrictUtf8.isValid(new byte[] {(byte) 0xC0, (byte) 0xAF})).isFalse(); // overlong '/'
    assertThat(StrictUtf8.isValid(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80})).isFalse();
    assertThat(StrictUtf8.isValid(new byte[] {(byte) 0xE2, (byte) 0x82})).isFalse();
    assertThat(StrictUtf8.isValid(new byte[] {(byte) 0xFF})).isFalse();
  }

  @Test
  void shouldCheckOnlyTheGivenRange() {
    byte[] bytes = {(byte) 0xFF, 'o', 'k', (byte) 0xFF};
    assertThat(StrictUtf8.isValid(bytes, 1, 2)).isTrue();
    assertThat(StrictUtf8.isValid(bytes, 0, 3)).isFalse();
  }

  @Property(tries = 500)
  void shouldAcceptEveryEncodedStringAndReturnItUnchanged(@ForAll String text) {
    // jqwik strings include unpaired surrogates, which Java encodes as '?': compare with that.
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    assertThat(StrictUtf8.isValid(bytes)).isTrue();
    assertThat(StrictUtf8.decode(bytes)).contains(new String(bytes, StandardCharsets.UTF_8));
  }

  @Property(tries = 500)
  void shouldAgreeWithAStrictDecoderOnRandomBytes(@ForAll byte[] bytes) {
    boolean lossless =
        java.util.Arrays.equals(
            new String(bytes, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8), bytes);
    assertThat(StrictUtf8.isValid(bytes)).isEqualTo(lossless);
  }
}

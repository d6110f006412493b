package dev.scorestream.codec;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * UTF-8 that refuses what it cannot read. {@code new String(bytes, UTF_8)} and Avro's {@code
 * Utf8.toString()} replace malformed bytes with U+FFFD, so an id with a stray byte would silently
 * become a different id; everything that turns outside bytes into text (events, labels, REST
 * bodies, {@code scorer score} lines) checks them here first.
 */
public final class StrictUtf8 {

  private StrictUtf8() {}

  /** Whether {@code length} bytes from {@code offset} are well-formed UTF-8. */
  public static boolean isValid(byte[] bytes, int offset, int length) {
    int end = offset + length;
    for (int i = offset; i < end; i++) {
      if (bytes[i] < 0) {
        // Not plain ASCII: let the JDK's decoder judge the rest (overlongs, surrogates,
        // truncation).
        return decode(ByteBuffer.wrap(bytes, i, end - i)).isPresent();
      }
    }
    return true;
  }

  public static boolean isValid(byte[] bytes) {
    return isValid(bytes, 0, bytes.length);
  }

  /** The text, or empty when the bytes are not well-formed UTF-8. */
  public static Optional<String> decode(byte[] bytes) {
    return decode(ByteBuffer.wrap(bytes));
  }

  private static Optional<String> decode(ByteBuffer bytes) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      CharBuffer chars = decoder.decode(bytes);
      return Optional.of(chars.toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }
}

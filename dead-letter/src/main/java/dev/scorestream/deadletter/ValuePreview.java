package dev.scorestream.deadletter;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A preview of record bytes that is safe to print to a terminal: printable UTF-8 text is shown
 * escaped and quoted, anything else as hex. Never the raw bytes, which could carry terminal control
 * sequences.
 */
public final class ValuePreview {

  static final int MAX_BYTES = 96;

  private ValuePreview() {}

  public static String of(byte[] value) {
    if (value == null) {
      return "null";
    }
    if (value.length == 0) {
      return "(empty)";
    }
    byte[] head = value.length <= MAX_BYTES ? value : Arrays.copyOf(value, MAX_BYTES);
    String suffix = value.length <= MAX_BYTES ? "" : "... (" + value.length + " bytes)";
    String text = printableText(head);
    if (text != null) {
      return "text \"" + text + "\"" + suffix;
    }
    return "hex "
        + HexFormat.ofDelimiter(" ").formatHex(head)
        + suffix
        + (value.length <= MAX_BYTES ? " (" + value.length + " bytes)" : "");
  }

  /** The escaped text when every character is printable (tab, CR and LF allowed), else null. */
  private static String printableText(byte[] bytes) {
    String decoded;
    try {
      decoded =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      // a cut in the middle of a multi-byte character at the preview boundary is still text
      return null;
    }
    StringBuilder out = new StringBuilder(decoded.length());
    for (int i = 0; i < decoded.length(); i++) {
      char c = decoded.charAt(i);
      switch (c) {
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> {
          if (Character.isISOControl(c)
              || Character.getType(c) == Character.FORMAT
              || Character.getType(c) == Character.UNASSIGNED
              || Character.getType(c) == Character.PRIVATE_USE) {
            return null;
          }
          out.append(c);
        }
      }
    }
    return out.toString();
  }
}

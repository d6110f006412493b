package dev.scorestream.topology;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A decoded label as it travels through the labels' repartition topic: {@code version(1)
 * labelTime(8) flags(1) [value(8)] idLength(4) id [labelLength(4) label]}, UTF-8 text. Only the
 * scorer writes and reads it, between two of its own tasks; the version byte lets a later layout be
 * told apart during a rolling upgrade.
 */
final class LabelCodec {

  static final byte VERSION = 1;
  private static final int HAS_LABEL = 1;
  private static final int HAS_VALUE = 2;

  private LabelCodec() {}

  static byte[] encode(FeedbackInput.Label label) {
    byte[] id = label.eventId().getBytes(StandardCharsets.UTF_8);
    byte[] text = label.label() == null ? null : label.label().getBytes(StandardCharsets.UTF_8);
    int size =
        1
            + 8
            + 1
            + (label.value() == null ? 0 : 8)
            + 4
            + id.length
            + (text == null ? 0 : 4 + text.length);
    ByteBuffer out = ByteBuffer.allocate(size);
    out.put(VERSION).putLong(label.labelTime());
    out.put((byte) ((text == null ? 0 : HAS_LABEL) | (label.value() == null ? 0 : HAS_VALUE)));
    if (label.value() != null) {
      out.putDouble(label.value());
    }
    out.putInt(id.length).put(id);
    if (text != null) {
      out.putInt(text.length).put(text);
    }
    return out.array();
  }

  static FeedbackInput.Label decode(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    byte version = in.get();
    if (version != VERSION) {
      throw new IllegalStateException("label layout version " + version + " is not " + VERSION);
    }
    long labelTime = in.getLong();
    int flags = in.get();
    Double value = (flags & HAS_VALUE) != 0 ? in.getDouble() : null;
    String id = text(in);
    String label = (flags & HAS_LABEL) != 0 ? text(in) : null;
    return new FeedbackInput.Label(id, label, value, labelTime);
  }

  private static String text(ByteBuffer in) {
    byte[] bytes = new byte[in.getInt()];
    in.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }
}

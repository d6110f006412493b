package dev.scorestream.topology;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;

/**
 * The changelog record of the snapshot store: every snapshot and marker a task stored since its
 * last commit, in one record (or a few, each under a size cap) instead of one record per event.
 *
 * <p>Key: {@code 0xFF}, the task's partition, a sequence number. No event id starts with {@code
 * 0xFF}, which is never a byte of UTF-8. Value: a layout byte, the wall-clock time the chunk was
 * written, then per entry the key's length and the key, the value's length and the value.
 */
final class SnapshotChunks {

  /** First byte of a chunk's key. */
  static final byte CHUNK = (byte) 0xFF;

  /** The chunk layout this code writes. */
  static final byte LAYOUT_1 = 1;

  /** A chunk's key and header, before its entries. */
  static final int OVERHEAD_BYTES = 1 + 4 + 8 + 1 + 8;

  /** What one entry adds to a chunk besides its key and value: two lengths. */
  static final int ENTRY_OVERHEAD_BYTES = 8;

  private SnapshotChunks() {}

  /** Entries decoded from a chunk, and when it was written (epoch ms). */
  record Chunk(long writtenAt, List<KeyValue<byte[], byte[]>> entries) {}

  static boolean isChunk(byte[] key) {
    return key != null && key.length > 0 && key[0] == CHUNK;
  }

  static byte[] key(int partition, long sequence) {
    return ByteBuffer.allocate(1 + 4 + 8).put(CHUNK).putInt(partition).putLong(sequence).array();
  }

  /** Bytes {@code key} and {@code value} take in a chunk. */
  static int entryBytes(Bytes key, byte[] value) {
    return key.get().length + value.length + ENTRY_OVERHEAD_BYTES;
  }

  /**
   * {@code entries}, in order, split into chunk values of at most {@code maxBytes} each (an entry
   * larger than that gets a chunk of its own).
   */
  static List<byte[]> encode(List<KeyValue<Bytes, byte[]>> entries, long writtenAt, int maxBytes) {
    List<byte[]> chunks = new ArrayList<>();
    int first = 0;
    int bytes = 0;
    for (int i = 0; i < entries.size(); i++) {
      KeyValue<Bytes, byte[]> entry = entries.get(i);
      int size = entryBytes(entry.key, entry.value);
      if (i > first && bytes + size > maxBytes) {
        chunks.add(chunk(entries.subList(first, i), bytes, writtenAt));
        first = i;
        bytes = 0;
      }
      bytes += size;
    }
    if (first < entries.size()) {
      chunks.add(chunk(entries.subList(first, entries.size()), bytes, writtenAt));
    }
    return chunks;
  }

  private static byte[] chunk(List<KeyValue<Bytes, byte[]>> entries, int bytes, long writtenAt) {
    ByteBuffer buffer = ByteBuffer.allocate(1 + 8 + bytes);
    buffer.put(LAYOUT_1).putLong(writtenAt);
    for (KeyValue<Bytes, byte[]> entry : entries) {
      byte[] key = entry.key.get();
      buffer.putInt(key.length);
      buffer.put(key);
      buffer.putInt(entry.value.length);
      buffer.put(entry.value);
    }
    return buffer.array();
  }

  /**
   * @throws IllegalArgumentException when {@code value} is not a chunk this code can read
   */
  static Chunk decode(byte[] value) {
    ByteBuffer buffer = ByteBuffer.wrap(value);
    try {
      byte layout = buffer.get();
      if (layout != LAYOUT_1) {
        throw new IllegalArgumentException("unknown snapshot chunk layout " + layout);
      }
      long writtenAt = buffer.getLong();
      List<KeyValue<byte[], byte[]>> entries = new ArrayList<>();
      while (buffer.hasRemaining()) {
        byte[] key = new byte[buffer.getInt()];
        buffer.get(key);
        byte[] entry = new byte[buffer.getInt()];
        buffer.get(entry);
        entries.add(KeyValue.pair(key, entry));
      }
      return new Chunk(writtenAt, entries);
    } catch (RuntimeException e) {
      if (e instanceof IllegalArgumentException) {
        throw e;
      }
      throw new IllegalArgumentException(
          "truncated snapshot chunk of " + value.length + " bytes", e);
    }
  }
}

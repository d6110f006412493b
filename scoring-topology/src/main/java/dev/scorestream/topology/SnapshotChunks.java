package dev.scorestream.topology;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
   * The entries of {@code pending}, in order, split into chunk values of at most {@code maxBytes}
   * each (an entry larger than that gets a chunk of its own).
   */
  static List<byte[]> encode(Map<Bytes, byte[]> pending, long writtenAt, int maxBytes) {
    List<byte[]> chunks = new ArrayList<>();
    List<Map.Entry<Bytes, byte[]>> current = new ArrayList<>();
    int bytes = 0;
    for (Map.Entry<Bytes, byte[]> entry : pending.entrySet()) {
      int size = entryBytes(entry.getKey(), entry.getValue());
      if (!current.isEmpty() && bytes + size > maxBytes) {
        chunks.add(chunk(current, bytes, writtenAt));
        current.clear();
        bytes = 0;
      }
      current.add(entry);
      bytes += size;
    }
    if (!current.isEmpty()) {
      chunks.add(chunk(current, bytes, writtenAt));
    }
    return chunks;
  }

  private static byte[] chunk(List<Map.Entry<Bytes, byte[]>> entries, int bytes, long writtenAt) {
    ByteBuffer buffer = ByteBuffer.allocate(1 + 8 + bytes);
    buffer.put(LAYOUT_1).putLong(writtenAt);
    for (Map.Entry<Bytes, byte[]> entry : entries) {
      byte[] key = entry.getKey().get();
      buffer.putInt(key.length);
      buffer.put(key);
      buffer.putInt(entry.getValue().length);
      buffer.put(entry.getValue());
    }
    byte[] encoded = new byte[buffer.position()];
    buffer.flip().get(encoded);
    return encoded;
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

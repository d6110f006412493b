package dev.scorestream.topology;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;

/**
 * The entries a {@link SnapshotStore} took since its last commit: in the order they came (replaced
 * ones too, which is what the changelog and RocksDB get), and found by key (the latest). The index
 * is an open-addressing table of positions in that list, reused from commit to commit, so an append
 * allocates nothing but its list slot: at tens of thousands of events a second, a hash map's node
 * per entry and its pointer chase showed in the stream thread's profile.
 */
final class PendingEntries {

  private static final int EMPTY = -1;
  private static final int MIN_SLOTS = 1024;

  private List<KeyValue<Bytes, byte[]>> entries = new ArrayList<>();
  private int[] slots = emptySlots(MIN_SLOTS);
  private long bytes;

  /** Takes {@code value} under {@code key}; a later {@link #get} finds the latest. */
  void add(Bytes key, byte[] value) {
    int index = entries.size();
    // At most half full, so a probe always ends at an empty slot.
    if ((index + 1) * 2 > slots.length) {
      slots = emptySlots(slots.length * 2);
      for (int i = 0; i < index; i++) {
        place(entries.get(i).key, i);
      }
    }
    entries.add(KeyValue.pair(key, value));
    place(key, index);
    bytes += SnapshotChunks.entryBytes(key, value);
  }

  /** The latest value taken under {@code key} since the last {@link #drain}, or null. */
  byte[] get(Bytes key) {
    int mask = slots.length - 1;
    for (int i = spread(key.hashCode()) & mask; ; i = (i + 1) & mask) {
      int at = slots[i];
      if (at == EMPTY) {
        return null;
      }
      KeyValue<Bytes, byte[]> entry = entries.get(at);
      if (entry.key.equals(key)) {
        return entry.value;
      }
    }
  }

  boolean isEmpty() {
    return entries.isEmpty();
  }

  /** Entries taken, replaced ones included. */
  int size() {
    return entries.size();
  }

  /** Bytes the entries take in a chunk. */
  long bytes() {
    return bytes;
  }

  /** Every entry taken, in order; this starts empty again. */
  List<KeyValue<Bytes, byte[]>> drain() {
    List<KeyValue<Bytes, byte[]>> taken = entries;
    entries = new ArrayList<>();
    bytes = 0;
    if (slots.length > MIN_SLOTS && taken.size() * 8 < slots.length) {
      slots = emptySlots(Math.max(MIN_SLOTS, Integer.highestOneBit(taken.size() * 4 - 1) * 2));
    } else {
      Arrays.fill(slots, EMPTY);
    }
    return taken;
  }

  private void place(Bytes key, int index) {
    int mask = slots.length - 1;
    for (int i = spread(key.hashCode()) & mask; ; i = (i + 1) & mask) {
      int at = slots[i];
      if (at == EMPTY || entries.get(at).key.equals(key)) {
        slots[i] = index;
        return;
      }
    }
  }

  private static int spread(int hash) {
    return hash ^ (hash >>> 16);
  }

  private static int[] emptySlots(int size) {
    int[] table = new int[size];
    Arrays.fill(table, EMPTY);
    return table;
  }
}

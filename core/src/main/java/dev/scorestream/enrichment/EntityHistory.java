package dev.scorestream.enrichment;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * One entity's recent events, and the windowed features they give a new event. Point in time: an
 * event at time {@code t} sees only the history's events with a timestamp in {@code [t - window,
 * t)}, so an event that arrives late never sees the events that happened after it, and an event
 * never sees itself. The history keeps the events within {@link EnrichmentSpec.Entity#horizon} of
 * the entity's latest one (longest window plus grace), at most {@code maxEvents} of them, sorted by
 * timestamp.
 *
 * <p>Stored as bytes (the value of the entity's store): a version byte, the count, then per event
 * its timestamp, one double per numeric field (NaN when null) and one 64-bit hash per categorical
 * field ({@link #NULL_HASH} when null). Not thread-safe; one per lookup.
 */
public final class EntityHistory {

  /** The categorical hash of a null value, which {@code distinct} does not count. */
  static final long NULL_HASH = Long.MIN_VALUE;

  private static final byte VERSION = 1;

  /** What recording an event did, for metrics. */
  public enum Recorded {
    /** Kept, and its features were exact. */
    RECORDED,
    /**
     * Arrived more than the grace behind its entity's latest event: its features cover only what
     * the history still held.
     */
    LATE,
    /** The oldest events were dropped to keep {@code maxEvents}. */
    TRUNCATED,
    /** The event had no entity (its key field was null): default features, nothing kept. */
    NO_KEY,
    /**
     * The spec says the events topic is keyed by the entity, but this record's key is not its
     * entity's: its entity's other events may be on other partitions, and its features miss them.
     */
    MISKEYED
  }

  /**
   * What the spec's entity asks for, worked out once: the window lengths, the fields the features
   * read, and for each output feature where its value comes from. Immutable, thread-safe.
   */
  public static final class Layout {
    final EnrichmentSpec.Entity entity;
    final long[] windows;
    final long longest;
    final long grace;
    final long horizon;
    final int maxEvents;
    final List<String> numericFields;
    final List<String> categoricalFields;
    final int features;

    /** Per aggregate: its kind and the index of its field among the numeric or categorical ones. */
    final EnrichmentSpec.Kind[] kinds;

    final int[] fields;

    private Layout(EnrichmentSpec.Entity entity) {
      this.entity = entity;
      List<EnrichmentSpec.Window> declared = entity.windows();
      this.windows = new long[declared.size()];
      for (int i = 0; i < windows.length; i++) {
        windows[i] = declared.get(i).length().toMillis();
      }
      this.longest = entity.longest().toMillis();
      this.grace = entity.grace().toMillis();
      this.horizon = entity.horizon().toMillis();
      this.maxEvents = entity.maxEvents();
      this.numericFields = entity.numericFields();
      this.categoricalFields = entity.categoricalFields();
      this.features = entity.fieldNames().size();
      List<EnrichmentSpec.Aggregate> aggregates = entity.aggregates();
      this.kinds = new EnrichmentSpec.Kind[aggregates.size()];
      this.fields = new int[aggregates.size()];
      for (int a = 0; a < kinds.length; a++) {
        EnrichmentSpec.Aggregate aggregate = aggregates.get(a);
        kinds[a] = aggregate.kind();
        fields[a] =
            aggregate.kind() == EnrichmentSpec.Kind.DISTINCT
                ? categoricalFields.indexOf(aggregate.field())
                : numericFields.indexOf(aggregate.field());
      }
    }

    public static Layout of(EnrichmentSpec.Entity entity) {
      return new Layout(entity);
    }

    public EnrichmentSpec.Entity entity() {
      return entity;
    }

    /** The numeric fields {@link #record} takes values of, in order. */
    public List<String> numericFields() {
      return numericFields;
    }

    /** The categorical fields {@link #record} takes hashes of, in order. */
    public List<String> categoricalFields() {
      return categoricalFields;
    }
  }

  private final Layout layout;
  private final int numeric;
  private final int categorical;
  private final int width;
  private long[] times;
  private double[] values;
  private long[] hashes;
  private int size;

  private EntityHistory(Layout layout, int capacity) {
    this.layout = layout;
    this.numeric = layout.numericFields.size();
    this.categorical = layout.categoricalFields.size();
    this.width = 8 + 8 * numeric + 8 * categorical;
    this.times = new long[capacity];
    this.values = new double[capacity * numeric];
    this.hashes = new long[capacity * categorical];
  }

  /** An empty history. */
  public static EntityHistory empty(EnrichmentSpec.Entity entity) {
    return empty(Layout.of(entity));
  }

  public static EntityHistory empty(Layout layout) {
    return new EntityHistory(layout, 4);
  }

  /**
   * The history stored as {@code bytes}, or an empty one for null.
   *
   * @throws IllegalArgumentException when the bytes are not a history of this entity's shape (the
   *     spec changed the fields its features read: the store is then rebuilt from empty)
   */
  public static EntityHistory read(EnrichmentSpec.Entity entity, byte[] bytes) {
    return read(Layout.of(entity), bytes);
  }

  public static EntityHistory read(Layout layout, byte[] bytes) {
    if (bytes == null) {
      return empty(layout);
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    if (bytes.length < 5 || in.get() != VERSION) {
      throw new IllegalArgumentException("not an entity history");
    }
    int n = in.getInt();
    EntityHistory history = new EntityHistory(layout, Math.max(4, n + 1));
    if (n < 0 || in.remaining() != (long) n * history.width) {
      throw new IllegalArgumentException(
          "an entity history of another shape: "
              + in.remaining()
              + " bytes for "
              + n
              + " events of "
              + history.width);
    }
    for (int i = 0; i < n; i++) {
      history.times[i] = in.getLong();
      for (int f = 0; f < history.numeric; f++) {
        history.values[i * history.numeric + f] = in.getDouble();
      }
      for (int f = 0; f < history.categorical; f++) {
        history.hashes[i * history.categorical + f] = in.getLong();
      }
    }
    history.size = n;
    return history;
  }

  /** The stored form. */
  public byte[] bytes() {
    ByteBuffer out = ByteBuffer.allocate(5 + size * width);
    out.put(VERSION).putInt(size);
    for (int i = 0; i < size; i++) {
      out.putLong(times[i]);
      for (int f = 0; f < numeric; f++) {
        out.putDouble(values[i * numeric + f]);
      }
      for (int f = 0; f < categorical; f++) {
        out.putLong(hashes[i * categorical + f]);
      }
    }
    return out.array();
  }

  /** How many events it holds. */
  public int size() {
    return size;
  }

  /** The latest timestamp it holds, or {@code Long.MIN_VALUE} when empty. */
  public long latest() {
    return size == 0 ? Long.MIN_VALUE : times[size - 1];
  }

  /** The latest timestamp of a stored history, without reading the rest (for clean-up). */
  public static long latest(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    int n = bytes.length < 5 ? 0 : in.getInt(1);
    if (n <= 0 || bytes.length < 5 + 8) {
      return Long.MIN_VALUE;
    }
    int width = (bytes.length - 5) / n;
    return in.getLong(5 + (n - 1) * width);
  }

  /**
   * The features an event at {@code time} gets, in the order of {@link
   * EnrichmentSpec.Entity#fieldNames}.
   */
  public double[] features(long time) {
    long[] lengths = layout.windows;
    int w = lengths.length;
    // One pass from the nearest earlier event backwards; each event lands in the bucket of the
    // shortest window that holds it, and every longer window holds it too (prefix sums below).
    long[] count = new long[w];
    double[] sum = new double[w * numeric];
    long[] present = new long[w * numeric];
    double[] max = new double[w * numeric];
    Arrays.fill(max, Double.NEGATIVE_INFINITY);
    long[] distinct = new long[w * categorical];
    LongSet[] seen = new LongSet[categorical];
    for (int c = 0; c < categorical; c++) {
      seen[c] = new LongSet();
    }
    int end = firstAtOrAfter(time);
    // Within the longest window only: beyond it, whether the history still holds the previous
    // event depends on clean-up, and the stream and a backfill must agree.
    double sincePrevious =
        end == 0 || time - times[end - 1] > layout.longest
            ? -1.0
            : (time - times[end - 1]) / 1000.0;
    int bucket = 0;
    for (int i = end - 1; i >= 0; i--) {
      long age = time - times[i];
      while (bucket < w && age > lengths[bucket]) {
        bucket++;
      }
      if (bucket == w) {
        break;
      }
      count[bucket]++;
      for (int f = 0; f < numeric; f++) {
        double v = values[i * numeric + f];
        if (!Double.isNaN(v)) {
          sum[bucket * numeric + f] += v;
          present[bucket * numeric + f]++;
          max[bucket * numeric + f] = Math.max(max[bucket * numeric + f], v);
        }
      }
      for (int c = 0; c < categorical; c++) {
        long h = hashes[i * categorical + c];
        if (h != NULL_HASH && seen[c].add(h)) {
          distinct[bucket * categorical + c]++;
        }
      }
    }
    for (int b = 1; b < w; b++) {
      count[b] += count[b - 1];
      for (int f = 0; f < numeric; f++) {
        sum[b * numeric + f] += sum[(b - 1) * numeric + f];
        present[b * numeric + f] += present[(b - 1) * numeric + f];
        max[b * numeric + f] = Math.max(max[b * numeric + f], max[(b - 1) * numeric + f]);
      }
      for (int c = 0; c < categorical; c++) {
        distinct[b * categorical + c] += distinct[(b - 1) * categorical + c];
      }
    }
    double[] out = new double[layout.features];
    int position = 0;
    for (int a = 0; a < layout.kinds.length; a++) {
      EnrichmentSpec.Kind kind = layout.kinds[a];
      if (kind == EnrichmentSpec.Kind.SINCE_PREVIOUS) {
        out[position++] = sincePrevious;
        continue;
      }
      int f = layout.fields[a];
      for (int b = 0; b < w; b++) {
        out[position++] =
            switch (kind) {
              case COUNT -> count[b];
              case SUM -> sum[b * numeric + f];
              case MEAN ->
                  present[b * numeric + f] == 0
                      ? 0.0
                      : sum[b * numeric + f] / present[b * numeric + f];
              case MAX -> present[b * numeric + f] == 0 ? 0.0 : max[b * numeric + f];
              case DISTINCT -> distinct[b * categorical + f];
              case SINCE_PREVIOUS -> throw new AssertionError();
            };
      }
    }
    return out;
  }

  /** A set of hashes without boxing: linear probing, grown as it fills. */
  private static final class LongSet {
    private long[] slots = new long[16];
    private boolean[] used = new boolean[16];
    private int size;

    /** Adds {@code value}; whether it was new. */
    boolean add(long value) {
      if (size * 2 >= slots.length) {
        grow();
      }
      int mask = slots.length - 1;
      int i = (int) (value ^ (value >>> 32)) * 0x9E3779B9 & mask;
      while (used[i]) {
        if (slots[i] == value) {
          return false;
        }
        i = (i + 1) & mask;
      }
      used[i] = true;
      slots[i] = value;
      size++;
      return true;
    }

    private void grow() {
      long[] oldSlots = slots;
      boolean[] oldUsed = used;
      slots = new long[oldSlots.length * 2];
      used = new boolean[oldSlots.length * 2];
      size = 0;
      for (int i = 0; i < oldSlots.length; i++) {
        if (oldUsed[i]) {
          add(oldSlots[i]);
        }
      }
    }
  }

  /**
   * Adds an event (after its features were taken), then drops what fell behind the horizon and what
   * exceeds {@code maxEvents}.
   *
   * @param numericValues one per {@link EnrichmentSpec.Entity#numericFields}, NaN for null
   * @param categoricalHashes one per {@link EnrichmentSpec.Entity#categoricalFields} ({@link
   *     #hash})
   */
  public Recorded record(long time, double[] numericValues, long[] categoricalHashes) {
    long latestBefore = latest();
    boolean late = size > 0 && time < latestBefore - layout.grace;
    int at = firstAfter(time);
    grow();
    System.arraycopy(times, at, times, at + 1, size - at);
    System.arraycopy(values, at * numeric, values, (at + 1) * numeric, (size - at) * numeric);
    System.arraycopy(
        hashes, at * categorical, hashes, (at + 1) * categorical, (size - at) * categorical);
    times[at] = time;
    System.arraycopy(numericValues, 0, values, at * numeric, numeric);
    System.arraycopy(categoricalHashes, 0, hashes, at * categorical, categorical);
    size++;
    long horizon = latest() - layout.horizon;
    int drop = 0;
    while (drop < size && times[drop] < horizon) {
      drop++;
    }
    boolean truncated = size - drop > layout.maxEvents;
    if (truncated) {
      drop = size - layout.maxEvents;
    }
    if (drop > 0) {
      System.arraycopy(times, drop, times, 0, size - drop);
      System.arraycopy(values, drop * numeric, values, 0, (size - drop) * numeric);
      System.arraycopy(hashes, drop * categorical, hashes, 0, (size - drop) * categorical);
      size -= drop;
    }
    return late ? Recorded.LATE : truncated ? Recorded.TRUNCATED : Recorded.RECORDED;
  }

  /** The 64-bit hash {@code distinct} counts a categorical value by: FNV-1a of its text. */
  public static long hash(Object value) {
    if (value == null) {
      return NULL_HASH;
    }
    String text = value.toString();
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      h = (h ^ (c & 0xff)) * 0x100000001b3L;
      h = (h ^ (c >>> 8)) * 0x100000001b3L;
    }
    return h == NULL_HASH ? NULL_HASH + 1 : h;
  }

  private int firstAtOrAfter(long time) {
    int lo = 0;
    int hi = size;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (times[mid] < time) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private int firstAfter(long time) {
    int lo = 0;
    int hi = size;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (times[mid] <= time) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private void grow() {
    if (size < times.length) {
      return;
    }
    int capacity = times.length * 2;
    times = Arrays.copyOf(times, capacity);
    values = Arrays.copyOf(values, capacity * numeric);
    hashes = Arrays.copyOf(hashes, capacity * categorical);
  }
}

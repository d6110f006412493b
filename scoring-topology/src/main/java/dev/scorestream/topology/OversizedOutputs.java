package dev.scorestream.topology;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The input records whose outputs a topic refused for their size, remembered so the retry can write
 * them degraded. Under exactly-once a refused write aborts the whole transaction; the task then
 * processes the same input again, and without this memory it would fail the same way forever. The
 * production exception handler fills it; the processors consult it (a single read of an empty map,
 * normally). Bounded: the oldest entries go first.
 */
public final class OversizedOutputs {

  /** Where an input record was read. */
  public record Source(String topic, int partition, long offset) {}

  static final int CAPACITY = 10_000;

  private final Map<Source, Set<String>> refused =
      new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Source, Set<String>> eldest) {
          return size() > CAPACITY;
        }
      };
  private final AtomicInteger size = new AtomicInteger();

  /** {@code output} refused a record written for the input at {@code source}. */
  public synchronized void remember(Source source, String output) {
    refused.merge(source, Set.of(output), (a, b) -> union(a, b));
    size.set(refused.size());
  }

  /** Whether {@code output} refused a record of this input before. */
  public boolean refused(Source source, String output) {
    if (size.get() == 0) {
      return false;
    }
    synchronized (this) {
      Set<String> outputs = refused.get(source);
      return outputs != null && outputs.contains(output);
    }
  }

  /** Whether any output refused a record of this input before. */
  public boolean refusedAny(Source source) {
    if (size.get() == 0) {
      return false;
    }
    synchronized (this) {
      return refused.containsKey(source);
    }
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    java.util.Set<String> all = new java.util.HashSet<>(a);
    all.addAll(b);
    return Set.copyOf(all);
  }
}

package dev.scorestream.deadletter;

import java.util.Map;

/**
 * What a replay run did.
 *
 * @param replayed records written back (or, in a dry run, that would have been)
 * @param skipped records the filter did not select, or with no target topic
 * @param refused records that already reached the replay limit
 * @param byReasonAndTarget replayed records counted by {@code reason -> target topic}
 */
public record ReplayResult(
    long replayed, long skipped, long refused, Map<String, Long> byReasonAndTarget) {

  /** The summary line: {@code replayed=<R> skipped=<S> refused=<F>}. */
  public String summary() {
    return "replayed=" + replayed + " skipped=" + skipped + " refused=" + refused;
  }
}

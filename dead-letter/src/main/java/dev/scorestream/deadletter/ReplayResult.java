package dev.scorestream.deadletter;

import java.util.Map;

/**
 * What a replay run did.
 *
 * @param replayed records written back (or, in a dry run, that would have been)
 * @param skipped records the filter did not select, or with no target topic
 * @param refused records not replayed though selected: at the replay limit, or an omitted original
 *     that can no longer be read back
 * @param byReasonAndTarget replayed records counted by {@code reason -> target topic}
 * @param refusedBy refused records counted by why ({@code replay limit reached}, {@code original no
 *     longer retained}, ...)
 */
public record ReplayResult(
    long replayed,
    long skipped,
    long refused,
    Map<String, Long> byReasonAndTarget,
    Map<String, Long> refusedBy) {

  /** The summary line: {@code replayed=<R> skipped=<S> refused=<F>}. */
  public String summary() {
    return "replayed=" + replayed + " skipped=" + skipped + " refused=" + refused;
  }
}

package dev.scorestream.deadletter;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * What {@code scorer replay} does.
 *
 * @param from the dead-letter topic to read
 * @param to target topic for every replayed record, or null for each record's original topic
 *     ({@code __streams.errors.topic})
 * @param group consumer group that remembers how far replay got; null derives one from {@code from}
 *     and the filter, so each selection keeps its own progress
 * @param filter which dead letters to replay; the others are skipped (and passed over for good)
 * @param maxReplays records already replayed this often are refused, not replayed again
 * @param ratePerSecond replay at most this many records per second; 0 for no limit
 * @param dryRun read and report, write and commit nothing
 */
public record ReplayOptions(
    String from,
    String to,
    String group,
    DeadLetterFilter filter,
    int maxReplays,
    int ratePerSecond,
    boolean dryRun) {

  public static final int DEFAULT_MAX_REPLAYS = 3;

  public ReplayOptions {
    Objects.requireNonNull(from, "from");
    filter = filter == null ? DeadLetterFilter.ALL : filter;
    group = group == null || group.isBlank() ? defaultGroup(from, filter) : group;
    if (maxReplays < 1) {
      throw new IllegalArgumentException("max replays must be at least 1, got " + maxReplays);
    }
    if (ratePerSecond < 0) {
      throw new IllegalArgumentException("rate must be >= 0, got " + ratePerSecond);
    }
  }

  /**
   * {@code scorestream-replay-<dlq topic>} for an unfiltered replay, with a short hash of the
   * filter appended otherwise. Replay commits past the records a filter skips, so a shared group
   * would make a narrow replay today hide everything else from a different replay tomorrow; one
   * group per selection prevents that, while running the same selection again still resumes (and
   * replays nothing once done).
   */
  public static String defaultGroup(String from, DeadLetterFilter filter) {
    String canonical = filter.canonical();
    if (canonical.isEmpty()) {
      return "scorestream-replay-" + from;
    }
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
      return "scorestream-replay-" + from + "-" + HexFormat.of().formatHex(digest, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

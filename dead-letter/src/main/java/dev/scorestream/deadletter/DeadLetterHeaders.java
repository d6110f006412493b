package dev.scorestream.deadletter;

import dev.scorestream.schemas.Reason;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The header contract of a dead letter. Kafka Streams' KIP-1034 names carry the exception and the
 * source coordinates (so existing tooling understands them); ours, prefixed {@code
 * scorestream.dlq.}, carry the reason code, violated rules, disposition, schema id, versions,
 * failure time and replay count.
 *
 * <p>All values are UTF-8 strings. Writing dead-letter headers first removes every earlier {@code
 * __streams.errors.*} and {@code scorestream.dlq.*} header, so a record that fails again after a
 * replay never accumulates stale headers; only the replay count carries over.
 */
public final class DeadLetterHeaders {

  public static final String STREAMS_PREFIX = "__streams.errors.";
  public static final String EXCEPTION = STREAMS_PREFIX + "exception";
  public static final String MESSAGE = STREAMS_PREFIX + "message";
  public static final String STACKTRACE = STREAMS_PREFIX + "stacktrace";
  public static final String TOPIC = STREAMS_PREFIX + "topic";
  public static final String PARTITION = STREAMS_PREFIX + "partition";
  public static final String OFFSET = STREAMS_PREFIX + "offset";

  public static final String PREFIX = "scorestream.dlq.";
  public static final String REASON = PREFIX + "reason";
  public static final String RULES = PREFIX + "rules";
  public static final String DISPOSITION = PREFIX + "disposition";
  public static final String SCHEMA_ID = PREFIX + "schema.id";
  public static final String APP_VERSION = PREFIX + "app.version";
  public static final String MODEL_VERSION = PREFIX + "model.version";
  public static final String FAILED_AT = PREFIX + "failed.at";
  public static final String REPLAY_COUNT = PREFIX + "replay.count";

  /** What was taken out to make the dead letter fit its topic ({@link DeadLetterFit}). */
  public static final String DEGRADED = PREFIX + "degraded";

  /** Size in bytes of an omitted value. */
  public static final String VALUE_SIZE = PREFIX + "value.size";

  /** SHA-256 (hex) of an omitted value. */
  public static final String VALUE_SHA256 = PREFIX + "value.sha256";

  /** Size in bytes of an omitted key. */
  public static final String KEY_SIZE = PREFIX + "key.size";

  /** SHA-256 (hex) of an omitted key. */
  public static final String KEY_SHA256 = PREFIX + "key.sha256";

  /** How many original headers were dropped. */
  public static final String HEADERS_OMITTED = PREFIX + "headers.omitted";

  /** Upper bound of the stack-trace header, so a deep trace cannot bloat every dead letter. */
  public static final int MAX_STACKTRACE_BYTES = 8 * 1024;

  /** Upper bound of the message header. */
  public static final int MAX_MESSAGE_BYTES = 2 * 1024;

  private DeadLetterHeaders() {}

  /**
   * Replaces any earlier dead-letter headers in {@code headers} with those describing {@code
   * letter}. Non-dead-letter headers stay as they are, in their order. The replay count is kept
   * from the incoming headers (set by {@code scorer replay}), 0 when absent.
   */
  public static Headers write(Headers headers, DeadLetter letter) {
    int replayCount = replayCount(headers);
    strip(headers);
    String exception =
        letter.cause() == null ? letter.reason().name() : letter.cause().getClass().getName();
    put(headers, EXCEPTION, exception);
    put(headers, MESSAGE, truncate(letter.message(), MAX_MESSAGE_BYTES));
    put(headers, STACKTRACE, truncate(stackTrace(letter), MAX_STACKTRACE_BYTES));
    put(headers, TOPIC, letter.sourceTopic());
    put(headers, PARTITION, Integer.toString(letter.sourcePartition()));
    put(headers, OFFSET, Long.toString(letter.sourceOffset()));
    put(headers, REASON, letter.reason().name());
    put(headers, RULES, String.join(",", letter.rules()));
    put(headers, DISPOSITION, letter.reason().disposition().code());
    put(headers, SCHEMA_ID, letter.schemaId() < 0 ? "" : Integer.toString(letter.schemaId()));
    put(headers, APP_VERSION, letter.appVersion());
    put(headers, MODEL_VERSION, letter.modelVersion());
    put(headers, FAILED_AT, letter.failedAt().toString());
    put(headers, REPLAY_COUNT, Integer.toString(replayCount));
    return headers;
  }

  /** Removes every {@code __streams.errors.*} and {@code scorestream.dlq.*} header. */
  public static Headers strip(Headers headers) {
    for (Header header : headers.toArray()) {
      if (isDeadLetterHeader(header.key())) {
        headers.remove(header.key());
      }
    }
    return headers;
  }

  /** Whether a dead letter's value, key or original headers were left out to fit its topic. */
  public static boolean omittedOriginal(Headers headers) {
    return headers.lastHeader(VALUE_SHA256) != null
        || headers.lastHeader(KEY_SHA256) != null
        || headers.lastHeader(HEADERS_OMITTED) != null;
  }

  public static boolean isDeadLetterHeader(String key) {
    return key.startsWith(STREAMS_PREFIX) || key.startsWith(PREFIX);
  }

  /** The last value of {@code key} as a string. */
  public static Optional<String> get(Headers headers, String key) {
    Header header = headers.lastHeader(key);
    return header == null || header.value() == null
        ? Optional.empty()
        : Optional.of(new String(header.value(), StandardCharsets.UTF_8));
  }

  /** How often this record has been replayed so far (0 when never). */
  public static int replayCount(Headers headers) {
    return get(headers, REPLAY_COUNT).map(DeadLetterHeaders::parseCount).orElse(0);
  }

  /** The reason code of a dead letter. */
  public static Optional<Reason> reason(Headers headers) {
    return get(headers, REASON)
        .flatMap(
            code ->
                Arrays.stream(Reason.values())
                    .filter(r -> r.name().equals(code.trim().toUpperCase(Locale.ROOT)))
                    .findFirst());
  }

  private static int parseCount(String value) {
    try {
      return Math.max(0, Integer.parseInt(value.trim()));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static void put(Headers headers, String key, String value) {
    headers.add(key, (value == null ? "" : value).getBytes(StandardCharsets.UTF_8));
  }

  private static String stackTrace(DeadLetter letter) {
    if (letter.cause() == null) {
      return "";
    }
    StringWriter out = new StringWriter();
    letter.cause().printStackTrace(new PrintWriter(out));
    return out.toString();
  }

  /** Cuts {@code text} to at most {@code maxBytes} UTF-8 bytes without splitting a character. */
  public static String truncate(String text, int maxBytes) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= maxBytes) {
      return text;
    }
    String marker = "...[truncated]";
    int budget = maxBytes - marker.length();
    int end = budget;
    while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
      end--;
    }
    return new String(bytes, 0, end, StandardCharsets.UTF_8) + marker;
  }
}

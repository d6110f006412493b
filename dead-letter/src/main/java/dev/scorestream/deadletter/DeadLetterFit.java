package dev.scorestream.deadletter;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Makes a dead letter fit its topic. A dead letter that would exceed the topic's {@code
 * max.message.bytes} or the producer's {@code max.request.size} would fail its write, and under
 * exactly-once fail it again on every retry, stopping the whole pipeline. So it degrades, in steps,
 * until it fits:
 *
 * <ol>
 *   <li>{@code stacktrace}: the stack-trace header is emptied;
 *   <li>{@code message}: the message header is cut to {@value #SHORT_MESSAGE_BYTES} bytes;
 *   <li>then the original parts, the largest first, until it fits: {@code value} (omitted, its size
 *       and SHA-256 kept in headers), {@code headers} (the original ones dropped and counted) or
 *       {@code key} (omitted, with its size and SHA-256).
 * </ol>
 *
 * The steps taken are listed in {@code scorestream.dlq.degraded}. The source coordinates stay in
 * {@code __streams.errors.topic/partition/offset}: replay reads an omitted original back from the
 * input topic while it is retained, and checks it against the SHA-256.
 */
public final class DeadLetterFit {

  static final int SHORT_MESSAGE_BYTES = 256;

  /** The record to write, and what was taken out of it (empty when it fit as it was). */
  public record Fitted(byte[] key, byte[] value, Headers headers, List<String> degraded) {}

  private DeadLetterFit() {}

  /**
   * @param headers the record's headers with the dead-letter headers already written; changed in
   *     place
   * @param maxBytes the most the record may take ({@link RecordSize#upperBound})
   * @param everything skip the checks and take every step (the output failed before at this size)
   */
  public static Fitted fit(
      byte[] key, byte[] value, Headers headers, long maxBytes, boolean everything) {
    List<String> degraded = new ArrayList<>();
    byte[] fittedKey = key;
    byte[] fittedValue = value;
    if (!everything && RecordSize.upperBound(key, value, headers) <= maxBytes) {
      return new Fitted(key, value, headers, degraded);
    }
    if (replace(headers, DeadLetterHeaders.STACKTRACE, "")) {
      degraded.add("stacktrace");
    }
    if (tooLarge(fittedKey, fittedValue, headers, maxBytes, degraded, everything)) {
      String message = DeadLetterHeaders.get(headers, DeadLetterHeaders.MESSAGE).orElse("");
      if (replace(
          headers,
          DeadLetterHeaders.MESSAGE,
          DeadLetterHeaders.truncate(message, SHORT_MESSAGE_BYTES))) {
        degraded.add("message");
      }
    }
    // Then the original parts, largest first, until it fits: a huge key need not cost the value.
    while (tooLarge(fittedKey, fittedValue, headers, maxBytes, degraded, everything)) {
      long valueBytes = fittedValue == null ? -1 : fittedValue.length;
      long keyBytes = fittedKey == null ? -1 : fittedKey.length;
      long headerBytes = originalHeaderBytes(headers);
      if (valueBytes < 0 && keyBytes < 0 && headerBytes <= 0) {
        break; // nothing of the original is left; only our own bounded headers remain
      }
      if (valueBytes >= keyBytes && valueBytes >= headerBytes) {
        put(headers, DeadLetterHeaders.VALUE_SIZE, Integer.toString(fittedValue.length));
        put(headers, DeadLetterHeaders.VALUE_SHA256, sha256(fittedValue));
        fittedValue = null;
        degraded.add("value");
      } else if (headerBytes >= keyBytes) {
        int dropped = 0;
        for (Header header : headers.toArray()) {
          if (!DeadLetterHeaders.isDeadLetterHeader(header.key())) {
            headers.remove(header.key());
            dropped++;
          }
        }
        put(headers, DeadLetterHeaders.HEADERS_OMITTED, Integer.toString(dropped));
        degraded.add("headers");
      } else {
        put(headers, DeadLetterHeaders.KEY_SIZE, Integer.toString(fittedKey.length));
        put(headers, DeadLetterHeaders.KEY_SHA256, sha256(fittedKey));
        fittedKey = null;
        degraded.add("key");
      }
    }
    put(headers, DeadLetterHeaders.DEGRADED, String.join(",", degraded));
    return new Fitted(fittedKey, fittedValue, headers, degraded);
  }

  private static boolean tooLarge(
      byte[] key,
      byte[] value,
      Headers headers,
      long maxBytes,
      List<String> degraded,
      boolean everything) {
    // Room for the degraded header this method will add, listing every step.
    long pending = RecordSize.HEADER_OVERHEAD + DeadLetterHeaders.DEGRADED.length() + 40;
    return everything || RecordSize.upperBound(key, value, headers) + pending > maxBytes;
  }

  /** Bytes of the headers that are not dead-letter headers; 0 when there are none. */
  private static long originalHeaderBytes(Headers headers) {
    long bytes = 0;
    boolean any = false;
    for (Header header : headers) {
      if (!DeadLetterHeaders.isDeadLetterHeader(header.key())) {
        bytes += RecordSize.headerBytes(header);
        any = true;
      }
    }
    return any ? bytes : -1;
  }

  /** Replaces the header's value; false when it already was {@code value}. */
  private static boolean replace(Headers headers, String key, String value) {
    String current = DeadLetterHeaders.get(headers, key).orElse(null);
    if (value.equals(current)) {
      return false;
    }
    headers.remove(key);
    put(headers, key, value);
    return true;
  }

  private static void put(Headers headers, String key, String value) {
    headers.remove(key);
    headers.add(key, value.getBytes(StandardCharsets.UTF_8));
  }

  /** Lower-case hex SHA-256, as {@code sha256sum} prints it. */
  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}

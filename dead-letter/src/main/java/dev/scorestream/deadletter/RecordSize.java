package dev.scorestream.deadletter;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * An upper bound of the bytes one record takes in a produce request, computed the way the producer
 * checks {@code max.request.size} and the broker {@code max.message.bytes}: the record batch's
 * header, the record's varint-framed fields and every header. Kafka's own estimator is internal API
 * (it moved in 4.4), so this keeps the arithmetic here, erring on the large side.
 */
public final class RecordSize {

  /** A v2 record batch's fixed header (DefaultRecordBatch.RECORD_BATCH_OVERHEAD). */
  static final int BATCH_OVERHEAD = 61;

  /** Length, attributes, timestamp delta, offset delta, key, value and header-count framing. */
  static final int RECORD_OVERHEAD = 5 + 1 + 10 + 5 + 5 + 5 + 5;

  /** Framing of one header: key length and value length. */
  public static final int HEADER_OVERHEAD = 5 + 5;

  private RecordSize() {}

  /** Bytes of one record alone in a batch; null key or value count as empty. */
  public static long upperBound(byte[] key, byte[] value, Headers headers) {
    long size = BATCH_OVERHEAD + RECORD_OVERHEAD;
    size += key == null ? 0 : key.length;
    size += value == null ? 0 : value.length;
    return size + headerBytes(headers);
  }

  /** The bytes {@code headers} add to a record. */
  public static long headerBytes(Headers headers) {
    long size = 0;
    if (headers != null) {
      for (Header header : headers) {
        size += headerBytes(header);
      }
    }
    return size;
  }

  public static long headerBytes(Header header) {
    return HEADER_OVERHEAD
        + header.key().getBytes(StandardCharsets.UTF_8).length
        + (header.value() == null ? 0 : header.value().length);
  }
}

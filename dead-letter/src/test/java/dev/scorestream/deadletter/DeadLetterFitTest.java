package dev.scorestream.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.schemas.Reason;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class DeadLetterFitTest {

  static final long LIMIT = 64 * 1024;

  /** Original headers (one binary, one duplicated) plus the dead-letter headers of a failure. */
  static Headers headers() {
    Headers headers = new RecordHeaders();
    headers.add("trace-id", "t-1".getBytes(StandardCharsets.UTF_8));
    headers.add("blob", new byte[] {0, (byte) 0xFF, 0x7F});
    headers.add("trace-id", "t-2".getBytes(StandardCharsets.UTF_8));
    Exception cause = new IllegalStateException("deep");
    DeadLetterHeaders.write(
        headers,
        new DeadLetter(
            Reason.UNDECODABLE,
            List.of(),
            "x".repeat(2000),
            cause,
            "events",
            2,
            99L,
            7,
            "0.1.0",
            "v1",
            Instant.parse("2026-11-29T00:00:00Z")));
    return headers;
  }

  static String header(Headers headers, String key) {
    return DeadLetterHeaders.get(headers, key).orElse(null);
  }

  @Test
  void shouldLeaveADeadLetterThatFitsAlone() {
    byte[] value = new byte[1000];
    Headers headers = headers();
    DeadLetterFit.Fitted fitted = DeadLetterFit.fit("k".getBytes(), value, headers, LIMIT, false);

    assertThat(fitted.degraded()).isEmpty();
    assertThat(fitted.value()).isSameAs(value);
    assertThat(header(headers, DeadLetterHeaders.DEGRADED)).isNull();
    assertThat(header(headers, DeadLetterHeaders.STACKTRACE)).contains("IllegalStateException");
    assertThat(headers.headers("trace-id")).hasSize(2);
  }

  @Test
  void shouldFitExactlyAtTheLimitAndDegradeOneByteAbove() {
    Headers probe = headers();
    long overhead = RecordSize.upperBound(new byte[0], new byte[0], probe);
    byte[] value = new byte[(int) (LIMIT - overhead)];
    assertThat(RecordSize.upperBound(new byte[0], value, probe)).isEqualTo(LIMIT);

    assertThat(DeadLetterFit.fit(new byte[0], value, headers(), LIMIT, false).degraded()).isEmpty();
    assertThat(DeadLetterFit.fit(new byte[0], value, headers(), LIMIT - 1, false).degraded())
        .containsExactly("stacktrace");
  }

  @Test
  void shouldOmitTheValueLastOfTheFirstThreeStepsAndKeepItsSizeAndHash() {
    byte[] value = "v".repeat(100_000).getBytes(StandardCharsets.UTF_8);
    Headers headers = headers();

    DeadLetterFit.Fitted fitted = DeadLetterFit.fit("k".getBytes(), value, headers, LIMIT, false);

    assertThat(fitted.degraded()).containsExactly("stacktrace", "message", "value");
    assertThat(fitted.value()).isNull();
    assertThat(fitted.key()).containsExactly('k');
    assertThat(header(headers, DeadLetterHeaders.VALUE_SIZE)).isEqualTo("100000");
    assertThat(header(headers, DeadLetterHeaders.VALUE_SHA256))
        .isEqualTo(DeadLetterFit.sha256(value))
        .hasSize(64);
    assertThat(header(headers, DeadLetterHeaders.DEGRADED)).isEqualTo("stacktrace,message,value");
    assertThat(header(headers, DeadLetterHeaders.MESSAGE).getBytes(StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(DeadLetterFit.SHORT_MESSAGE_BYTES);
    assertThat(header(headers, DeadLetterHeaders.REASON)).isEqualTo("UNDECODABLE");
    assertThat(header(headers, DeadLetterHeaders.OFFSET)).isEqualTo("99");
    assertThat(headers.headers("trace-id")).hasSize(2);
    assertThat(DeadLetterHeaders.omittedOriginal(headers)).isTrue();
    assertThat(RecordSize.upperBound(fitted.key(), fitted.value(), headers))
        .isLessThanOrEqualTo(LIMIT);
  }

  @Test
  void shouldOmitTheLargestPartsFirstSoAHugeKeyAndHeadersDoNotCostTheValue() {
    byte[] key = new byte[200_000];
    Arrays.fill(key, (byte) 'k');
    Headers headers = headers();
    headers.add("big", new byte[100_000]);

    DeadLetterFit.Fitted fitted = DeadLetterFit.fit(key, new byte[10], headers, LIMIT, false);

    assertThat(fitted.degraded()).containsExactly("stacktrace", "message", "key", "headers");
    assertThat(fitted.value()).hasSize(10);
    assertThat(fitted.key()).isNull();
    assertThat(header(headers, DeadLetterHeaders.KEY_SIZE)).isEqualTo("200000");
    assertThat(header(headers, DeadLetterHeaders.KEY_SHA256)).isEqualTo(DeadLetterFit.sha256(key));
    assertThat(header(headers, DeadLetterHeaders.HEADERS_OMITTED)).isEqualTo("4");
    assertThat(headers.lastHeader("trace-id")).isNull();
    assertThat(RecordSize.upperBound(fitted.key(), fitted.value(), headers))
        .isLessThanOrEqualTo(LIMIT);
  }

  @Test
  void shouldTakeEveryStepWhenTheOutputAlreadyFailedAtThisSize() {
    Headers headers = headers();
    DeadLetterFit.Fitted fitted =
        DeadLetterFit.fit("k".getBytes(), new byte[5], headers, LIMIT, true);

    assertThat(fitted.degraded())
        .containsExactly("stacktrace", "message", "headers", "value", "key");
    assertThat(fitted.key()).isNull();
    assertThat(fitted.value()).isNull();
  }

  @Property(tries = 300)
  void shouldAlwaysFitALimitOfAtLeast16Kib(
      @ForAll @IntRange(max = 300_000) int keyBytes,
      @ForAll @IntRange(max = 2_000_000) int valueBytes,
      @ForAll @IntRange(max = 20) int extraHeaders,
      @ForAll @IntRange(min = 16 * 1024, max = 2_000_000) int limit) {
    Headers headers = headers();
    for (int i = 0; i < extraHeaders; i++) {
      headers.add("h", new byte[i * 1000]);
    }
    DeadLetterFit.Fitted fitted =
        DeadLetterFit.fit(new byte[keyBytes], new byte[valueBytes], headers, limit, false);

    assertThat(RecordSize.upperBound(fitted.key(), fitted.value(), fitted.headers()))
        .isLessThanOrEqualTo(limit);
    assertThat(header(headers, DeadLetterHeaders.REASON)).isEqualTo("UNDECODABLE");
    assertThat(header(headers, DeadLetterHeaders.TOPIC)).isEqualTo("events");
  }
}

package dev.scorestream.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.schemas.Reason;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class DeadLetterHeadersTest {

  static DeadLetter letter(Reason reason, Throwable cause) {
    return new DeadLetter(
        reason,
        List.of("amount.max", "currency.allowed"),
        "2 rules violated",
        cause,
        "events",
        3,
        42L,
        7,
        "0.1.0",
        "fraud-1a2b",
        Instant.parse("2026-11-26T10:00:00Z"));
  }

  @Test
  void shouldWriteCompleteContract() {
    Headers headers =
        DeadLetterHeaders.write(new RecordHeaders(), letter(Reason.RULE_VIOLATION, null));

    assertThat(value(headers, DeadLetterHeaders.REASON)).isEqualTo("RULE_VIOLATION");
    assertThat(value(headers, DeadLetterHeaders.RULES)).isEqualTo("amount.max,currency.allowed");
    assertThat(value(headers, DeadLetterHeaders.DISPOSITION)).isEqualTo("poison");
    assertThat(value(headers, DeadLetterHeaders.SCHEMA_ID)).isEqualTo("7");
    assertThat(value(headers, DeadLetterHeaders.APP_VERSION)).isEqualTo("0.1.0");
    assertThat(value(headers, DeadLetterHeaders.MODEL_VERSION)).isEqualTo("fraud-1a2b");
    assertThat(value(headers, DeadLetterHeaders.FAILED_AT)).isEqualTo("2026-11-26T10:00:00Z");
    assertThat(value(headers, DeadLetterHeaders.REPLAY_COUNT)).isEqualTo("0");
    assertThat(value(headers, DeadLetterHeaders.TOPIC)).isEqualTo("events");
    assertThat(value(headers, DeadLetterHeaders.PARTITION)).isEqualTo("3");
    assertThat(value(headers, DeadLetterHeaders.OFFSET)).isEqualTo("42");
    assertThat(value(headers, DeadLetterHeaders.MESSAGE)).isEqualTo("2 rules violated");
    assertThat(value(headers, DeadLetterHeaders.EXCEPTION)).isEqualTo("RULE_VIOLATION");
    assertThat(DeadLetterHeaders.reason(headers)).contains(Reason.RULE_VIOLATION);
  }

  @Test
  void shouldKeepOriginalHeadersAndReplaceEarlierDeadLetterHeadersKeepingReplayCount() {
    Headers headers = new RecordHeaders();
    headers.add("trace-id", "abc".getBytes(StandardCharsets.UTF_8));
    DeadLetterHeaders.write(
        headers, letter(Reason.UNKNOWN_SCHEMA_ID, new IllegalStateException("first")));
    headers.remove(DeadLetterHeaders.REPLAY_COUNT);
    headers.add(DeadLetterHeaders.REPLAY_COUNT, "2".getBytes(StandardCharsets.UTF_8));
    int before = headers.toArray().length;

    DeadLetterHeaders.write(
        headers, letter(Reason.SCORING_ERROR, new IllegalStateException("second")));

    assertThat(headers.toArray()).hasSize(before);
    assertThat(value(headers, "trace-id")).isEqualTo("abc");
    assertThat(headers.headers(DeadLetterHeaders.REASON)).hasSize(1);
    assertThat(value(headers, DeadLetterHeaders.REASON)).isEqualTo("SCORING_ERROR");
    assertThat(value(headers, DeadLetterHeaders.DISPOSITION)).isEqualTo("retryable");
    assertThat(value(headers, DeadLetterHeaders.REPLAY_COUNT)).isEqualTo("2");
    assertThat(value(headers, DeadLetterHeaders.EXCEPTION))
        .isEqualTo(IllegalStateException.class.getName());
  }

  @Test
  void shouldBoundStackTraceTo8KiB() {
    Throwable deep = new RuntimeException("root");
    for (int i = 0; i < 200; i++) {
      deep = new RuntimeException("level " + i, deep);
    }

    Headers headers =
        DeadLetterHeaders.write(new RecordHeaders(), letter(Reason.SCORING_ERROR, deep));

    byte[] trace = headers.lastHeader(DeadLetterHeaders.STACKTRACE).value();
    assertThat(trace.length).isLessThanOrEqualTo(DeadLetterHeaders.MAX_STACKTRACE_BYTES);
    assertThat(new String(trace, StandardCharsets.UTF_8))
        .startsWith("java.lang.RuntimeException: level 199")
        .endsWith("[truncated]");
  }

  @Test
  void shouldTruncateWithoutSplittingMultiByteCharacters() {
    String text = "é".repeat(100);

    String cut = DeadLetterHeaders.truncate(text, 51);

    assertThat(cut.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(51);
    assertThat(cut).startsWith("éé").doesNotContain("\uFFFD");
  }

  @Test
  void shouldStripOnlyDeadLetterHeaders() {
    Headers headers =
        DeadLetterHeaders.write(new RecordHeaders(), letter(Reason.UNDECODABLE, null));
    headers.add("keep-me", new byte[] {1});

    DeadLetterHeaders.strip(headers);

    assertThat(Arrays.stream(headers.toArray()).map(Header::key)).containsExactly("keep-me");
  }

  @Test
  void shouldReadMissingOrGarbledReplayCountAsZero() {
    Headers headers = new RecordHeaders();
    assertThat(DeadLetterHeaders.replayCount(headers)).isZero();
    headers.add(DeadLetterHeaders.REPLAY_COUNT, "x".getBytes(StandardCharsets.UTF_8));
    assertThat(DeadLetterHeaders.replayCount(headers)).isZero();
  }

  static String value(Headers headers, String key) {
    return DeadLetterHeaders.get(headers, key)
        .orElseThrow(() -> new AssertionError("missing header " + key));
  }
}

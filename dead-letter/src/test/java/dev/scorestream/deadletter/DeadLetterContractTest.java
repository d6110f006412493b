package dev.scorestream.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.schemas.Reason;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/**
 * The dead-letter contract as users see it, spelled out in literals: header names, reason codes and
 * dispositions that dashboards, alerts, replay filters and other tools read. Every other test reads
 * them through {@link DeadLetterHeaders}'s constants, so a rename there would pass them; this one
 * fails. Changing a line here is a breaking change for users (docs/dead-letters.md).
 */
class DeadLetterContractTest {

  @Test
  void shouldWriteTheDocumentedHeaderNames() {
    Headers headers = new RecordHeaders();
    headers.add("trace-id", "abc".getBytes(StandardCharsets.UTF_8));

    DeadLetterHeaders.write(
        headers,
        DeadLetterHeadersTest.letter(Reason.RULE_VIOLATION, new IllegalStateException("boom")));

    Map<String, String> written = new LinkedHashMap<>();
    for (Header header : headers) {
      written.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
    }
    assertThat(written.keySet())
        .containsExactlyInAnyOrder(
            "trace-id",
            "__streams.errors.exception",
            "__streams.errors.message",
            "__streams.errors.stacktrace",
            "__streams.errors.topic",
            "__streams.errors.partition",
            "__streams.errors.offset",
            "scorestream.dlq.reason",
            "scorestream.dlq.rules",
            "scorestream.dlq.disposition",
            "scorestream.dlq.schema.id",
            "scorestream.dlq.app.version",
            "scorestream.dlq.model.version",
            "scorestream.dlq.failed.at",
            "scorestream.dlq.replay.count");
    assertThat(written)
        .containsEntry("scorestream.dlq.reason", "RULE_VIOLATION")
        .containsEntry("scorestream.dlq.rules", "amount.max,currency.allowed")
        .containsEntry("scorestream.dlq.disposition", "poison")
        .containsEntry("scorestream.dlq.replay.count", "0")
        .containsEntry("__streams.errors.topic", "events")
        .containsEntry("__streams.errors.partition", "3")
        .containsEntry("__streams.errors.offset", "42");
  }

  @Test
  void shouldKeepTheDocumentedReasonCodesAndDispositions() {
    Map<String, String> dispositions = new LinkedHashMap<>();
    for (Reason reason : Reason.values()) {
      dispositions.put(reason.name(), reason.disposition().code());
    }

    assertThat(dispositions)
        .containsExactly(
            Map.entry("NOT_WIRE_FORMAT", "poison"),
            Map.entry("UNKNOWN_SCHEMA_ID", "retryable"),
            Map.entry("UNDECODABLE", "poison"),
            Map.entry("INCOMPATIBLE_SCHEMA", "retryable"),
            Map.entry("RULE_VIOLATION", "poison"),
            Map.entry("NO_FEATURES", "poison"),
            Map.entry("SCORING_ERROR", "retryable"),
            Map.entry("OUTPUT_TOO_LARGE", "retryable"),
            Map.entry("REFERENCE_MISSING", "retryable"));
  }

  @Test
  void shouldNameTheHeadersADegradedDeadLetterAdds() {
    assertThat(
            Arrays.asList(
                DeadLetterHeaders.DEGRADED,
                DeadLetterHeaders.VALUE_SIZE,
                DeadLetterHeaders.VALUE_SHA256,
                DeadLetterHeaders.KEY_SIZE,
                DeadLetterHeaders.KEY_SHA256,
                DeadLetterHeaders.HEADERS_OMITTED))
        .containsExactly(
            "scorestream.dlq.degraded",
            "scorestream.dlq.value.size",
            "scorestream.dlq.value.sha256",
            "scorestream.dlq.key.size",
            "scorestream.dlq.key.sha256",
            "scorestream.dlq.headers.omitted");
  }
}

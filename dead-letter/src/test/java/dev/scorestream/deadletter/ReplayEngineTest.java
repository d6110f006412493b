package dev.scorestream.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scorestream.schemas.Reason;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class ReplayEngineTest {

  @Test
  void shouldStripDeadLetterHeadersKeepOthersAndCountTheReplay() {
    Headers headers = new RecordHeaders();
    headers.add("trace-id", "t-9".getBytes(StandardCharsets.UTF_8));
    DeadLetterHeaders.write(
        headers,
        new DeadLetter(
            Reason.UNKNOWN_SCHEMA_ID,
            List.of(),
            "unknown id",
            null,
            "events",
            2,
            77,
            42,
            "0.1.0",
            "v1",
            Instant.parse("2026-11-26T10:00:00Z")));

    Headers replayed = ReplayEngine.replayHeaders(headers, 1);

    assertThat(Arrays.stream(replayed.toArray()).map(Header::key))
        .containsExactly("trace-id", DeadLetterHeaders.REPLAY_COUNT);
    assertThat(DeadLetterHeaders.replayCount(replayed)).isEqualTo(1);
    assertThat(headers.lastHeader(DeadLetterHeaders.REASON))
        .as("the dead letter itself is untouched")
        .isNotNull();
  }

  @Test
  void shouldDeriveGroupFromTopicAndRefuseSillyLimits() {
    assertThat(new ReplayOptions("events.dlq", null, null, null, 3, 0, false).group())
        .isEqualTo("scorestream-replay-events.dlq");
    DeadLetterFilter unknownIds =
        new DeadLetterFilter(
            Set.of(Reason.UNKNOWN_SCHEMA_ID), Set.of(), Set.of(), null, null, Set.of(), null, null);
    DeadLetterFilter rules =
        new DeadLetterFilter(
            Set.of(),
            Set.of("amount.max", "currency.allowed"),
            Set.of(),
            null,
            null,
            Set.of(),
            null,
            null);
    DeadLetterFilter sameRules =
        new DeadLetterFilter(
            Set.of(),
            Set.of("currency.allowed", "amount.max"),
            Set.of(),
            null,
            null,
            Set.of(),
            null,
            null);
    String unknownGroup =
        new ReplayOptions("events.dlq", null, null, unknownIds, 3, 0, false).group();
    assertThat(unknownGroup).matches("scorestream-replay-events\\.dlq-[0-9a-f]{8}");
    assertThat(ReplayOptions.defaultGroup("events.dlq", rules))
        .as("a different selection keeps its own progress")
        .isNotEqualTo(unknownGroup)
        .isEqualTo(ReplayOptions.defaultGroup("events.dlq", sameRules));
    assertThat(rules.canonical()).isEqualTo("rule=amount.max,currency.allowed");
    assertThatThrownBy(() -> new ReplayOptions("d", null, null, null, 0, 0, false))
        .hasMessageContaining("max replays");
  }
}

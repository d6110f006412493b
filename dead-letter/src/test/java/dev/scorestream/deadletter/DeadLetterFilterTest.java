package dev.scorestream.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.schemas.Reason;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class DeadLetterFilterTest {

  static ConsumerRecord<byte[], byte[]> letter(
      int partition,
      long offset,
      Reason reason,
      List<String> rules,
      int schemaId,
      String failedAt) {
    RecordHeaders headers = new RecordHeaders();
    DeadLetterHeaders.write(
        headers,
        new DeadLetter(
            reason,
            rules,
            "m",
            null,
            "events",
            0,
            1,
            schemaId,
            "v",
            "m1",
            Instant.parse(failedAt)));
    return new ConsumerRecord<>(
        "events.dlq",
        partition,
        offset,
        0L,
        TimestampType.CREATE_TIME,
        0,
        0,
        new byte[0],
        new byte[0],
        headers,
        Optional.empty());
  }

  static DeadLetterFilter filter(
      Set<Reason> reasons,
      Set<String> rules,
      Set<Integer> ids,
      Instant since,
      Instant until,
      Set<Integer> partitions,
      Long from,
      Long to) {
    return new DeadLetterFilter(reasons, rules, ids, since, until, partitions, from, to);
  }

  final ConsumerRecord<byte[], byte[]> ruleLetter =
      letter(
          1,
          10,
          Reason.RULE_VIOLATION,
          List.of("amount.max", "currency.allowed"),
          5,
          "2026-11-26T10:00:00Z");

  @Test
  void shouldMatchEverythingWhenEmpty() {
    assertThat(DeadLetterFilter.ALL.matches(ruleLetter)).isTrue();
  }

  @Test
  void shouldSelectByReasonRuleAndSchemaId() {
    assertThat(
            filter(
                    Set.of(Reason.RULE_VIOLATION),
                    Set.of(),
                    Set.of(),
                    null,
                    null,
                    Set.of(),
                    null,
                    null)
                .matches(ruleLetter))
        .isTrue();
    assertThat(
            filter(Set.of(Reason.UNDECODABLE), Set.of(), Set.of(), null, null, Set.of(), null, null)
                .matches(ruleLetter))
        .isFalse();
    assertThat(
            filter(Set.of(), Set.of("currency.allowed"), Set.of(), null, null, Set.of(), null, null)
                .matches(ruleLetter))
        .isTrue();
    assertThat(
            filter(Set.of(), Set.of("amount.min"), Set.of(), null, null, Set.of(), null, null)
                .matches(ruleLetter))
        .isFalse();
    assertThat(
            filter(Set.of(), Set.of(), Set.of(5, 6), null, null, Set.of(), null, null)
                .matches(ruleLetter))
        .isTrue();
    assertThat(
            filter(Set.of(), Set.of(), Set.of(6), null, null, Set.of(), null, null)
                .matches(ruleLetter))
        .isFalse();
  }

  @Test
  void shouldSelectByFailureTimeWithInclusiveSinceAndExclusiveUntil() {
    Instant at = Instant.parse("2026-11-26T10:00:00Z");
    assertThat(
            filter(Set.of(), Set.of(), Set.of(), at, null, Set.of(), null, null)
                .matches(ruleLetter))
        .isTrue();
    assertThat(
            filter(Set.of(), Set.of(), Set.of(), null, at, Set.of(), null, null)
                .matches(ruleLetter))
        .isFalse();
    assertThat(
            filter(Set.of(), Set.of(), Set.of(), null, at.plusMillis(1), Set.of(), null, null)
                .matches(ruleLetter))
        .isTrue();
  }

  @Test
  void shouldSelectByPartitionAndOffsetRange() {
    assertThat(
            filter(Set.of(), Set.of(), Set.of(), null, null, Set.of(1), 10L, 10L)
                .matches(ruleLetter))
        .isTrue();
    assertThat(
            filter(Set.of(), Set.of(), Set.of(), null, null, Set.of(0), null, null)
                .matches(ruleLetter))
        .isFalse();
    assertThat(
            filter(Set.of(), Set.of(), Set.of(), null, null, Set.of(), 11L, null)
                .matches(ruleLetter))
        .isFalse();
    assertThat(
            filter(Set.of(), Set.of(), Set.of(), null, null, Set.of(), null, 9L)
                .matches(ruleLetter))
        .isFalse();
  }

  @Test
  void shouldNotMatchSchemaIdFilterWhenRecordHadNoHeader() {
    ConsumerRecord<byte[], byte[]> noId =
        letter(0, 0, Reason.NOT_WIRE_FORMAT, List.of(), -1, "2026-11-26T10:00:00Z");

    assertThat(
            filter(Set.of(), Set.of(), Set.of(1), null, null, Set.of(), null, null).matches(noId))
        .isFalse();
  }
}

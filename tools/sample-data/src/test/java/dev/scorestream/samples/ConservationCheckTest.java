package dev.scorestream.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.deadletter.DeadLetterHeaders;
import dev.scorestream.schemas.Reason;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The judge of the demo and the container tests: it must pass a run that conserved every event with
 * its expected outcome, and name each way a run can fail.
 */
class ConservationCheckTest {

  static final String PREDICTIONS = "events.predictions";
  static final String DLQ = "events.dlq";

  final ConservationCheck check = new ConservationCheck(PREDICTIONS);
  final SampleTraffic.Event valid = event(0, SampleTraffic.Kind.VALID, "a");
  final SampleTraffic.Event truncated = event(1, SampleTraffic.Kind.TRUNCATED, "b");
  final SampleTraffic.Event rule = event(2, SampleTraffic.Kind.RULE_VIOLATION, "c");

  @BeforeEach
  void produce() {
    check.produced(valid);
    check.produced(truncated);
    check.produced(rule);
  }

  @Test
  void shouldPassARunThatConservedEveryEventWithItsOutcome() {
    check.consumed(prediction(valid));
    check.consumed(deadLetter(truncated, Reason.UNDECODABLE, truncated.value()));
    check.consumed(deadLetter(rule, Reason.RULE_VIOLATION, rule.value()));

    assertThat(check.problems()).isEmpty();
    assertThat(check.in()).isEqualTo(3);
    assertThat(check.out()).isEqualTo(3);
    assertThat(check.predictions()).isEqualTo(1);
    assertThat(check.deadLetters()).isEqualTo(2);
    assertThat(check.expectedPredictions()).isEqualTo(1);
    assertThat(check.actualByReason())
        .isEqualTo(Map.of(Reason.UNDECODABLE, 1L, Reason.RULE_VIOLATION, 1L))
        .isEqualTo(check.expectedByReason());
  }

  @Test
  void shouldNameAnEventThatNeverCameOut() {
    check.consumed(prediction(valid));
    check.consumed(deadLetter(truncated, Reason.UNDECODABLE, truncated.value()));

    assertThat(check.problems())
        .contains("predictions + dead letters = 2, produced 3")
        .anyMatch(p -> p.startsWith("dead letters by reason"));
  }

  @Test
  void shouldNameAnEventThatCameOutTwice() {
    check.consumed(prediction(valid));
    check.consumed(prediction(valid));
    check.consumed(deadLetter(truncated, Reason.UNDECODABLE, truncated.value()));
    check.consumed(deadLetter(rule, Reason.RULE_VIOLATION, rule.value()));

    assertThat(check.problems()).contains("1 events came out more than once");
  }

  @Test
  void shouldNameAnOutputNobodyProduced() {
    check.consumed(prediction(valid));
    check.consumed(deadLetter(truncated, Reason.UNDECODABLE, truncated.value()));
    check.consumed(deadLetter(rule, Reason.RULE_VIOLATION, rule.value()));
    check.consumed(prediction(event(9, SampleTraffic.Kind.VALID, "stranger")));

    assertThat(check.problems()).containsExactly("1 output records match no produced event");
  }

  @Test
  void shouldNameADeadLetterThatLostItsOriginalBytes() {
    check.consumed(prediction(valid));
    check.consumed(deadLetter(truncated, Reason.UNDECODABLE, new byte[] {0, 0}));
    check.consumed(deadLetter(rule, Reason.RULE_VIOLATION, rule.value()));

    assertThat(check.problems()).containsExactly("1 dead letters do not carry the original bytes");
  }

  @Test
  void shouldNameAWrongOutcome() {
    check.consumed(deadLetter(valid, Reason.SCORING_ERROR, valid.value()));
    check.consumed(prediction(truncated));
    check.consumed(deadLetter(rule, Reason.NOT_WIRE_FORMAT, rule.value()));

    assertThat(check.problems())
        .contains("3 events had an outcome other than expected")
        .anyMatch(p -> p.startsWith("dead letters by reason"));
  }

  static SampleTraffic.Event event(int index, SampleTraffic.Kind kind, String key) {
    return new SampleTraffic.Event(
        index,
        kind,
        key.getBytes(StandardCharsets.UTF_8),
        ("value-" + key).getBytes(StandardCharsets.UTF_8),
        1_000L + index);
  }

  static ConsumerRecord<byte[], byte[]> prediction(SampleTraffic.Event event) {
    return new ConsumerRecord<>(PREDICTIONS, 0, event.index(), event.key(), new byte[] {1});
  }

  static ConsumerRecord<byte[], byte[]> deadLetter(
      SampleTraffic.Event event, Reason reason, byte[] value) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(DeadLetterHeaders.REASON, reason.name().getBytes(StandardCharsets.UTF_8));
    return new ConsumerRecord<>(
        DLQ,
        0,
        event.index(),
        event.timestamp(),
        TimestampType.CREATE_TIME,
        event.key().length,
        value.length,
        event.key(),
        value,
        headers,
        java.util.Optional.empty());
  }
}

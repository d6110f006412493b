package dev.scorestream.payments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scorestream.codec.DecodeResult;
import dev.scorestream.codec.WireFormatDecoder;
import dev.scorestream.registry.SchemaNotFoundException;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.schemas.Reason;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/**
 * Sample events as {@code scorer sample produce} sends them: malformed ones at the share asked for,
 * of every kind, each failing to decode the way its reason says; the same seed, the same events.
 */
class SampleEventsTest {

  static final Schema READER = Contracts.paymentEvent();
  static final int SCHEMA_ID = 7;
  static final long T0 = 1_764_000_000_000L;

  final WireFormatDecoder decoder =
      new WireFormatDecoder(
          READER,
          id -> {
            if (id != SCHEMA_ID) {
              throw new SchemaNotFoundException(id, "schema id " + id + " is not registered");
            }
            return READER;
          });

  @Test
  void shouldMixMalformedEventsAtTheShareEachFailingAsItsReasonSays() {
    SampleEvents events = new SampleEvents(READER, SCHEMA_ID, 0.3, 9);
    Map<Malformation, Integer> kinds = new EnumMap<>(Malformation.class);
    int valid = 0;
    for (int i = 0; i < 2000; i++) {
      SampleEvents.Event event = events.next(T0 + i);
      DecodeResult result = decoder.decode(event.value());
      assertThat(event.label()).isIn(PaymentGenerator.FRAUD, PaymentGenerator.LEGIT);
      if (event.malformation().isEmpty()) {
        valid++;
        assertThat(result).isInstanceOf(DecodeResult.Decoded.class);
        assertThat(((DecodeResult.Decoded) result).record().get("event_id"))
            .hasToString(new String(event.key(), StandardCharsets.UTF_8));
        continue;
      }
      Malformation malformation = event.malformation().get();
      kinds.merge(malformation, 1, Integer::sum);
      if (malformation.expected() == Reason.RULE_VIOLATION) {
        // decodes; the reader schema's rules refuse it afterwards
        assertThat(result).as(malformation.name()).isInstanceOf(DecodeResult.Decoded.class);
      } else {
        assertThat(result).as(malformation.name()).isInstanceOf(DecodeResult.Failed.class);
        assertThat(((DecodeResult.Failed) result).failure().name())
            .isEqualTo(malformation.expected().name());
      }
    }
    assertThat(2000 - valid).isBetween(510, 690);
    assertThat(kinds).containsOnlyKeys(Malformation.values());
  }

  @Test
  void shouldWriteTheSameEventsForTheSameSeed() {
    SampleEvents first = new SampleEvents(READER, SCHEMA_ID, 0.5, 3);
    SampleEvents second = new SampleEvents(READER, SCHEMA_ID, 0.5, 3);
    for (int i = 0; i < 100; i++) {
      SampleEvents.Event one = first.next(T0 + i);
      SampleEvents.Event other = second.next(T0 + i);
      assertThat(other.value()).isEqualTo(one.value());
      assertThat(other.key()).isEqualTo(one.key());
      assertThat(other.malformation()).isEqualTo(one.malformation());
    }
  }

  @Test
  void shouldRefuseAShareOutsideZeroToOne() {
    assertThatThrownBy(() -> new SampleEvents(READER, SCHEMA_ID, 1.5, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("between 0 and 1, got 1.5");
  }
}

package dev.scorestream.evolution;

import static dev.scorestream.evolution.TestSchemas.reader;
import static dev.scorestream.evolution.TestSchemas.readerWith;
import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.evolution.Compatibility.Level;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.Test;

class CompatibilityTest {

  private static final String HOUR = "{'name': 'hour_of_day', 'type': 'int'},";
  private static final String CHANNEL_SYMBOLS = "'symbols': ['POS', 'ECOM', 'ATM', 'MOTO']";

  @Test
  void shouldCallAnOptionalFieldOnBothSidesFull() {
    Schema next =
        readerWith(HOUR, HOUR + "{'name': 'device', 'type': ['null', 'string'], 'default': null},");

    assertThat(Level.between(reader(), next)).isEqualTo(Level.FULL);
  }

  @Test
  void shouldCallANewRequiredFieldForward() {
    // Old readers skip it; a reader on the new schema cannot read old data, which lacks it.
    Schema next = readerWith(HOUR, HOUR + "{'name': 'device', 'type': 'string'},");

    assertThat(Level.between(reader(), next)).isEqualTo(Level.FORWARD);
  }

  @Test
  void shouldCallADroppedRequiredFieldBackward() {
    Schema next = readerWith(HOUR, "");

    assertThat(Level.between(reader(), next)).isEqualTo(Level.BACKWARD);
  }

  @Test
  void shouldCallAnIncompatibleRetypeNone() {
    Schema next = readerWith(HOUR, "{'name': 'hour_of_day', 'type': 'string'},");

    assertThat(Level.between(reader(), next)).isEqualTo(Level.NONE);
  }

  @Test
  void shouldDecodeSomeEventsWhenOnlyAnUnknownSymbolFailsAlthoughAvroSaysIncompatible() {
    Schema writer =
        readerWith(CHANNEL_SYMBOLS, "'symbols': ['POS', 'ECOM', 'ATM', 'MOTO', 'WALLET']");

    Compatibility compatibility = Compatibility.of(reader(), Optional.of(reader()), writer);

    assertThat(compatibility.decodability()).isEqualTo(Decodability.SOME_EVENTS);
    assertThat(compatibility.avro()).isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
    assertThat(compatibility.incompatibilities())
        .singleElement()
        .asString()
        .startsWith("MISSING_ENUM_SYMBOLS at /fields/2/type/symbols");
    assertThat(compatibility.withReader()).isEqualTo(Level.BACKWARD);
    assertThat(compatibility.withPrevious()).contains(Level.BACKWARD);
  }

  @Test
  void shouldDecodeNoEventWhenARequiredFieldIsMissing() {
    Schema writer = readerWith(HOUR, "");

    assertThat(Compatibility.of(reader(), Optional.empty(), writer))
        .satisfies(
            c -> {
              assertThat(c.decodability()).isEqualTo(Decodability.NO_EVENTS);
              assertThat(c.withPrevious()).isEmpty();
            });
  }

  @Test
  void shouldReadARecordOfAnotherNameOnlyThroughAReaderAlias() {
    Schema writer =
        TestSchemas.parse(
            "{'type': 'record', 'name': 'Payment', 'namespace': 'old', 'fields': ["
                + "{'name': 'amount', 'type': 'double'}]}");
    Schema reader = TestSchemas.record("{'name': 'amount', 'type': 'double'}");
    Schema aliased =
        TestSchemas.parse(
            "{'type': 'record', 'name': 'PaymentEvent', 'aliases': ['old.Payment'], 'fields': ["
                + "{'name': 'amount', 'type': 'double'}]}");

    assertThat(Decodability.of(writer, reader)).isEqualTo(Decodability.NO_EVENTS);
    assertThat(Decodability.of(writer, aliased)).isEqualTo(Decodability.ALL_EVENTS);
  }
}

package dev.scorestream.evolution;

import static dev.scorestream.evolution.TestSchemas.reader;
import static dev.scorestream.evolution.TestSchemas.readerWith;
import static org.assertj.core.api.Assertions.assertThat;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class DefaultedFieldsTest {

  @Test
  void shouldListTheReaderFieldsTheWriterLacksInReaderOrder() {
    Schema writer =
        TestSchemas.record(
            """
            {'name': 'event_id', 'type': 'string'},
            {'name': 'channel', 'type': {'type': 'enum', 'name': 'Channel',
              'symbols': ['POS', 'ECOM', 'ATM', 'MOTO']}},
            {'name': 'card_present', 'type': 'boolean'},
            {'name': 'hour_of_day', 'type': 'int'}
            """);

    assertThat(DefaultedFields.of(writer, reader())).containsExactly("amount", "customer_id");
  }

  @Test
  void shouldListNothingWhenTheWriterHasEveryField() {
    assertThat(DefaultedFields.of(reader(), reader())).isEmpty();
  }

  @Test
  void shouldListNothingWhenARequiredFieldIsMissingSinceNothingDecodes() {
    Schema writer = readerWith("{'name': 'hour_of_day', 'type': 'int'},", "");

    assertThat(DefaultedFields.of(writer, reader())).isEmpty();
  }
}

package dev.scorestream.evolution;

import static dev.scorestream.evolution.TestSchemas.reader;
import static dev.scorestream.evolution.TestSchemas.readerWith;
import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.evolution.SchemaPairs.Mutation;
import dev.scorestream.evolution.SchemaPairs.Pair;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/**
 * The proposed reader reads the new writer's events and the old reader's, keeps every field under
 * its name, and changes nothing it need not change.
 */
class ReaderProposalTest {

  static final String AMOUNT = "{'name': 'amount', 'type': 'double', 'default': 0},";
  static final String CARD = "{'name': 'card_present', 'type': 'boolean'},";
  static final String SYMBOLS = "'symbols': ['POS', 'ECOM', 'ATM', 'MOTO']";

  @Provide
  Arbitrary<Pair> pairs() {
    // A retyped field is the one change no reader can absorb; the proposal notes it instead.
    return SchemaPairs.pairs()
        .filter(pair -> pair.fields().stream().noneMatch(f -> f.mutation() == Mutation.RETYPE));
  }

  @Property(tries = 300)
  void shouldReadBothTheNewWritersAndTheOldReadersRecords(@ForAll("pairs") Pair pair) {
    Schema proposed = ReaderProposal.of(pair.reader(), pair.writer()).reader();

    assertThat(Decodability.of(pair.writer(), proposed)).isEqualTo(Decodability.ALL_EVENTS);
    assertThat(Decodability.of(pair.reader(), proposed)).isEqualTo(Decodability.ALL_EVENTS);
    assertThat(AvroSamples.decodeAs(pair.writer(), proposed, 20, 1)).isEmpty();
    assertThat(AvroSamples.decodeAs(pair.reader(), proposed, 20, 2)).isEmpty();
    assertThat(proposed.getFields().subList(0, pair.reader().getFields().size()))
        .extracting(Schema.Field::name)
        .containsExactlyElementsOf(
            pair.reader().getFields().stream().map(Schema.Field::name).toList());
  }

  @Test
  void shouldAliasAFieldTheWriterRenamedAndDefaultOneItDropped() {
    Schema writer =
        TestSchemas.record(
            TestSchemas.READER_FIELDS
                .replace(AMOUNT, "{'name': 'amount_eur', 'type': 'double', 'aliases': ['amount']},")
                .replace(CARD, ""));

    ReaderProposal proposal = ReaderProposal.of(reader(), writer);

    Schema.Field amount = proposal.reader().getField("amount");
    assertThat(amount.aliases()).containsExactly("amount_eur");
    Schema.Field card = proposal.reader().getField("card_present");
    assertThat(card.hasDefaultValue()).isTrue();
    assertThat(TypeNames.of(card.schema())).isEqualTo("[null, boolean]");
    assertThat(Decodability.of(writer, proposal.reader())).isEqualTo(Decodability.ALL_EVENTS);
    assertThat(proposal.notes())
        .anyMatch(n -> n.startsWith("amount: the writer calls it amount_eur"))
        .anyMatch(n -> n.startsWith("card_present: the writer dropped it and it had no default"));
  }

  @Test
  void shouldAddTheWritersNewFieldsAsOptionalNonFeaturesAndItsEnumSymbols() {
    Schema writer =
        readerWith(
            SYMBOLS,
            "'symbols': ['POS', 'ECOM', 'ATM', 'MOTO', 'WALLET']}},\n"
                + "      {'name': 'device', 'type': {'type': 'enum', 'name': 'Device',"
                + " 'symbols': ['PHONE', 'CARD']");

    ReaderProposal proposal = ReaderProposal.of(reader(), writer);

    Schema.Field device = proposal.reader().getField("device");
    assertThat(device.getObjectProp("feature")).isEqualTo(false);
    assertThat(device.defaultVal()).isEqualTo(org.apache.avro.JsonProperties.NULL_VALUE);
    assertThat(proposal.reader().getField("channel").schema().getEnumSymbols())
        .containsExactly("POS", "ECOM", "ATM", "MOTO", "WALLET");
    assertThat(Decodability.of(writer, proposal.reader())).isEqualTo(Decodability.ALL_EVENTS);
    assertThat(Compatibility.Level.between(reader(), proposal.reader()))
        .isIn(Compatibility.Level.BACKWARD, Compatibility.Level.FULL);
  }

  @Test
  void shouldLeaveAnIncompatibleTypeAloneAndSaySo() {
    Schema writer =
        readerWith(
            "{'name': 'hour_of_day', 'type': 'int'}", "{'name': 'hour_of_day', 'type': 'string'}");

    ReaderProposal proposal = ReaderProposal.of(reader(), writer);

    assertThat(proposal.reader().getField("hour_of_day").schema().getType())
        .isEqualTo(Schema.Type.INT);
    assertThat(proposal.notes()).anyMatch(n -> n.contains("INCOMPATIBLE_SCHEMA dead letters"));
    assertThat(Decodability.of(writer, proposal.reader())).isEqualTo(Decodability.NO_EVENTS);
  }
}

package dev.scorestream.evolution;

import static dev.scorestream.evolution.TestSchemas.reader;
import static dev.scorestream.evolution.TestSchemas.readerWith;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class SchemaDiffTest {

  private static final String AMOUNT = "{'name': 'amount', 'type': 'double', 'default': 0},";
  private static final String CHANNEL_SYMBOLS = "'symbols': ['POS', 'ECOM', 'ATM', 'MOTO']";
  private static final String HOUR = "{'name': 'hour_of_day', 'type': 'int'},";

  @Test
  void shouldReportNothingForTheReaderItself() {
    assertThat(SchemaDiff.againstReader(reader(), reader())).isEmpty();
  }

  @Test
  void shouldReportAWriterOnlyFieldAsAddedAndIgnored() {
    Schema writer = readerWith(HOUR, HOUR + "{'name': 'device_id', 'type': 'string'},");

    assertThat(SchemaDiff.againstReader(writer, reader()))
        .containsExactly(change("device_id", ChangeKind.ADDED_IGNORED, "-", "string"));
  }

  @Test
  void shouldReportARemovedFieldWithTheReaderDefaultItWillCarry() {
    Schema writer = readerWith(AMOUNT, "");

    assertThat(SchemaDiff.againstReader(writer, reader()))
        .containsExactly(change("amount", ChangeKind.REMOVED_READER_DEFAULT, "-", "0.0"));
  }

  @Test
  void shouldRejectEveryEventWhenARemovedFieldHasNoReaderDefault() {
    Schema writer = readerWith(HOUR, "");

    assertThat(SchemaDiff.againstReader(writer, reader()))
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.kind()).isEqualTo(ChangeKind.REMOVED_NO_DEFAULT);
              assertThat(c.rejection()).isEqualTo(Rejection.EVERY_VALUE);
            });
  }

  @Test
  void shouldMatchARenamedFieldThroughTheReadersAlias() {
    Schema reader = readerWith(AMOUNT, "{'name': 'amount', 'type': 'double', 'aliases': ['amt']},");
    Schema writer = readerWith(AMOUNT, "{'name': 'amt', 'type': 'double'},");

    assertThat(SchemaDiff.againstReader(writer, reader))
        .containsExactly(change("amount", ChangeKind.RENAMED_THROUGH_ALIAS, "amt", "amount"));
  }

  @Test
  void shouldNotMatchThroughAWriterAliasBecauseAvroReadsOnlyReaderAliases() {
    Schema writer = readerWith(AMOUNT, "{'name': 'amt', 'type': 'double', 'aliases': ['amount']},");

    assertThat(SchemaDiff.againstReader(writer, reader()))
        .extracting(FieldChange::kind)
        .containsExactly(ChangeKind.REMOVED_READER_DEFAULT, ChangeKind.ADDED_IGNORED);
    assertThat(SchemaDiff.sincePrevious(reader(), writer))
        .extracting(FieldChange::kind)
        .containsExactly(ChangeKind.RENAMED_THROUGH_ALIAS);
  }

  @Test
  void shouldReportAPromotionAvroPerforms() {
    Schema writer = readerWith(AMOUNT, "{'name': 'amount', 'type': 'float', 'default': 0},");

    assertThat(SchemaDiff.againstReader(writer, reader()))
        .containsExactly(change("amount", ChangeKind.TYPE_PROMOTED, "float", "double"));
  }

  @Test
  void shouldRejectEveryValueOfAnIncompatibleType() {
    Schema writer = readerWith(HOUR, "{'name': 'hour_of_day', 'type': 'string'},");

    assertThat(SchemaDiff.againstReader(writer, reader()))
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.kind()).isEqualTo(ChangeKind.TYPE_INCOMPATIBLE);
              assertThat(c.from()).isEqualTo("string");
              assertThat(c.rejection()).isEqualTo(Rejection.EVERY_VALUE);
            });
  }

  @Test
  void shouldRejectOnlyNullsWhenTheWriterMakesARequiredFieldNullable() {
    Schema writer = readerWith(HOUR, "{'name': 'hour_of_day', 'type': ['null', 'int']},");

    assertThat(SchemaDiff.againstReader(writer, reader()))
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.kind()).isEqualTo(ChangeKind.NULLABLE_CHANGED);
              assertThat(c.from()).isEqualTo("[null, int]");
              assertThat(c.rejection())
                  .isEqualTo(new Rejection(Rejection.Scope.WRITER_BRANCHES, List.of("null")));
            });
  }

  @Test
  void shouldRejectNothingWhenOnlyTheReaderIsNullable() {
    Schema writer =
        readerWith(
            "{'name': 'customer_id', 'type': ['null', 'string'], 'default': null, 'feature':"
                + " false}",
            "{'name': 'customer_id', 'type': 'string'}");

    assertThat(SchemaDiff.againstReader(writer, reader()))
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.kind()).isEqualTo(ChangeKind.NULLABLE_CHANGED);
              assertThat(c.rejection()).isEqualTo(Rejection.NONE);
            });
  }

  @Test
  void shouldReadNewSymbolsAsTheReadersDefaultSymbol() {
    Schema reader = readerWith(CHANNEL_SYMBOLS, CHANNEL_SYMBOLS + ", 'default': 'POS'");
    Schema writer =
        readerWith(CHANNEL_SYMBOLS, "'symbols': ['POS', 'ECOM', 'ATM', 'MOTO', 'WALLET']");

    assertThat(SchemaDiff.againstReader(writer, reader))
        .containsExactly(
            new FieldChange(
                "channel",
                ChangeKind.ENUM_SYMBOLS_ADDED,
                "-",
                "POS",
                List.of("WALLET"),
                Rejection.NONE));
  }

  @Test
  void shouldRejectNewSymbolsWhenTheReaderHasNoDefaultSymbol() {
    Schema writer =
        readerWith(CHANNEL_SYMBOLS, "'symbols': ['POS', 'ECOM', 'ATM', 'MOTO', 'WALLET']");

    assertThat(SchemaDiff.againstReader(writer, reader()))
        .singleElement()
        .satisfies(
            c ->
                assertThat(c.rejection())
                    .isEqualTo(new Rejection(Rejection.Scope.ENUM_SYMBOLS, List.of("WALLET"))));
  }

  @Test
  void shouldReportSymbolsTheWriterNoLongerHas() {
    Schema writer = readerWith(CHANNEL_SYMBOLS, "'symbols': ['POS', 'ECOM']");

    assertThat(SchemaDiff.againstReader(writer, reader()))
        .containsExactly(
            new FieldChange(
                "channel",
                ChangeKind.ENUM_SYMBOLS_REMOVED,
                "-",
                "-",
                List.of("ATM", "MOTO"),
                Rejection.NONE));
  }

  @Test
  void shouldReportAnotherLogicalTypeOnTheSameUnderlyingType() {
    Schema reader =
        TestSchemas.record(
            "{'name': 'at', 'type': {'type': 'long', 'logicalType': 'timestamp-millis'}}");
    Schema writer =
        TestSchemas.record(
            "{'name': 'at', 'type': {'type': 'long', 'logicalType': 'timestamp-micros'}}");

    assertThat(SchemaDiff.againstReader(writer, reader))
        .containsExactly(
            change("at", ChangeKind.LOGICAL_TYPE_CHANGED, "timestamp-micros", "timestamp-millis"));
  }

  @Test
  void shouldReportADifferentDefault() {
    Schema writer = readerWith(AMOUNT, "{'name': 'amount', 'type': 'double', 'default': -1},");

    assertThat(SchemaDiff.againstReader(writer, reader()))
        .containsExactly(change("amount", ChangeKind.DEFAULT_CHANGED, "-1.0", "0.0"));
  }

  @Test
  void shouldNotTakeAnIntegerDefaultForAnotherValueThanTheSameDouble() {
    Schema writer = readerWith(AMOUNT, "{'name': 'amount', 'type': 'double', 'default': 0.0},");

    assertThat(SchemaDiff.againstReader(writer, reader())).isEmpty();
  }

  @Test
  void shouldCompareNestedRecordsArraysAndMapsByPath() {
    Schema reader =
        TestSchemas.record(
            """
            {'name': 'address', 'type': {'type': 'record', 'name': 'Address', 'fields': [
              {'name': 'zip', 'type': 'string'}]}},
            {'name': 'tags', 'type': {'type': 'array', 'items': 'long'}},
            {'name': 'attributes', 'type': {'type': 'map', 'values': 'string'}}
            """);
    Schema writer =
        TestSchemas.record(
            """
            {'name': 'address', 'type': {'type': 'record', 'name': 'Address', 'fields': [
              {'name': 'zip', 'type': 'int'}]}},
            {'name': 'tags', 'type': {'type': 'array', 'items': 'int'}},
            {'name': 'attributes', 'type': {'type': 'map', 'values': ['null', 'string']}}
            """);

    assertThat(SchemaDiff.againstReader(writer, reader))
        .extracting(c -> c.field() + " " + c.kind() + " " + c.rejection().scope())
        .containsExactly(
            "address.zip TYPE_INCOMPATIBLE EVERY_VALUE",
            "tags[] TYPE_PROMOTED NONE",
            "attributes{} NULLABLE_CHANGED WRITER_BRANCHES");
  }

  @Test
  void shouldRefuseARecordOfAnotherNameAsTheDecoderDoes() {
    Schema writer =
        TestSchemas.parse(
            "{'type': 'record', 'name': 'Payment', 'fields': [{'name': 'amount', 'type':"
                + " 'double'}]}");

    assertThat(SchemaDiff.againstReader(writer, reader()).get(0))
        .isEqualTo(
            new FieldChange(
                "",
                ChangeKind.TYPE_INCOMPATIBLE,
                "Payment",
                "dev.scorestream.avro.PaymentEvent",
                List.of(),
                Rejection.EVERY_VALUE));
  }

  @Test
  void shouldDescribeANewVersionFromThePreviousOnesPointOfView() {
    Schema next =
        readerWith(
            HOUR,
            "{'name': 'hour', 'type': 'long', 'aliases': ['hour_of_day']},"
                + "{'name': 'device_id', 'type': ['null', 'string'], 'default': null},");

    assertThat(SchemaDiff.sincePrevious(reader(), next))
        .extracting(c -> c.field() + " " + c.kind())
        .containsExactly(
            "hour_of_day RENAMED_THROUGH_ALIAS",
            "hour_of_day TYPE_PROMOTED",
            "device_id ADDED_IGNORED");
  }

  private static FieldChange change(String field, ChangeKind kind, String from, String to) {
    return new FieldChange(field, kind, from, to, List.of(), Rejection.NONE);
  }
}

package dev.scorestream.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scorestream.payments.PaymentGenerator;
import dev.scorestream.schemas.Contracts;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;
import org.junit.jupiter.api.Test;

class RecordValidatorTest {

  static final Schema SCHEMA = Contracts.paymentEvent();
  final RecordValidator validator = RecordValidator.forSchema(SCHEMA);

  GenericRecord valid() {
    return new PaymentGenerator(SCHEMA, 3).next(1_700_000_000_000L).record();
  }

  static List<String> ids(List<Violation> violations) {
    return violations.stream().map(Violation::ruleId).toList();
  }

  @Test
  void shouldAcceptGeneratedPayments() {
    PaymentGenerator generator = new PaymentGenerator(SCHEMA, 5);
    for (int i = 0; i < 1000; i++) {
      assertThat(validator.sanitizeAndValidate(generator.next(1_700_000_000_000L).record()))
          .isEmpty();
    }
  }

  @Test
  void shouldTrimAndCaseFoldBeforeCheckingAllowedValues() {
    GenericRecord record = valid();
    record.put("currency", "  usd\t");
    record.put("merchant_category", " Grocery ");

    assertThat(validator.sanitizeAndValidate(record)).isEmpty();
    assertThat(record.get("currency")).isEqualTo("USD");
    assertThat(record.get("merchant_category")).isEqualTo("grocery");
  }

  @Test
  void shouldRefuseStringsThatAreNotUtf8WhetherOrNotTheFieldDeclaresRules() {
    Schema schema =
        new Schema.Parser()
            .parse(
                """
                {"type": "record", "name": "Note", "fields": [
                  {"name": "id", "type": "string", "rules": {"required": true}},
                  {"name": "note", "type": ["null", "string"], "default": null},
                  {"name": "code", "type": "string", "sanitize": {"trim": true, "case": "upper"}}]}
                """);
    GenericRecord record = new GenericData.Record(schema);
    // Avro hands strings over as raw Utf8 bytes; new String(...) would turn these into U+FFFD.
    record.put("id", new Utf8(new byte[] {'e', 'v', (byte) 0xC3, '1'}));
    record.put("note", new Utf8(new byte[] {(byte) 0xFF, 'C', '1'}));
    record.put("code", new Utf8(" usd ".getBytes(StandardCharsets.UTF_8)));

    List<Violation> violations = RecordValidator.forSchema(schema).sanitizeAndValidate(record);

    assertThat(ids(violations)).containsExactly("id.utf8", "note.utf8");
    assertThat(record.get("code").toString()).as("valid text is still sanitized").isEqualTo("USD");
  }

  @Test
  void shouldClampOnlyWhereDeclared() {
    GenericRecord record = valid();
    record.put("account_age_days", 50_000);
    record.put("hour_of_day", 30);

    assertThat(ids(validator.sanitizeAndValidate(record))).containsExactly("hour_of_day.max");
    assertThat(record.get("account_age_days")).isEqualTo(36_500);
  }

  @Test
  void shouldReportEveryViolationInFieldOrder() {
    GenericRecord record = valid();
    record.put("event_id", "   ");
    record.put("customer_id", null);
    record.put("amount", -1.0);
    record.put("currency", "XXX");
    record.put("country", "DEU");
    record.put("event_time", 5L);

    assertThat(ids(validator.sanitizeAndValidate(record)))
        .containsExactly(
            "event_id.required",
            "event_id.minLength",
            "customer_id.required",
            "amount.min",
            "currency.allowed",
            "country.maxLength",
            "event_time.min");
  }

  @Test
  void shouldReportNonFiniteOnceWithoutRangeNoise() {
    GenericRecord record = valid();
    record.put("amount", Double.POSITIVE_INFINITY);

    List<Violation> violations = validator.sanitizeAndValidate(record);

    assertThat(ids(violations)).containsExactly("amount.finite");
    assertThat(violations.get(0).message()).contains("Infinity");
  }

  @Test
  void shouldFailRangeForNaNWhenFiniteIsNotDeclared() {
    Schema schema =
        new Schema.Parser()
            .parse(
                """
        {"type":"record","name":"R","fields":[{"name":"x","type":"double","rules":{"min":0,"max":1}}]}""");
    GenericRecord record = new GenericData.Record(schema);
    record.put("x", Double.NaN);

    assertThat(ids(RecordValidator.forSchema(schema).sanitizeAndValidate(record)))
        .containsExactly("x.min", "x.max");
  }

  @Test
  void shouldRefuseUnknownRuleNamingTheField() {
    Schema schema =
        new Schema.Parser()
            .parse(
                """
        {"type":"record","name":"R","fields":[{"name":"amount","type":"double","rules":{"mni":0}}]}""");

    assertThatThrownBy(() -> RecordValidator.forSchema(schema))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'amount'")
        .hasMessageContaining("mni");
  }

  @Test
  void shouldRefuseRuleThatDoesNotFitTheType() {
    Schema schema =
        new Schema.Parser()
            .parse(
                """
        {"type":"record","name":"R","fields":[{"name":"name","type":"string","rules":{"min":0}}]}""");

    assertThatThrownBy(() -> RecordValidator.forSchema(schema))
        .hasMessageContaining("'name'")
        .hasMessageContaining("does not apply");
  }

  @Test
  void shouldRefuseMinAboveMax() {
    Schema schema =
        new Schema.Parser()
            .parse(
                """
        {"type":"record","name":"R","fields":[{"name":"n","type":"int","rules":{"min":5,"max":1}}]}""");

    assertThatThrownBy(() -> RecordValidator.forSchema(schema))
        .hasMessageContaining("greater than max");
  }
}

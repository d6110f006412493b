package dev.scorestream.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scorestream.schemas.Contracts;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class FieldContractTest {

  static final Schema OPTIONAL =
      new Schema.Parser()
          .parse(
              """
              {"type": "record", "name": "Visit", "fields": [
                {"name": "id", "type": "string", "rules": {"required": true, "maxLength": 8}},
                {"name": "referrer", "type": ["null", "string"], "default": null,
                 "rules": {"minLength": 2, "maxLength": 12}, "sanitize": {"trim": true, "case": "lower"}},
                {"name": "pages", "type": "int", "default": 1, "rules": {"min": 1, "max": 500}},
                {"name": "plan", "type": "string", "rules": {"allowed": ["free", "pro"]}}]}
              """);

  @Test
  void shouldReadRulesSanitationAndNullabilityOfTheSampleSchema() {
    RecordValidator validator = RecordValidator.forSchema(Contracts.paymentEvent());

    FieldContract customer = validator.contract("customer_id");
    assertThat(customer.type()).isEqualTo(Schema.Type.STRING);
    assertThat(customer.nullable()).as("a [null, string] union").isTrue();
    assertThat(customer.required()).as("required by rule although nullable").isTrue();
    assertThat(customer.hasDefault()).isTrue();
    assertThat(customer.defaultValue()).isNull();
    assertThat(customer.trim()).isTrue();
    assertThat(customer.caseFold()).isEqualTo(FieldContract.Case.NONE);
    assertThat(customer.minLength()).isEqualTo(1);
    assertThat(customer.maxLength()).isEqualTo(64);

    FieldContract currency = validator.contract("currency");
    assertThat(currency.allowed()).containsExactly("EUR", "USD", "GBP", "CHF", "JPY", "SEK", "PLN");
    assertThat(currency.caseFold()).isEqualTo(FieldContract.Case.UPPER);
    assertThat(currency.sanitizesText()).isTrue();

    FieldContract amount = validator.contract("amount");
    assertThat(amount.type()).isEqualTo(Schema.Type.DOUBLE);
    assertThat(amount.nullable()).isFalse();
    assertThat(amount.hasDefault()).isFalse();
    assertThat(amount.min()).isEqualTo(0.0);
    assertThat(amount.max()).isEqualTo(100_000.0);
    assertThat(amount.allowed()).isNull();
    assertThat(amount.sanitizesText()).isFalse();

    assertThat(validator.contract("channel").type()).isEqualTo(Schema.Type.ENUM);
    assertThat(validator.contract("card_present").required())
        .as("a field without rules still has a contract")
        .isFalse();
  }

  @Test
  void shouldGiveTheDefaultAsTheValueARecordHolds() {
    RecordValidator validator = RecordValidator.forSchema(OPTIONAL);

    FieldContract pages = validator.contract("pages");
    assertThat(pages.hasDefault()).isTrue();
    assertThat(pages.defaultValue()).isEqualTo(1);
    assertThat(pages.required()).isFalse();

    FieldContract referrer = validator.contract("referrer");
    assertThat(referrer.nullable()).isTrue();
    assertThat(referrer.required()).isFalse();
    assertThat(referrer.caseFold()).isEqualTo(FieldContract.Case.LOWER);
    assertThat(referrer.minLength()).isEqualTo(2);

    assertThat(validator.contract("id").hasDefault()).isFalse();
    assertThat(validator.contract("id").defaultValue()).isNull();
  }

  @Test
  void shouldNameTheMissingField() {
    RecordValidator validator = RecordValidator.forSchema(OPTIONAL);

    assertThatThrownBy(() -> validator.contract("referer"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the reader schema Visit has no field 'referer'");
  }

  @Test
  void shouldReturnAnAllowedSetThatCannotBeChanged() {
    FieldContract plan = RecordValidator.forSchema(OPTIONAL).contract("plan");

    assertThat(plan.allowed()).containsExactly("free", "pro");
    assertThatThrownBy(() -> plan.allowed().add("team"))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}

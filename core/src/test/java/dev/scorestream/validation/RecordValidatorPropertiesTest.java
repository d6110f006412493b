package dev.scorestream.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.payments.PaymentGenerator;
import dev.scorestream.schemas.Contracts;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * Whatever the values, validation answers with violations (never an exception) and names real
 * rules.
 */
class RecordValidatorPropertiesTest {

  static final Schema SCHEMA = Contracts.paymentEvent();
  final RecordValidator validator = RecordValidator.forSchema(SCHEMA);

  @Property(tries = 2000)
  void anyValuesGiveViolationsOfDeclaredRules(
      @ForAll double amount,
      @ForAll int hour,
      @ForAll int age,
      @ForAll String currency,
      @ForAll String country,
      @ForAll @IntRange(min = 0, max = 1000) int seed) {
    GenericRecord record = new PaymentGenerator(SCHEMA, seed).next(1_700_000_000_000L).record();
    record.put("amount", amount);
    record.put("hour_of_day", hour);
    record.put("account_age_days", age);
    record.put("currency", currency);
    record.put("country", country);

    List<Violation> violations = validator.sanitizeAndValidate(record);

    assertThat(violations).allSatisfy(v -> assertThat(v.ruleId()).matches("[a-z_]+\\.[A-Za-z]+"));
    boolean amountOk = Double.isFinite(amount) && amount >= 0 && amount <= 100_000;
    assertThat(violations.stream().anyMatch(v -> v.ruleId().startsWith("amount.")))
        .isEqualTo(!amountOk);
    assertThat((int) record.get("account_age_days")).isBetween(0, 36_500);
    assertThat(violations.stream().anyMatch(v -> v.ruleId().startsWith("hour_of_day.")))
        .isEqualTo(hour < 0 || hour > 23);
  }
}

package dev.scorestream.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scorestream.schemas.Contracts;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureSpecTest {

  static final Schema READER = Contracts.paymentEvent();
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  static FeatureSpec spec(String json) throws Exception {
    return FeatureSpec.parse(JSON.readTree(json), READER);
  }

  static GenericRecord payment(Double amount, String channel, Boolean cardPresent, Integer age) {
    GenericRecord record = new GenericData.Record(READER);
    record.put("amount", amount);
    record.put(
        "channel",
        channel == null
            ? null
            : new GenericData.EnumSymbol(READER.getField("channel").schema(), channel));
    record.put("card_present", cardPresent);
    record.put("account_age_days", age);
    return record;
  }

  @Test
  void shouldLayOutColumnsInSpecOrderWithOneHotGroups() throws Exception {
    FeatureSpec spec =
        spec(
            "{\"columns\": [{\"field\": \"amount\", \"missing\": 0},"
                + " {\"field\": \"channel\", \"one_hot\": [\"POS\", \"ECOM\"]},"
                + " {\"field\": \"card_present\", \"name\": \"present\"},"
                + " {\"field\": \"account_age_days\"}]}");

    assertThat(spec.columnNames())
        .containsExactly("amount", "channel=POS", "channel=ECOM", "present", "account_age_days");
    assertThat(spec.vector(payment(12.5, "ECOM", true, 30)))
        .containsExactly(12.5, 0.0, 1.0, 1.0, 30.0);
    // a value outside the vocabulary: 0 in every column of the group
    assertThat(spec.vector(payment(12.5, "ATM", false, 30)))
        .containsExactly(12.5, 0.0, 0.0, 0.0, 30.0);
  }

  @Test
  void shouldGiveMissingValuesTheirDeclaredDefaultOrNaN() throws Exception {
    FeatureSpec spec =
        spec(
            "{\"columns\": [{\"field\": \"amount\", \"missing\": -1},"
                + " {\"field\": \"channel\", \"one_hot\": [\"POS\"], \"missing\": \"NaN\"},"
                + " {\"field\": \"account_age_days\"}]}");

    double[] row = spec.vector(payment(Double.NaN, null, null, null));

    assertThat(row[0]).isEqualTo(-1.0);
    assertThat(row[1]).isNaN();
    assertThat(row[2]).isNaN();
  }

  @Test
  void shouldNameTheColumnAndTheProblemOfABadSpec() throws Exception {
    assertBad("{}", "needs \"columns\"");
    assertBad(
        "{\"columns\": [{\"field\": \"amount\"}, {\"field\": \"colour\"}]}",
        "column 2: the reader schema dev.scorestream.avro.PaymentEvent has no field 'colour'");
    assertBad(
        "{\"columns\": [{\"field\": \"country\"}]}",
        "column 1 (country): a STRING field is not a number; give its values with \"one_hot\"");
    assertBad(
        "{\"columns\": [{\"field\": \"amount\", \"one_hot\": [\"1\"]}]}",
        "column 1 (amount): one_hot needs a string or enum field");
    assertBad(
        "{\"columns\": [{\"field\": \"channel\", \"one_hot\": [\"POS\", \"POS\"]}]}",
        "one_hot values must be distinct strings");
    assertBad(
        "{\"columns\": [{\"field\": \"amount\"}, {\"field\": \"amount\"}]}",
        "column 2 (amount): column 'amount' twice");
    assertBad(
        "{\"columns\": [{\"field\": \"amount\", \"missing\": \"none\"}]}",
        "\"missing\" must be a number or \"NaN\"");
  }

  void assertBad(String json, String message) {
    assertThatThrownBy(() -> spec(json))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void shouldNameTheFileOfABadSpec() throws Exception {
    Path file = dir.resolve("features.json");
    Files.writeString(file, "{\"columns\": [");

    assertThatThrownBy(() -> FeatureSpec.read(file, READER))
        .hasMessageStartingWith("feature spec " + file + " is not valid JSON");
  }
}

package dev.scorestream.enrichment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scorestream.schemas.Contracts;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnrichmentSpecTest {

  static final Schema READER = Contracts.paymentEvent();
  static final ObjectMapper JSON = new ObjectMapper();

  static final String CUSTOMERS =
      """
      {"references": [
        {"table": "customers", "key": "customer_id",
         "fields": [
           {"name": "segment", "type": "string", "default": "unknown"},
           {"name": "chargebacks_90d", "type": "int", "default": 0}]}
      ]}
      """;

  static EnrichmentSpec parse(String json) throws Exception {
    return EnrichmentSpec.parse(JSON.readTree(json), READER);
  }

  @Test
  void shouldAddEachFieldAndAMissingFlagAfterTheReaderFields() throws Exception {
    EnrichmentSpec spec = parse(CUSTOMERS);

    Schema enriched = spec.enrichedSchema();
    assertThat(enriched.getFields().subList(0, READER.getFields().size()))
        .extracting(Schema.Field::name)
        .containsExactlyElementsOf(READER.getFields().stream().map(Schema.Field::name).toList());
    assertThat(enriched.getFields().subList(READER.getFields().size(), enriched.getFields().size()))
        .extracting(f -> f.name() + ":" + f.schema().getType())
        .containsExactly(
            "customers_segment:STRING",
            "customers_chargebacks_90d:INT",
            "customers_missing:BOOLEAN");
    EnrichmentSpec.Reference customers = spec.references().get(0);
    assertThat(customers.topic()).as("the topic defaults to the table").isEqualTo("customers");
    assertThat(customers.required()).isFalse();
    assertThat(customers.store()).isEqualTo("reference-customers");
    assertThat(customers.fields().get(1).defaultValue()).isEqualTo(0);
  }

  @Test
  void shouldNameTheFileTheReferenceAndTheProblem(@TempDir Path dir) throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("enrichment.json"), CUSTOMERS.replace("customer_id", "card_id"));
    assertThatThrownBy(() -> EnrichmentSpec.read(file, READER))
        .hasMessageContaining(file.toString())
        .hasMessageContaining("reference 'customers'")
        .hasMessageContaining("key 'card_id' is not a field of PaymentEvent");

    assertThatThrownBy(
            () ->
                parse(
                    CUSTOMERS.replace("\"int\", \"default\": 0", "\"int\", \"default\": \"none\"")))
        .hasMessageContaining("field 'chargebacks_90d' has default \"none\", not a INT");
    assertThatThrownBy(() -> parse(CUSTOMERS.replace("\"string\"", "\"date\"")))
        .hasMessageContaining("field 'segment' has type 'date'");
    assertThatThrownBy(() -> parse(CUSTOMERS.replace("customer_id", "amount")))
        .hasMessageContaining("key 'amount' is a DOUBLE");
    assertThatThrownBy(() -> parse(CUSTOMERS.replace(", \"default\": \"unknown\"", "")))
        .hasMessageContaining("field 'segment' needs a \"default\"");
    assertThatThrownBy(() -> parse("{\"references\": []}")).hasMessageContaining("at least one");
    String twice =
        CUSTOMERS.replace(
            "]}\n]}",
            "]},\n"
                + CUSTOMERS.substring(CUSTOMERS.indexOf("{\"table\""), CUSTOMERS.lastIndexOf("]}"))
                + "]}");
    assertThatThrownBy(() -> parse(twice))
        .hasMessageContaining("table 'customers' is declared twice");
  }

  static final String CUSTOMER_ACTIVITY =
      """
      {"entity": {"name": "customer", "key": "customer_id", "windows": ["1h", "1m"],
        "grace": "30s", "max_events": 50,
        "features": ["count", "sum(amount)", "mean(amount)", "max(amount)",
                     "distinct(merchant_category)", "since_previous"]}}
      """;

  @Test
  void shouldAddEachEntityFeatureWindowByWindowAfterTheReferences() throws Exception {
    EnrichmentSpec spec =
        parse(
            """
            {"references": [
              {"table": "customers", "key": "customer_id",
               "fields": [
                 {"name": "segment", "type": "string", "default": "unknown"},
                 {"name": "chargebacks_90d", "type": "int", "default": 0}]}],
             "entity": {"name": "customer", "key": "customer_id", "windows": ["1h", "1m"],
               "grace": "30s",
               "features": ["count", "sum(amount)", "mean(amount)", "max(amount)",
                            "distinct(merchant_category)", "since_previous"]}}
            """);

    Schema enriched = spec.enrichedSchema();
    assertThat(enriched.getFields().subList(READER.getFields().size(), enriched.getFields().size()))
        .extracting(f -> f.name() + ":" + f.schema().getType() + "=" + f.defaultVal())
        .containsExactly(
            "customers_segment:STRING=unknown",
            "customers_chargebacks_90d:INT=0",
            "customers_missing:BOOLEAN=true",
            "customer_count_1m:DOUBLE=0.0",
            "customer_count_1h:DOUBLE=0.0",
            "customer_sum_amount_1m:DOUBLE=0.0",
            "customer_sum_amount_1h:DOUBLE=0.0",
            "customer_mean_amount_1m:DOUBLE=0.0",
            "customer_mean_amount_1h:DOUBLE=0.0",
            "customer_max_amount_1m:DOUBLE=0.0",
            "customer_max_amount_1h:DOUBLE=0.0",
            "customer_distinct_merchant_category_1m:DOUBLE=0.0",
            "customer_distinct_merchant_category_1h:DOUBLE=0.0",
            "customer_since_previous_s:DOUBLE=-1.0");
    EnrichmentSpec.Entity customer = spec.entity().orElseThrow();
    assertThat(customer.windows())
        .as("windows sorted by length")
        .extracting(EnrichmentSpec.Window::label)
        .containsExactly("1m", "1h");
    assertThat(customer.horizon()).isEqualTo(java.time.Duration.ofSeconds(3630));
    assertThat(customer.keyedInput()).as("repartition unless told otherwise").isFalse();
    assertThat(customer.store()).isEqualTo("entity-customer");
    assertThat(customer.numericFields()).containsExactly("amount");
    assertThat(customer.categoricalFields()).containsExactly("merchant_category");
    assertThat(parse(CUSTOMER_ACTIVITY).references()).as("an entity alone is a spec").isEmpty();
  }

  @Test
  void shouldNameTheEntityAndTheFeatureThatIsWrong() {
    assertThatThrownBy(() -> parse(CUSTOMER_ACTIVITY.replace("sum(amount)", "sum(channel)")))
        .hasMessageContaining("entity 'customer': sum(channel): 'channel' is a ENUM, not a number");
    assertThatThrownBy(() -> parse(CUSTOMER_ACTIVITY.replace("sum(amount)", "median(amount)")))
        .hasMessageContaining("feature \"median(amount)\" is not one of count, sum(field)");
    assertThatThrownBy(() -> parse(CUSTOMER_ACTIVITY.replace("sum(amount)", "sum(fee)")))
        .hasMessageContaining("'fee' is not a field of PaymentEvent");
    assertThatThrownBy(() -> parse(CUSTOMER_ACTIVITY.replace("\"1m\"", "\"a minute\"")))
        .hasMessageContaining("window \"a minute\" is not a duration");
    assertThatThrownBy(() -> parse(CUSTOMER_ACTIVITY.replace("\"1h\"", "\"60s\"")))
        .hasMessageContaining("window 1m is declared twice");
    assertThatThrownBy(() -> parse(CUSTOMER_ACTIVITY.replace("\"30s\"", "\"soon\"")))
        .hasMessageContaining("entity 'customer': grace: expected a duration");
    assertThatThrownBy(() -> parse(CUSTOMER_ACTIVITY.replace("customer_id", "amount")))
        .hasMessageContaining("key 'amount' is a DOUBLE");
    assertThatThrownBy(() -> parse(CUSTOMER_ACTIVITY.replace("50", "0")))
        .hasMessageContaining("\"max_events\" is a whole number of at least 1");
    assertThatThrownBy(
            () -> parse(CUSTOMER_ACTIVITY.replace("\"count\", ", "\"count\", \"count\", ")))
        .hasMessageContaining("feature \"count\" is declared twice");
    assertThatThrownBy(() -> parse("{}")).hasMessageContaining("or {\"entity\": { ... }}");
  }
}

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
}

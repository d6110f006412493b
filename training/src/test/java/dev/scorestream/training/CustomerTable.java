package dev.scorestream.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scorestream.codec.WireFormatEncoder;
import dev.scorestream.enrichment.Enricher;
import dev.scorestream.enrichment.EnrichmentSpec;
import dev.scorestream.features.FeatureExtractor;
import dev.scorestream.model.ModelArtifact;
import dev.scorestream.model.ReferenceModels;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.schemas.LabelledRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * A {@code customers} reference table for tests: its producer's schema, the enrichment spec that
 * joins it onto payments by {@code customer_id}, and a model that learned its lesson: payments of
 * customers in the {@code risky} segment are fraud.
 */
public final class CustomerTable {

  /** What the customers topic's producer writes: more than the spec reads, in another order. */
  public static final Schema CUSTOMER =
      SchemaBuilder.record("Customer")
          .namespace("crm")
          .fields()
          .requiredString("name")
          .optionalInt("chargebacks_90d")
          .requiredString("segment")
          .endRecord();

  private static final String SPEC =
      """
      {"references": [
        {"table": "customers", "topic": "%s", "key": "customer_id", "required": %s,
         "fields": [
           {"name": "segment", "type": "string", "default": "unknown"},
           {"name": "chargebacks_90d", "type": "int", "default": 0}]}
      ]}
      """;

  private CustomerTable() {}

  /** The spec's JSON, reading table {@code customers} from {@code topic}. */
  public static String json(String topic, boolean required) {
    return SPEC.formatted(topic, required);
  }

  public static EnrichmentSpec spec(String topic, boolean required) {
    try {
      return EnrichmentSpec.parse(
          new ObjectMapper().readTree(json(topic, required)), Contracts.paymentEvent());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A row in the wire format of {@code encoder} (a {@link #CUSTOMER} encoder). */
  public static byte[] row(WireFormatEncoder encoder, String segment, Integer chargebacks) {
    GenericRecord row = new GenericData.Record(CUSTOMER);
    row.put("name", "n");
    row.put("segment", segment);
    row.put("chargebacks_90d", chargebacks);
    return encoder.encode(row);
  }

  /**
   * A logistic regression on 3,000 enriched payments whose label is their customer's segment: risky
   * customers' payments are fraud; a tenth of the customers have no row (legit).
   */
  public static ModelArtifact model(String version) {
    EnrichmentSpec spec = spec("customers", false);
    Map<String, byte[]> table = new HashMap<>();
    WireFormatEncoder encoder = new WireFormatEncoder(CUSTOMER, 1);
    Enricher enricher =
        new Enricher(
            spec,
            Contracts.paymentEvent().getFields().size(),
            id -> CUSTOMER,
            Enricher.Listener.NONE);
    List<LabelledRecord> rows = new ArrayList<>();
    int i = 0;
    for (LabelledRecord payment : TestModels.payments(3000, 5)) {
      String id = "c" + i;
      boolean risky = i % 2 == 0;
      boolean missing = i % 10 == 9;
      if (!missing) {
        table.put(id, row(encoder, risky ? "risky" : "standard", risky ? 4 : 0));
      }
      payment.record().put("customer_id", id);
      Enricher.Result enriched =
          enricher.enrich(
              payment.record(),
              0L,
              (reference, key) -> table.get(new String(key, StandardCharsets.UTF_8)));
      rows.add(
          new LabelledRecord(
              ((Enricher.Enriched) enriched).record(), risky && !missing ? "FRAUD" : "LEGIT"));
      i++;
    }
    return new ModelTrainer(
            FeatureExtractor.forSchema(spec.enrichedSchema()),
            Clock.fixed(ReferenceModels.TRAINED_AT, ZoneOffset.UTC))
        .train(
            rows,
            new ModelTrainer.Options("fraud", version, TrainerKind.LOGISTIC, 0.2, 5, "label"),
            line -> {});
  }
}

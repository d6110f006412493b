package dev.scorestream.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scorestream.enrichment.Enricher;
import dev.scorestream.enrichment.EnrichmentSpec;
import dev.scorestream.enrichment.InMemoryContext;
import dev.scorestream.features.FeatureExtractor;
import dev.scorestream.model.ModelArtifact;
import dev.scorestream.model.ReferenceModels;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.schemas.LabelledRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.generic.GenericRecord;

/**
 * A customer's recent payments as features, for tests: the enrichment spec (counts, sums and maxima
 * of {@code amount} over 1 minute and 1 hour, distinct merchant categories, seconds since the
 * previous payment, by {@code customer_id}), and a model that learned card testing: a payment with
 * at least two others of its customer in the minute before is fraud.
 */
public final class CustomerActivity {

  private static final String SPEC =
      """
      {"entity": {"name": "customer", "key": "customer_id", "keyed_input": %s,
        "windows": ["1m", "1h"], "grace": "2m",
        "features": ["count", "sum(amount)", "max(amount)", "distinct(merchant_category)",
                     "since_previous"]}}
      """;

  private CustomerActivity() {}

  public static String json(boolean keyedInput) {
    return SPEC.formatted(keyedInput);
  }

  public static EnrichmentSpec spec(boolean keyedInput) {
    try {
      return EnrichmentSpec.parse(
          new ObjectMapper().readTree(json(keyedInput)), Contracts.paymentEvent());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A logistic regression on 3,000 payments of 300 customers, enriched by the stream's own code:
   * half the customers pay in bursts (ten payments five seconds apart), half every ten minutes; a
   * payment with two or more in the minute before is fraud.
   */
  public static ModelArtifact model(String version) {
    EnrichmentSpec spec = spec(false);
    Enricher enricher =
        new Enricher(
            spec,
            Contracts.paymentEvent().getFields().size(),
            id -> {
              throw new AssertionError("no reference tables");
            },
            Enricher.Listener.NONE);
    InMemoryContext context = new InMemoryContext();
    List<LabelledRecord> rows = new ArrayList<>();
    List<LabelledRecord> payments = TestModels.payments(3000, 7);
    for (int i = 0; i < payments.size(); i++) {
      int customer = i / 10;
      boolean bursts = customer % 2 == 0;
      long time = 1_000_000_000L + customer * 86_400_000L + (i % 10) * (bursts ? 5_000 : 600_000);
      payments.get(i).record().put("customer_id", "c" + customer);
      GenericRecord enriched =
          ((Enricher.Enriched) enricher.enrich(payments.get(i).record(), time, context)).record();
      double recent = (Double) enriched.get("customer_count_1m");
      rows.add(new LabelledRecord(enriched, recent >= 2 ? "FRAUD" : "LEGIT"));
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

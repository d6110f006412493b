package dev.scorestream.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.codec.WriterCounts;
import dev.scorestream.evolution.SchemaChangeAnalysis;
import dev.scorestream.evolution.SchemaChangeRecords;
import dev.scorestream.evolution.SchemaChangeReport;
import dev.scorestream.evolution.ServingModel;
import dev.scorestream.features.FeatureExtractor;
import dev.scorestream.model.ModelScorer;
import dev.scorestream.samples.SampleSchemas;
import dev.scorestream.serving.ActiveModel;
import dev.scorestream.serving.ServingModels;
import dev.scorestream.training.TestModels;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/**
 * The meters the ScorerModelInputDegraded alert and the schema-change panels read: the share of
 * events carrying a field as its default comes from counting events per writer schema.
 */
class SchemaChangeMetricsTest {

  static final Schema READER = SampleSchemas.tolerantReader();
  static final Schema WITHOUT_CARD_PRESENT = SampleSchemas.without(READER, "card_present");

  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final ActiveModel model = new ActiveModel(new ModelScorer(TestModels.logistic()));
  final SchemaChangeMetrics metrics =
      new SchemaChangeMetrics(
          registry,
          READER,
          () -> ServingModels.of(model, FeatureExtractor.forSchema(READER), null),
          0.05);

  @Test
  void shouldCountEventsWithAFieldAtItsDefaultFromTheEventsPerWriterSchema() {
    WriterCounts usage = metrics.usage();
    LongAdder full = usage.counter(1, READER, READER);
    LongAdder dropped = usage.counter(2, WITHOUT_CARD_PRESENT, READER);
    full.add(60);
    dropped.add(40);
    usage.counter(2, WITHOUT_CARD_PRESENT, READER).add(20); // another task's decoder, same id

    assertThat(registry.get("scorer.schema.decoded.events").functionCounter().count())
        .isEqualTo(120);
    assertThat(defaulted("card_present")).isEqualTo(60);
    assertThat(defaulted("amount")).isZero();
    assertThat(registry.get("scorer.schema.degraded.share.threshold").gauge().value())
        .isEqualTo(0.05);
  }

  @Test
  void shouldSayWhichFieldsTheServingModelReads() {
    assertThat(input("card_present")).isEqualTo(1);
    assertThat(input("channel")).isEqualTo(1);
    assertThat(input("event_id")).as("marked feature: false").isZero();
    assertThat(input("customer_id")).isZero();
  }

  @Test
  void shouldCountReportsByDecodabilityImpactAndFinderAndShowThePending() {
    List<ServingModel> models = ServingModels.of(model, FeatureExtractor.forSchema(READER), null);
    SchemaChangeReport report =
        SchemaChangeAnalysis.analyze(READER, Optional.of(READER), WITHOUT_CARD_PRESENT, models);

    metrics.reported(report, detection(SchemaChangeRecords.Source.REGISTRY_POLL));
    metrics.pending(3);

    assertThat(
            registry
                .get("scorer.schema.changes")
                .tag("decodability", "ALL_EVENTS")
                .tag("impact", "affected")
                .tag("detected.by", "registry_poll")
                .counter()
                .count())
        .isEqualTo(1);
    assertThat(registry.get("scorer.schema.changes").counters()).hasSize(12);
    assertThat(registry.get("scorer.schema.analysis.pending").gauge().value()).isEqualTo(3);
  }

  private double defaulted(String field) {
    return registry
        .get("scorer.schema.defaulted.events")
        .tag("field", field)
        .functionCounter()
        .count();
  }

  private double input(String field) {
    return registry
        .get("scorer.model.input.field")
        .tag("field", field)
        .tag("role", "champion")
        .gauge()
        .value();
  }

  private static SchemaChangeRecords.Detection detection(SchemaChangeRecords.Source source) {
    return new SchemaChangeRecords.Detection(
        "events-value", 2, 2, 1, "events", source, Instant.EPOCH, null, "scorer-0", "dev", "f");
  }
}

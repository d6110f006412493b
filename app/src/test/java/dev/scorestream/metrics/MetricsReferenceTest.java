package dev.scorestream.metrics;

import static dev.scorestream.topology.TopologyFixture.NOW;
import static dev.scorestream.topology.TopologyFixture.READER;
import static dev.scorestream.topology.TopologyFixture.READER_ID;
import static dev.scorestream.topology.TopologyFixture.key;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scorestream.codec.WireFormatEncoder;
import dev.scorestream.enrichment.EnrichmentSpec;
import dev.scorestream.features.FeatureExtractor;
import dev.scorestream.inference.InferenceException;
import dev.scorestream.inference.InferenceListener;
import dev.scorestream.model.ModelScorer;
import dev.scorestream.payments.PaymentGenerator;
import dev.scorestream.registry.RegistrySettings;
import dev.scorestream.registry.SchemaRegistryClient;
import dev.scorestream.retraining.RetrainingPolicy;
import dev.scorestream.serving.ActiveModel;
import dev.scorestream.serving.Health;
import dev.scorestream.serving.ServingModels;
import dev.scorestream.testkit.GeneratedDocs;
import dev.scorestream.topology.TopologyFixture;
import dev.scorestream.training.TestModels;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.BytesSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * docs/metrics.md: every meter of {@code scorer run} and {@code scorer retrain}, read from a
 * Prometheus scrape of registries the app's metric classes filled as the app does, with records
 * through the topology and one of each event that registers a meter when it first happens.
 */
class MetricsReferenceTest {

  static final Path PAGE = Path.of("..", "docs", "metrics.md");

  static final String ENRICHMENT =
      """
      {"references": [{"table": "customers", "key": "customer_id",
        "fields": [{"name": "segment", "type": "string", "default": "unknown"}]}],
       "entity": {"name": "card", "key": "customer_id", "windows": ["1h"], "grace": "5m",
        "max_events": 100, "features": ["count", "sum(amount)"]}}
      """;

  /** The scorer's registry, filled in the order the app's start-up fills it. */
  static PrometheusMeterRegistry scorer() throws Exception {
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    PipelineMetrics metrics = new PipelineMetrics(meters);
    metrics.bindEnrichment(EnrichmentSpec.parse(new ObjectMapper().readTree(ENRICHMENT), READER));
    // A challenger too, so that the role labels show both values.
    ActiveModel model =
        new ActiveModel(
            new ModelScorer(TestModels.logistic()), new ModelScorer(TestModels.logistic()));
    new SchemaChangeMetrics(
            meters,
            READER,
            () -> ServingModels.of(model, FeatureExtractor.forSchema(READER), null),
            0.05)
        .refreshModelInputs();
    metrics.bindAnalytics(List.of("amount", "country"));
    metrics
        .bindApplication(
            model,
            new SchemaRegistryClient(RegistrySettings.of("http://127.0.0.1:1")),
            new Health(),
            () -> true)
        .bindPipeline(() -> true, () -> true, () -> false);
    InferenceListener inference = metrics.inferenceListener();
    try (TopologyTestDriver driver = new TopologyFixture(TestModels.logistic()).driver(metrics)) {
      TestInputTopic<Bytes, byte[]> events =
          driver.createInputTopic("events", new BytesSerializer(), new ByteArraySerializer());
      long time = NOW.toEpochMilli() - 250;
      byte[] valid =
          new WireFormatEncoder(READER, READER_ID)
              .encode(new PaymentGenerator(READER, 11).next(time).record());
      events.pipeInput(new TestRecord<>(key("a"), valid, new RecordHeaders(), time));
      events.pipeInput(
          new TestRecord<>(
              key("b"), "{}".getBytes(StandardCharsets.UTF_8), new RecordHeaders(), time));
    }
    // Meters registered when their event first happens.
    for (InferenceException.Kind kind : InferenceException.Kind.values()) {
      inference.answered(InferenceListener.GRPC, InferenceListener.outcome(kind), 0, 1_000);
    }
    metrics.deadLetterDegraded(List.of("stacktrace"));
    metrics.outputSkipped("feedback_snapshot");
    metrics.stateRestored("feedback-predictions", 1, Duration.ofMillis(3));
    return meters;
  }

  /** The retraining controller's registry. */
  static PrometheusMeterRegistry retrain() {
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new RetrainingMetrics(
        meters,
        RetrainingPolicy.parse(
            "{\"version\": 1, \"model\": \"fraud\", \"triggers\": {\"manualOnly\": true}}",
            "policy.json"),
        Clock.fixed(NOW, ZoneOffset.UTC));
    return meters;
  }

  static String generated() throws Exception {
    return "## `scorer run`\n\n"
        + PrometheusReference.table(PrometheusReference.families(scorer().scrape(), "scorer_"))
        + "\n## `scorer retrain`\n\n"
        + PrometheusReference.table(PrometheusReference.families(retrain().scrape(), "scorer_"));
  }

  @Test
  void shouldMatchTheGeneratedMetricsReference() throws Exception {
    GeneratedDocs.check(PAGE, "scorer metrics", generated(), "app", "MetricsReferenceTest");
  }

  @Test
  void shouldDescribeEveryMeterAndListEachOnce() throws Exception {
    for (PrometheusMeterRegistry meters : List.of(scorer(), retrain())) {
      List<PrometheusReference.Family> families =
          PrometheusReference.families(meters.scrape(), "scorer_");
      assertThat(families).isNotEmpty();
      assertThat(families)
          .allSatisfy(family -> assertThat(family.help()).as(family.name()).isNotBlank());
      assertThat(families.stream().map(PrometheusReference.Family::name)).doesNotHaveDuplicates();
      meters
          .getMeters()
          .forEach(
              meter ->
                  assertThat(meter.getId().getDescription())
                      .as(meter.getId().getName())
                      .isNotBlank());
    }
    assertThat(generated())
        .contains(
            "| `scorer_records_total` | counter | `outcome`: dead_letter, prediction; `reason`: ")
        .contains("`scorer_state_restored_records_total`")
        .contains("`scorer_retrain_leader`");
  }
}

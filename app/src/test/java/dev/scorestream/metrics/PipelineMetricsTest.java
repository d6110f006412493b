package dev.scorestream.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.drift.DriftReports;
import dev.scorestream.drift.DriftStatus;
import dev.scorestream.drift.FeatureDrift;
import dev.scorestream.model.ModelScorer;
import dev.scorestream.registry.RegistrySettings;
import dev.scorestream.registry.SchemaRegistryClient;
import dev.scorestream.schemas.Reason;
import dev.scorestream.serving.ActiveModel;
import dev.scorestream.serving.Health;
import dev.scorestream.topology.OutcomeListener;
import dev.scorestream.training.TestModels;
import dev.scorestream.training.TrainerKind;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class PipelineMetricsTest {

  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final PipelineMetrics metrics = new PipelineMetrics(registry);

  @Test
  void shouldCountOutcomesByReasonAndTimeScoredRecords() {
    metrics.scored(2_000_000, 15);
    metrics.scored(1_000_000, 25);
    metrics.rejected(Reason.RULE_VIOLATION);

    assertThat(registry.get("scorer.records").tag("outcome", "prediction").counter().count())
        .isEqualTo(2);
    assertThat(registry.get("scorer.records").tag("reason", "RULE_VIOLATION").counter().count())
        .isEqualTo(1);
    assertThat(registry.get("scorer.records").tag("reason", "UNDECODABLE").counter().count())
        .isZero();
    assertThat(registry.get("scorer.scoring.latency").timer().count()).isEqualTo(2);
    assertThat(registry.get("scorer.end.to.end.latency").timer().max(TimeUnit.MILLISECONDS))
        .isEqualTo(25);
  }

  static FeatureDrift drift(String feature, DriftStatus status) {
    return new FeatureDrift(feature, 500, 0, 0, 0.3, 0.1, null, status);
  }

  double status(String feature, DriftStatus status) {
    return registry
        .get("scorer.drift.status")
        .tag("feature", feature)
        .tag("status", status.name())
        .gauge()
        .value();
  }

  @Test
  void shouldSummarizeMicroBatchesByWhatClosedThem() {
    metrics.batch(256, OutcomeListener.BatchTrigger.FULL);
    metrics.batch(256, OutcomeListener.BatchTrigger.FULL);
    metrics.batch(7, OutcomeListener.BatchTrigger.COMMIT);

    var full = registry.get("scorer.scoring.batch.records").tag("trigger", "full").summary();
    assertThat(full.count()).isEqualTo(2);
    assertThat(full.totalAmount()).isEqualTo(512);
    assertThat(
            registry.get("scorer.scoring.batch.records").tag("trigger", "commit").summary().max())
        .isEqualTo(7);
    assertThat(
            registry.get("scorer.scoring.batch.records").tag("trigger", "wait").summary().count())
        .as("every trigger is exported from the start")
        .isZero();
  }

  @Test
  void shouldExposeDriftStatusAsOneSeriesPerStateWithExactlyTheCurrentOneSet() {
    metrics.bindAnalytics(List.of("amount", "country"));
    assertThat(DriftStatus.values())
        .as("no state is set before the first window closes")
        .allSatisfy(state -> assertThat(status("amount", state)).isZero());

    metrics.drift(
        new DriftReports.Summary(
            0,
            "v1",
            1000,
            0,
            DriftStatus.ALERT,
            Map.of(
                "amount", drift("amount", DriftStatus.ALERT),
                "country", drift("country", DriftStatus.OK)),
            drift(PipelineMetrics.PREDICTION_FEATURE, DriftStatus.WARN)));

    assertThat(status("amount", DriftStatus.ALERT)).isEqualTo(1);
    assertThat(status("amount", DriftStatus.OK)).isZero();
    assertThat(status("country", DriftStatus.OK)).isEqualTo(1);
    assertThat(status("country", DriftStatus.ALERT)).isZero();
    assertThat(status(PipelineMetrics.PREDICTION_FEATURE, DriftStatus.WARN)).isEqualTo(1);
    for (String feature : List.of("amount", "country", PipelineMetrics.PREDICTION_FEATURE)) {
      assertThat(
              java.util.Arrays.stream(DriftStatus.values())
                  .mapToDouble(state -> status(feature, state))
                  .sum())
          .as("exactly one state of %s is set", feature)
          .isEqualTo(1);
    }
    assertThat(registry.get("scorer.drift.overall.status").tag("status", "ALERT").gauge().value())
        .isEqualTo(1);
  }

  @Test
  void shouldKeepReadinessGaugeAliveAcrossGarbageCollection() {
    ActiveModel model = new ActiveModel(new ModelScorer(TestModels.logistic()));
    AtomicBoolean up = new AtomicBoolean(true);
    // capturing, like the app's (streams, health): a fresh object only the meter would hold
    metrics.bindApplication(
        model,
        new SchemaRegistryClient(RegistrySettings.of("http://127.0.0.1:1")),
        new Health(),
        () -> up.get());

    for (int i = 0; i < 5; i++) {
      System.gc();
    }

    assertThat(registry.get("scorer.inference.ready").gauge().value()).isEqualTo(1.0);
    assertThat(registry.get("scorer.registry.reachable").gauge().value()).isEqualTo(1.0);
  }

  @Test
  void shouldPublishServingModelsAndFollowSwaps() {
    ActiveModel model = new ActiveModel(new ModelScorer(TestModels.logistic()));
    metrics.refreshModels(model);
    assertThat(
            registry
                .get("scorer.model.info")
                .tag("role", "champion")
                .tag("version", "test-v1")
                .gauge()
                .value())
        .isEqualTo(1);

    model.swap(new ModelScorer(TestModels.train("test-v9", TrainerKind.CART, 300, 1)));
    metrics.refreshModels(model);

    assertThat(registry.find("scorer.model.info").tag("version", "test-v1").gauge()).isNull();
    assertThat(registry.get("scorer.model.info").tag("version", "test-v9").gauge().value())
        .isEqualTo(1);
  }
}

package dev.scorestream.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.deadletter.Reason;
import dev.scorestream.model.ModelScorer;
import dev.scorestream.model.TestModels;
import dev.scorestream.model.TrainerKind;
import dev.scorestream.topology.ActiveModel;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PipelineMetricsTest {

  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final PipelineMetrics metrics = new PipelineMetrics(registry);

  @Test
  void shouldCountOutcomesByReasonAndTimeScoredRecords() {
    metrics.scored(2_000_000, 15);
    metrics.scored(1_000_000, 25);
    metrics.rejected(Reason.RULE_VIOLATION);

    assertThat(registry.get("scorer.records").tag("outcome", "prediction").counter().count()).isEqualTo(2);
    assertThat(registry.get("scorer.records").tag("reason", "RULE_VIOLATION").counter().count()).isEqualTo(1);
    assertThat(registry.get("scorer.records").tag("reason", "UNDECODABLE").counter().count()).isZero();
    assertThat(registry.get("scorer.scoring.latency").timer().count()).isEqualTo(2);
    assertThat(registry.get("scorer.end.to.end.latency").timer().max(TimeUnit.MILLISECONDS))
        .isEqualTo(25);
  }

  @Test
  void shouldPublishServingModelsAndFollowSwaps() {
    ActiveModel model = new ActiveModel(new ModelScorer(TestModels.logistic()));
    metrics.refreshModels(model);
    assertThat(registry.get("scorer.model.info").tag("role", "champion").tag("version", "test-v1").gauge().value())
        .isEqualTo(1);

    model.swap(new ModelScorer(TestModels.train("test-v9", TrainerKind.CART, 300, 1)));
    metrics.refreshModels(model);

    assertThat(registry.find("scorer.model.info").tag("version", "test-v1").gauge()).isNull();
    assertThat(registry.get("scorer.model.info").tag("version", "test-v9").gauge().value()).isEqualTo(1);
  }
}

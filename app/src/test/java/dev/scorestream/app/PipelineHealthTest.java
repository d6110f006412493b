package dev.scorestream.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.serving.Health;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

class PipelineHealthTest {

  final AtomicReference<KafkaStreams.State> state =
      new AtomicReference<>(KafkaStreams.State.RUNNING);
  final AtomicBoolean brokerAnswers = new AtomicBoolean(true);
  final AtomicLong processed = new AtomicLong();
  final double[] lag = {0};
  final Health registry = new Health();
  final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T10:00:00Z"));
  final long[] probeTimeout = {0};
  final PipelineHealth health =
      new PipelineHealth(
          new PipelineHealth.Signals(
              state::get,
              registry,
              timeout -> {
                probeTimeout[0] = timeout;
                return brokerAnswers.get();
              },
              () -> {},
              processed::get,
              () -> lag[0]),
          Duration.ofSeconds(10),
          Duration.ofMinutes(2),
          clock);

  @Test
  void shouldBeHealthyWhileRunningWithABrokerAndRegistry() {
    health.check();

    assertThat(health.healthy()).isTrue();
    assertThat(health.status().problems()).isEmpty();
    assertThat(probeTimeout[0]).as("half the interval").isEqualTo(5_000);
  }

  @Test
  void shouldNameTheBrokerFromTheFirstFailedProbeUntilItAnswersAgain() {
    brokerAnswers.set(false);
    health.check();

    PipelineHealth.Status down = health.status();
    assertThat(down.healthy()).isFalse();
    assertThat(down.brokerReachable()).isFalse();
    assertThat(down.brokerDownSince()).isEqualTo(clock.instant());
    assertThat(down.problems()).containsExactly("no Kafka broker answers since " + clock.instant());
    assertThat(down.streams()).isEqualTo("RUNNING");

    clock.advance(Duration.ofSeconds(10));
    health.check();
    assertThat(health.status().brokerDownSince())
        .as("the outage keeps its start")
        .isEqualTo(clock.instant().minusSeconds(10));

    brokerAnswers.set(true);
    health.check();
    assertThat(health.healthy()).isTrue();
    assertThat(health.brokerReachable()).isTrue();
  }

  @Test
  void shouldCountAStreamThatIsNotRunningOrAnUnreachableRegistry() {
    state.set(KafkaStreams.State.REBALANCING);
    assertThat(health.status().problems()).singleElement().asString().contains("rebalancing");
    state.set(KafkaStreams.State.ERROR);
    assertThat(health.status().problems()).containsExactly("Kafka Streams is ERROR");
    state.set(KafkaStreams.State.RUNNING);
    registry.registryDown(clock.instant());
    assertThat(health.status().problems())
        .singleElement()
        .asString()
        .startsWith("the schema registry does not answer");
  }

  @Test
  void shouldCallItStalledOnlyWhenInputWaitsAndNothingIsProcessedForTheTimeout() {
    lag[0] = 500;
    health.check();
    clock.advance(Duration.ofMinutes(1));
    health.check();
    assertThat(health.stalled()).isFalse();

    clock.advance(Duration.ofSeconds(61));
    health.check();
    assertThat(health.stalled()).isTrue();
    assertThat(health.status().problems())
        .containsExactly("input waits (lag 500) but nothing was processed for PT2M");

    processed.addAndGet(10);
    health.check();
    assertThat(health.stalled()).as("records processed again").isFalse();
  }

  @Test
  void shouldNeverCallAnIdleStreamStalled() {
    lag[0] = 0;
    health.check();
    clock.advance(Duration.ofHours(1));
    health.check();
    assertThat(health.stalled()).isFalse();

    lag[0] = Double.NaN; // no fetch yet
    clock.advance(Duration.ofHours(1));
    health.check();
    assertThat(health.stalled()).isFalse();
  }

  static final class MutableClock extends Clock {
    private Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}

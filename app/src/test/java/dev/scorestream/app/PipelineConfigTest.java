package dev.scorestream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scorestream.config.ScorerConfig;
import dev.scorestream.fixtures.Configs;
import dev.scorestream.registry.RegistrySettings;
import dev.scorestream.topology.ScoringTopology;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class PipelineConfigTest {

  static Map<String, Object> minimal() {
    return Configs.minimal();
  }

  @Test
  void shouldStopStartUpNamingTheKeyWhenRegistryCredentialsWouldTravelOverPlainHttp() {
    Map<String, Object> values = minimal();
    values.put(ScorerConfig.REGISTRY_BASIC_AUTH, "scorer:s3cret");
    values.put(ScorerConfig.REGISTRY_MAX_RESPONSE_BYTES, "65536");

    assertThatThrownBy(() -> PipelineConfig.registrySettings(ScorerConfig.of(values)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(ScorerConfig.REGISTRY_BASIC_AUTH + " is set but")
        .hasMessageContaining(ScorerConfig.REGISTRY_ALLOW_INSECURE_AUTH)
        .hasMessageNotContaining("s3cret");

    values.put(ScorerConfig.REGISTRY_ALLOW_INSECURE_AUTH, "true");
    RegistrySettings allowed = PipelineConfig.registrySettings(ScorerConfig.of(values));
    assertThat(allowed.allowInsecureAuth()).isTrue();
    assertThat(allowed.maxResponseBytes()).isEqualTo(65_536);
  }

  @Test
  void shouldBatchOnlyModelsThatGainByDefault() {
    assertThat(PipelineConfig.batching(ScorerConfig.of(minimal())))
        .isEqualTo(ScoringTopology.Batching.DEFAULT)
        .isEqualTo(
            new ScoringTopology.Batching(
                ScoringTopology.Batching.Mode.AUTO, 256, Duration.ofMillis(20)));
  }

  @Test
  void shouldReadTheBatchingKeys() {
    Map<String, Object> values = minimal();
    values.put(ScorerConfig.SCORING_BATCH, "on");
    values.put(ScorerConfig.SCORING_BATCH_MAX_RECORDS, "64");
    values.put(ScorerConfig.SCORING_BATCH_MAX_WAIT, "5ms");

    assertThat(PipelineConfig.batching(ScorerConfig.of(values)))
        .isEqualTo(
            new ScoringTopology.Batching(
                ScoringTopology.Batching.Mode.ON, 64, Duration.ofMillis(5)));
  }

  @Test
  void shouldNameTheBatchingKeyThatIsWrong() {
    Map<String, Object> mode = minimal();
    mode.put(ScorerConfig.SCORING_BATCH, "sometimes");
    assertThatThrownBy(() -> ScorerConfig.of(mode))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(ScorerConfig.SCORING_BATCH)
        .hasMessageContaining("sometimes");

    Map<String, Object> size = minimal();
    size.put(ScorerConfig.SCORING_BATCH_MAX_RECORDS, "0");
    assertThatThrownBy(() -> ScorerConfig.of(size))
        .hasMessageContaining(ScorerConfig.SCORING_BATCH_MAX_RECORDS);

    Map<String, Object> wait = minimal();
    wait.put(ScorerConfig.SCORING_BATCH_MAX_WAIT, "0ms");
    assertThatThrownBy(() -> ScorerConfig.of(wait))
        .hasMessageContaining(ScorerConfig.SCORING_BATCH_MAX_WAIT);
  }

  @Test
  void shouldWatchTheEventsTopicsSubjectUnlessOneIsNamed() {
    Map<String, Object> values = minimal();
    values.put(ScorerConfig.TOPIC_EVENTS, "payments");
    assertThat(PipelineConfig.eventsSubject(ScorerConfig.of(values))).isEqualTo("payments-value");

    values.put(ScorerConfig.SCHEMA_CHANGES_SUBJECT, "dev.scorestream.avro.PaymentEvent");
    assertThat(PipelineConfig.eventsSubject(ScorerConfig.of(values)))
        .isEqualTo("dev.scorestream.avro.PaymentEvent");
  }

  @Test
  void shouldPickUpRegistryAnswersEverySecondOrAsOftenAsItPolls() {
    assertThat(PipelineConfig.tick(Duration.ofMinutes(1))).isEqualTo(Duration.ofSeconds(1));
    assertThat(PipelineConfig.tick(Duration.ZERO)).isEqualTo(Duration.ofSeconds(1));
    assertThat(PipelineConfig.tick(Duration.ofMillis(300))).isEqualTo(Duration.ofMillis(300));
  }

  @Test
  void shouldRefuseAShareOutsideZeroToOneNamingTheKey() {
    Map<String, Object> values = minimal();
    values.put(ScorerConfig.SCHEMA_CHANGES_DEGRADED_SHARE, "1.5");
    assertThatThrownBy(() -> ScorerConfig.of(values))
        .hasMessageContaining(ScorerConfig.SCHEMA_CHANGES_DEGRADED_SHARE);
    Map<String, Object> poll = minimal();
    poll.put(ScorerConfig.SCHEMA_CHANGES_POLL_INTERVAL, "soon");
    assertThatThrownBy(() -> ScorerConfig.of(poll))
        .hasMessageContaining(ScorerConfig.SCHEMA_CHANGES_POLL_INTERVAL);
  }
}

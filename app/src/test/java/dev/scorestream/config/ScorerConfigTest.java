package dev.scorestream.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scorestream.app.StreamsProperties;
import dev.scorestream.fixtures.Configs;
import dev.scorestream.testkit.GeneratedDocs;
import dev.scorestream.topology.OutputFailureHandler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScorerConfigTest {

  @TempDir Path dir;

  static Map<String, Object> minimal() {
    return Configs.minimal();
  }

  @Test
  void shouldApplyDefaults() {
    ScorerConfig config = ScorerConfig.of(minimal());

    assertThat(config.getString(ScorerConfig.TOPIC_EVENTS)).isEqualTo("events");
    assertThat(config.getString(ScorerConfig.TOPIC_DLQ)).isEqualTo("events.dlq");
    assertThat(config.getString(ScorerConfig.PROCESSING_GUARANTEE)).isEqualTo("exactly_once_v2");
  }

  @Test
  void shouldNameTheKeyOfABadValue() {
    Map<String, Object> values = minimal();
    values.put(ScorerConfig.NUM_STREAM_THREADS, "zero");

    assertThatThrownBy(() -> ScorerConfig.of(values))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(ScorerConfig.NUM_STREAM_THREADS)
        .hasMessageContaining("zero");
  }

  @Test
  void shouldTakeHumanDurationsForEveryTimeKeyAndTheFormerMillisecondNames() {
    Map<String, Object> values = minimal();
    values.put(ScorerConfig.COMMIT_INTERVAL, "20ms");
    values.put(ScorerConfig.REGISTRY_OUTAGE_MAX_BLOCK, "2m");
    values.put("model.poll.interval.ms", "500");
    values.put("schema.registry.request.timeout.ms", 1500L);
    ScorerConfig config = ScorerConfig.of(values);

    assertThat(StreamsProperties.of(config).get("commit.interval.ms")).isEqualTo(20L);
    assertThat(config.getDuration(ScorerConfig.REGISTRY_OUTAGE_MAX_BLOCK)).hasMinutes(2);
    assertThat(config.getDuration(ScorerConfig.MODEL_POLL_INTERVAL)).hasMillis(500);
    assertThat(config.getDuration(ScorerConfig.REGISTRY_TIMEOUT)).hasMillis(1500);
    assertThat(
            ScorerConfig.DEFINITION.configKeys().values().stream()
                .filter(key -> key.name.endsWith(".ms") || key.name.endsWith("_ms"))
                .map(key -> key.name))
        .as("no key left that takes bare milliseconds")
        .isEmpty();
  }

  @Test
  void shouldRefuseAFormerNameBesideItsNewOneOrWithoutAWholeNumber() {
    Map<String, Object> both = minimal();
    both.put("commit.interval.ms", "20");
    both.put(ScorerConfig.COMMIT_INTERVAL, "30ms");
    assertThatThrownBy(() -> ScorerConfig.of(both))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("commit.interval.ms")
        .hasMessageContaining("not both");

    Map<String, Object> unit = minimal();
    unit.put("commit.interval.ms", "20s");
    assertThatThrownBy(() -> ScorerConfig.of(unit))
        .hasMessageContaining("commit.interval.ms")
        .hasMessageContaining("whole number of milliseconds");

    Map<String, Object> tooLong = minimal();
    tooLong.put(ScorerConfig.REGISTRY_OUTAGE_MAX_BLOCK, "5m");
    assertThatThrownBy(() -> ScorerConfig.of(tooLong))
        .hasMessageContaining(ScorerConfig.REGISTRY_OUTAGE_MAX_BLOCK)
        .hasMessageContaining("at most 240000 ms");
  }

  @Test
  void shouldNameAMissingRequiredKey() {
    Map<String, Object> values = minimal();
    values.remove(ScorerConfig.MODEL_DIR);

    assertThatThrownBy(() -> ScorerConfig.of(values)).hasMessageContaining(ScorerConfig.MODEL_DIR);
  }

  @Test
  void shouldRefuseRegistryUrlWithoutScheme() {
    Map<String, Object> values = minimal();
    values.put(ScorerConfig.REGISTRY_URL, "registry:8081");

    assertThatThrownBy(() -> ScorerConfig.of(values))
        .hasMessageContaining(ScorerConfig.REGISTRY_URL);
  }

  @Test
  void shouldRefuseUnknownProcessingGuarantee() {
    Map<String, Object> values = minimal();
    values.put(ScorerConfig.PROCESSING_GUARANTEE, "exactly_once");

    assertThatThrownBy(() -> ScorerConfig.of(values))
        .hasMessageContaining(ScorerConfig.PROCESSING_GUARANTEE);
  }

  @Test
  void shouldLetEnvironmentOverrideFileAndPassKafkaKeysThrough() throws IOException {
    Path file = dir.resolve("scorer.properties");
    Properties props = new Properties();
    minimal().forEach((k, v) -> props.setProperty(k, v.toString()));
    props.setProperty("topic.events", "from-file");
    try (var out = Files.newBufferedWriter(file)) {
      props.store(out, null);
    }

    ScorerConfig config =
        ScorerConfig.load(
            file,
            Map.of(
                "SCORER_TOPIC_EVENTS", "from-env",
                "SCORER_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "SCORER_KAFKA_SASL_JAAS_CONFIG", "secret-stuff",
                "KAFKA_PORT", "tcp://10.0.0.7:9092",
                "KAFKA_SERVICE_HOST", "10.0.0.7",
                "KAFKA_HEAP_OPTS", "-Xmx1g",
                "SCORER_SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO", "ops:pw",
                "PATH", "/usr/bin"));

    assertThat(config.getString(ScorerConfig.TOPIC_EVENTS)).isEqualTo("from-env");
    assertThat(StreamsProperties.of(config))
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("processing.guarantee", "exactly_once_v2");
    Map<String, String> described = config.describe();
    assertThat(described)
        .containsEntry("kafka.sasl.jaas.config", "[hidden]")
        .containsEntry(ScorerConfig.REGISTRY_BASIC_AUTH, "[hidden]")
        .containsEntry("kafka.security.protocol", "SASL_SSL");
    assertThat(described.values())
        .noneMatch(value -> value.contains("secret-stuff") || value.contains("ops:pw"));
    assertThat(described.keySet())
        .as("Kubernetes service links and broker scripts' variables are not client properties")
        .noneMatch(key -> key.startsWith("kafka.port") || key.startsWith("kafka.service"))
        .doesNotContain("kafka.heap.opts");
    assertThat(StreamsProperties.of(config))
        .doesNotContainKeys("port", "service.host", "heap.opts");
  }

  @Test
  void shouldHandleRecordFailuresPerRecordAndOutlastTheRegistryOutageWaitInTransactions() {
    Properties props = StreamsProperties.of(ScorerConfig.of(minimal()));

    assertThat(props.get("production.exception.handler")).isEqualTo(OutputFailureHandler.class);
    assertThat(props.get("producer.transaction.timeout.ms")).isEqualTo(90_000);
  }

  @Test
  void shouldKeepStateThroughACrashAndRejoinUnderAStableName() {
    Properties dynamic = StreamsProperties.of(ScorerConfig.of(minimal()));
    assertThat(dynamic.get("enable.transactional.statestores")).isEqualTo(true);
    assertThat(dynamic).doesNotContainKey("main.consumer.group.instance.id");
    assertThat(dynamic.get("num.standby.replicas")).isEqualTo(0);

    Map<String, Object> values = minimal();
    values.put(ScorerConfig.INSTANCE_ID, "scorer-2");
    values.put(ScorerConfig.STANDBY_REPLICAS, "1");
    Properties stable = StreamsProperties.of(ScorerConfig.of(values));
    assertThat(stable.get("main.consumer.group.instance.id")).isEqualTo("scorer-2");
    assertThat(stable.get("num.standby.replicas")).isEqualTo(1);

    values.put(ScorerConfig.PROCESSING_GUARANTEE, "at_least_once");
    assertThat(
            StreamsProperties.of(ScorerConfig.of(values)).get("enable.transactional.statestores"))
        .as("transactional stores only pay off under exactly-once")
        .isEqualTo(false);
  }

  @Test
  void shouldBatchProducerRecordsIn128KilobytesUnlessOverridden() {
    assertThat(StreamsProperties.of(ScorerConfig.of(minimal())).get("producer.batch.size"))
        .isEqualTo(131_072);

    Map<String, Object> overridden = minimal();
    overridden.put("kafka.producer.batch.size", "32768");
    assertThat(StreamsProperties.of(ScorerConfig.of(overridden)).get("producer.batch.size"))
        .isEqualTo("32768");
  }

  @Test
  void shouldNameAnUnreadableConfigFile() {
    assertThatThrownBy(() -> ScorerConfig.load(dir.resolve("missing.properties"), Map.of()))
        .hasMessageContaining("missing.properties");
  }

  @Test
  void shouldMatchTheGeneratedTableInTheConfigurationDocs() throws IOException {
    Path page = Path.of("..", "docs", "configuration.md");
    GeneratedDocs.check(
        page, "scorer config --doc", ScorerConfig.markdownTable(), "app", "ScorerConfigTest");
    String documented = Files.readString(page);
    for (String key : ScorerConfig.DEFINITION.names()) {
      assertThat(documented).contains("| `" + key + "` |");
    }
  }

  @Test
  void shouldStopStartUpNamingTheDurationKey() {
    assertThatThrownBy(
            () ->
                ScorerConfig.of(
                    Map.of(
                        "bootstrap.servers",
                        "127.0.0.1:9092",
                        "schema.registry.url",
                        "http://127.0.0.1:8081",
                        "model.dir",
                        "/m",
                        "drift.window",
                        "five minutes")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("drift.window");
    assertThatThrownBy(
            () ->
                ScorerConfig.of(
                    Map.of(
                        "bootstrap.servers",
                        "127.0.0.1:9092",
                        "schema.registry.url",
                        "http://127.0.0.1:8081",
                        "model.dir",
                        "/m",
                        "feedback.retention",
                        "10s")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("feedback.retention");
  }
}

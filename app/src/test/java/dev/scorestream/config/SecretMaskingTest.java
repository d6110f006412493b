package dev.scorestream.config;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.scorestream.app.StreamsProperties;
import dev.scorestream.fixtures.Configs;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class SecretMaskingTest {

  @Test
  void shouldKnowKafkasPasswordKeysFromKafkasOwnDefinitions() {
    assertThat(SecretKeys.kafkaPasswords())
        .contains(
            "sasl.jaas.config",
            "ssl.keystore.key",
            "ssl.key.password",
            "ssl.keystore.password",
            "ssl.truststore.password");
  }

  @Test
  void shouldMaskEveryKafkaPasswordKeyAndEveryCredentialNamedKeyInScorerConfig() {
    Map<String, Object> values = Configs.minimal();
    Map<String, String> secrets = new HashMap<>();
    int n = 0;
    for (String key : SecretKeys.kafkaPasswords()) {
      secrets.put("kafka." + key, "SECRET-" + n++);
      secrets.put("kafka.producer." + key, "SECRET-" + n++);
      secrets.put("kafka.main.consumer." + key, "SECRET-" + n++);
    }
    secrets.put("kafka.basic.auth.user.info", "SECRET-basic");
    secrets.put("kafka.sasl.oauthbearer.client.credentials.client.secret", "SECRET-client");
    secrets.put("kafka.bearer.auth.token", "SECRET-token");
    secrets.put("kafka.some.plugin.api.key", "SECRET-api");
    secrets.put(ScorerConfig.REGISTRY_BASIC_AUTH, "SECRET-registry");
    secrets.put(ScorerConfig.REGISTRY_TRUSTSTORE_PASSWORD, "SECRET-truststore");
    values.putAll(secrets);
    values.put("kafka.security.protocol", "SASL_SSL");

    Map<String, String> described = ScorerConfig.of(values).describe();

    secrets.keySet().forEach(key -> assertThat(described).containsEntry(key, "[hidden]"));
    assertThat(String.join("\n", described.values())).doesNotContain("SECRET");
    assertThat(described).containsEntry("kafka.security.protocol", "SASL_SSL");
  }

  @Test
  void shouldLetKafkasOwnConfigLoggingMaskThePassThroughSecrets() {
    Map<String, Object> values = Configs.minimal();
    values.put("kafka.security.protocol", "SASL_SSL");
    values.put("kafka.sasl.mechanism", "PLAIN");
    values.put(
        "kafka.sasl.jaas.config",
        "org.apache.kafka.common.security.plain.PlainLoginModule required"
            + " username=\"scorer\" password=\"SECRET-jaas\";");
    values.put("kafka.ssl.key.password", "SECRET-keypass");
    Logger logger = (Logger) LoggerFactory.getLogger(AbstractConfig.class);
    Level before = logger.getLevel();
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    logger.setLevel(Level.INFO);
    try {
      StreamsConfig streams = new StreamsConfig(StreamsProperties.of(ScorerConfig.of(values)));
      Map<String, Object> producer = streams.getProducerConfigs("scorer-producer");
      // Kafka Streams adds its byte-array serializers when it makes the producer.
      producer.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
      producer.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
      new ProducerConfig(producer);
    } finally {
      logger.detachAppender(appender);
      logger.setLevel(before);
    }

    String logged =
        String.join("\n", appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList());
    assertThat(logged)
        .as("the values Kafka logs when a client starts")
        .contains("ProducerConfig values")
        .contains("sasl.jaas.config = [hidden]")
        .contains("ssl.key.password = [hidden]")
        .doesNotContain("SECRET");
  }
}

package dev.scorestream.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scorestream.fixtures.Configs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretsFromFilesTest {

  static final String PEM =
      "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHzBJBgkqhkiG9w0BBQ0w\n"
          + "-----END ENCRYPTED PRIVATE KEY-----";

  @TempDir Path dir;

  @Test
  void shouldSetKeysFromTheFilesThatScorerFileVariablesName() throws IOException {
    Map<String, String> env = new HashMap<>();
    env.put("SCORER_SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO_FILE", secret("auth", "ops:pw\n"));
    env.put("SCORER_KAFKA_SASL_JAAS_CONFIG_FILE", secret("jaas", "jaas-value;\r\n"));
    env.put("SCORER_KAFKA_SSL_KEYSTORE_KEY_FILE", secret("key.pem", PEM + "\n"));

    ScorerConfig config = ScorerConfig.load(configFile(""), env);

    assertThat(config.getPassword(ScorerConfig.REGISTRY_BASIC_AUTH).value()).isEqualTo("ops:pw");
    assertThat(config.kafkaOverrides())
        .containsEntry("sasl.jaas.config", "jaas-value;")
        .as("inner line breaks of a PEM stay; only the trailing one goes")
        .containsEntry("ssl.keystore.key", PEM)
        .doesNotContainKeys("sasl.jaas.config.file", "ssl.keystore.key.file");
  }

  @Test
  void shouldSetKeysFromTheFilesThatFileKeysName() throws IOException {
    Path config =
        configFile(
            "schema.registry.ssl.truststore.password.file="
                + secret("truststore", "changeit\n")
                + "\nkafka.ssl.key.password.file="
                + secret("keypass", "kp")
                + "\nkafka.producer.sasl.jaas.config.file="
                + secret("producer-jaas", "producer-jaas;\n"));

    ScorerConfig loaded = ScorerConfig.load(config, Map.of());

    assertThat(loaded.getPassword(ScorerConfig.REGISTRY_TRUSTSTORE_PASSWORD).value())
        .isEqualTo("changeit");
    assertThat(loaded.kafkaOverrides())
        .containsEntry("ssl.key.password", "kp")
        .containsEntry("producer.sasl.jaas.config", "producer-jaas;");
  }

  @Test
  void shouldLetTheEnvironmentOverrideTheFileAsForEveryKey() throws IOException {
    Path config = configFile("kafka.sasl.jaas.config.file=" + secret("file-jaas", "from-file"));

    ScorerConfig loaded =
        ScorerConfig.load(
            config, Map.of("SCORER_KAFKA_SASL_JAAS_CONFIG_FILE", secret("env-jaas", "from-env")));

    assertThat(loaded.kafkaOverrides()).containsEntry("sasl.jaas.config", "from-env");
  }

  @Test
  void shouldKeepKeysWhoseOwnNameEndsInFile() throws IOException {
    String assertion = dir.resolve("assertion.jwt").toString();

    ScorerConfig loaded =
        ScorerConfig.load(
            configFile(""), Map.of("SCORER_KAFKA_SASL_OAUTHBEARER_ASSERTION_FILE", assertion));

    assertThat(loaded.kafkaOverrides())
        .as("Kafka's own sasl.oauthbearer.assertion.file is a path Kafka reads, not a reference")
        .containsEntry("sasl.oauthbearer.assertion.file", assertion)
        .doesNotContainKey("sasl.oauthbearer.assertion");
  }

  @Test
  void shouldStopNamingTheKeyAndThePathButNotTheContentsWhenAFileIsMissing() throws IOException {
    String missing = dir.resolve("no-such-secret").toString();

    assertThatThrownBy(
            () ->
                ScorerConfig.load(
                    configFile(""), Map.of("SCORER_KAFKA_SSL_KEY_PASSWORD_FILE", missing)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kafka.ssl.key.password")
        .hasMessageContaining(missing)
        .hasMessageContaining("SCORER_KAFKA_SSL_KEY_PASSWORD_FILE");
    Path config = configFile("schema.registry.basic.auth.user.info.file=" + dir.resolve("gone"));
    assertThatThrownBy(() -> ScorerConfig.load(config, Map.of()))
        .hasMessageContaining(ScorerConfig.REGISTRY_BASIC_AUTH)
        .hasMessageContaining(dir.resolve("gone").toString())
        .hasMessageContaining(config.toString());
  }

  @Test
  void shouldNotShowTheContentsOfAFileItCannotUse() throws IOException {
    Path binary = dir.resolve("binary");
    Files.write(binary, new byte[] {'s', 'e', 'k', 'r', 'i', 't', (byte) 0xff, (byte) 0xfe});

    assertThatThrownBy(
            () ->
                ScorerConfig.load(
                    configFile(""),
                    Map.of("SCORER_KAFKA_SASL_JAAS_CONFIG_FILE", binary.toString())))
        .hasMessageContaining("kafka.sasl.jaas.config")
        .hasMessageContaining("not UTF-8")
        .hasMessageNotContaining("sekrit");
  }

  @Test
  void shouldRefuseAKeyGivenBothDirectlyAndFromAFile() throws IOException {
    Path config =
        configFile(
            "kafka.ssl.key.password=inline\nkafka.ssl.key.password.file=" + secret("kp", "x"));

    assertThatThrownBy(() -> ScorerConfig.load(config, Map.of()))
        .hasMessageContaining("kafka.ssl.key.password.file")
        .hasMessageNotContaining("inline");
  }

  @Test
  void shouldRefuseARegistryUrlCarryingCredentialsWithoutShowingThem() {
    Map<String, Object> values = Configs.minimal();
    values.put(ScorerConfig.REGISTRY_URL, "https://ops:url-secret@registry:8081");

    assertThatThrownBy(() -> ScorerConfig.of(values))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(ScorerConfig.REGISTRY_URL)
        .hasMessageContaining(ScorerConfig.REGISTRY_BASIC_AUTH)
        .hasMessageNotContaining("url-secret");
  }

  private String secret(String name, String contents) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, contents);
    return file.toString();
  }

  private Path configFile(String extra) throws IOException {
    StringBuilder text = new StringBuilder();
    Configs.minimal().forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
    Path file = dir.resolve("scorer.properties");
    Files.writeString(file, text + extra + "\n");
    return file;
  }
}

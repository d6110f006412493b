package dev.scorestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.fixtures.Configs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code scorer config} as its own process, with secrets from files named by {@code
 * SCORER_*_FILE} variables and by {@code .file} keys, and inline in the properties file, and looks
 * for every secret in everything the process printed.
 */
class ConfigCommandSecretsTest {

  @TempDir Path dir;

  @Test
  void shouldNeverPrintASecretWhereverItCameFrom() throws Exception {
    Map<String, String> fromVariables =
        Map.of(
            "SCORER_KAFKA_SASL_JAAS_CONFIG_FILE", "jaas-secret-1;",
            "SCORER_SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO_FILE", "ops:registry-secret-2",
            "SCORER_KAFKA_SSL_KEY_PASSWORD_FILE", "key-password-secret-3");
    Map<String, String> fromKeys =
        Map.of(
            "schema.registry.ssl.truststore.password.file", "truststore-secret-4",
            "kafka.ssl.keystore.password.file", "keystore-secret-5",
            "kafka.producer.basic.auth.user.info.file", "serializer:secret-6");
    String inlinePem =
        "-----BEGIN PRIVATE KEY-----\\n inline-pem-secret-7\\n-----END PRIVATE KEY-----";
    StringBuilder properties = new StringBuilder();
    Configs.minimal().forEach((k, v) -> properties.append(k).append('=').append(v).append('\n'));
    properties.append("kafka.security.protocol=SASL_SSL\n");
    properties.append("kafka.ssl.keystore.key=").append(inlinePem).append('\n');
    properties.append("kafka.sasl.oauthbearer.token.secret=token-secret-8\n");
    for (Map.Entry<String, String> entry : fromKeys.entrySet()) {
      properties.append(entry.getKey()).append('=').append(write(entry.getValue())).append('\n');
    }
    Path config = dir.resolve("scorer.properties");
    Files.writeString(config, properties);

    ProcessBuilder builder =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp",
                    System.getProperty("java.class.path"),
                    ScorerCli.class.getName(),
                    "config",
                    "--config",
                    config.toString()))
            .redirectErrorStream(true);
    for (Map.Entry<String, String> entry : fromVariables.entrySet()) {
      builder.environment().put(entry.getKey(), write(entry.getValue() + "\n"));
    }
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output)
        .contains("kafka.sasl.jaas.config=[hidden]")
        .contains("kafka.ssl.keystore.key=[hidden]")
        .contains("schema.registry.basic.auth.user.info=[hidden]")
        .contains("kafka.security.protocol=SASL_SSL")
        .doesNotContain("secret-1", "secret-2", "secret-3", "secret-4")
        .doesNotContain("secret-5", "secret-6", "secret-7", "secret-8");
  }

  private String write(String secret) throws IOException {
    Path file = Files.createTempFile(dir, "secret", "");
    Files.writeString(file, secret);
    return file.toString();
  }
}

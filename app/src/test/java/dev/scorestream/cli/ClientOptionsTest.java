package dev.scorestream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scorestream.registry.RegistrySettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The Kafka, registry and dead-letter-topic options the tools share, as a user types them. */
class ClientOptionsTest {

  @TempDir Path dir;

  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  int run(String... args) {
    return ScorerCli.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  /** Parses {@code args} into a fresh object holding the mixins, as picocli does for a command. */
  @CommandLine.Command(name = "probe")
  static final class Probe {
    @CommandLine.Mixin KafkaClientOptions kafka;
    @CommandLine.Mixin RegistryOptions registry;
    @CommandLine.Mixin DlqTopicOption dlq;
  }

  static Probe parse(String... args) {
    Probe probe = new Probe();
    new CommandLine(probe).parseArgs(args);
    return probe;
  }

  @Test
  void shouldSpellBootstrapAsKafkasToolsDoAndKeepTheShortAlias() {
    assertThat(parse("--bootstrap-server", "a:9092").kafka.properties(Map.of()))
        .containsEntry("bootstrap.servers", "a:9092");
    assertThat(parse("--bootstrap", "b:9092").kafka.properties(Map.of()))
        .containsEntry("bootstrap.servers", "b:9092");
  }

  @Test
  void shouldTakeClientPropertiesFromTheFileAndScorerKafkaVariablesOnly() throws IOException {
    Path file = dir.resolve("client.properties");
    Files.writeString(file, "security.protocol=SASL_SSL\nsasl.mechanism=PLAIN\n");
    Properties props =
        parse("--bootstrap-server", "a:9092", "--client-config", file.toString())
            .kafka
            .properties(
                Map.of(
                    "SCORER_KAFKA_SASL_JAAS_CONFIG", "jaas",
                    "KAFKA_PORT", "tcp://10.0.0.7:9092",
                    "KAFKA_HEAP_OPTS", "-Xmx1g"));
    assertThat(props)
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "PLAIN")
        .containsEntry("sasl.jaas.config", "jaas")
        .doesNotContainKeys("port", "heap.opts");
  }

  @Test
  void shouldReadClientSecretsFromTheFilesTheirFileKeysAndVariablesName() throws IOException {
    Path keyPassword = dir.resolve("key-password");
    Files.writeString(keyPassword, "kp\n");
    Path jaas = dir.resolve("jaas");
    Files.writeString(jaas, "jaas-from-file;\n");
    Path file = dir.resolve("client.properties");
    Files.writeString(
        file,
        "security.protocol=SSL\nssl.key.password.file="
            + keyPassword
            + "\nsasl.oauthbearer.assertion.file=/run/assertion.jwt\n");
    Properties props =
        parse("--bootstrap-server", "a:9092", "--client-config", file.toString())
            .kafka
            .properties(Map.of("SCORER_KAFKA_SASL_JAAS_CONFIG_FILE", jaas.toString()));
    assertThat(props)
        .containsEntry("ssl.key.password", "kp")
        .containsEntry("sasl.jaas.config", "jaas-from-file;")
        .containsEntry("sasl.oauthbearer.assertion.file", "/run/assertion.jwt")
        .doesNotContainKeys("ssl.key.password.file", "sasl.jaas.config.file");
  }

  @Test
  void shouldTakeRegistryAuthFromTheOptionOrTheSameVariableAsRun() {
    RegistrySettings fromEnv =
        parse("--registry", "https://r:8081")
            .registry
            .settings(Map.of(RegistryOptions.USER_INFO_ENV, "ops:env"));
    assertThat(fromEnv.basicAuth()).contains("ops:env");
    RegistrySettings fromOption =
        parse("--registry", "https://r:8081", "--registry-user-info", "ops:cli")
            .registry
            .settings(Map.of(RegistryOptions.USER_INFO_ENV, "ops:env"));
    assertThat(fromOption.basicAuth()).contains("ops:cli");
    assertThat(parse("--registry", "https://r:8081").registry.settings(Map.of()).basicAuth())
        .isEmpty();
  }

  @Test
  void shouldRefuseRegistryCredentialsOverPlainHttpNamingTheOptionUnlessAllowed(@TempDir Path dir)
      throws Exception {
    assertThatThrownBy(
            () ->
                parse("--registry", "http://r:8081", "--registry-user-info", "ops:s3cret")
                    .registry
                    .settings(Map.of()))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--registry-user-info is set but --registry is plain http")
        .hasMessageContaining("--registry-allow-insecure-auth")
        .hasMessageNotContaining("s3cret");
    assertThat(
            parse(
                    "--registry",
                    "http://r:8081",
                    "--registry-user-info",
                    "ops:s3cret",
                    "--registry-allow-insecure-auth")
                .registry
                .settings(Map.of())
                .allowInsecureAuth())
        .isTrue();
    Path token = Files.writeString(dir.resolve("token"), "abc\n");
    RegistrySettings bearer =
        parse("--registry", "https://r:8081", "--registry-bearer-token-file", token.toString())
            .registry
            .settings(Map.of());
    assertThat(bearer.bearerTokenFile()).contains(token);
    assertThat(bearer.toString()).doesNotContain("abc");
  }

  @Test
  void shouldSpellTheDeadLetterTopicOneWayAndStillReadTheFormerSpellings() {
    assertThat(parse().dlq.topic()).isEqualTo("events.dlq");
    assertThat(parse("--dlq-topic", "claims.dlq").dlq.topic()).isEqualTo("claims.dlq");
    assertThat(parse("--from", "old.dlq").dlq.topic()).isEqualTo("old.dlq");
    assertThat(parse("--topic", "old.dlq").dlq.topic()).isEqualTo("old.dlq");
  }

  @Test
  void shouldShowOnlyTheOneSpellingInHelp() {
    assertThat(run("replay", "--help")).isZero();
    assertThat(out.toString()).contains("--dlq-topic").doesNotContain("--from=");
    assertThat(out.toString()).contains("--bootstrap-server").doesNotContain("--bootstrap=");
  }

  @Test
  void shouldRefuseDisagreeingSpellingsAsAUsageError() {
    assertThat(
            run("dlq", "inspect", "--bootstrap-server", "a:1", "--dlq-topic", "x", "--topic", "y"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("disagree").contains("Usage:");
  }

  @Test
  void shouldPrintUsageWhenReplayHasNoBootstrapServer() {
    assertThat(run("replay", "--dlq-topic", "events.dlq")).isEqualTo(2);
    assertThat(err.toString()).contains("--bootstrap-server").contains("Usage:");
  }

  @Test
  void shouldHandTrainFromTopicTheClientSecuritySettings() throws IOException {
    Path file = dir.resolve("client.properties");
    Path missing = dir.resolve("no-such-truststore.p12");
    Files.writeString(file, "security.protocol=SSL\nssl.truststore.location=" + missing + "\n");
    int code =
        run(
            "train",
            "--from-topic",
            "events.training",
            "--bootstrap-server",
            "127.0.0.1:1",
            "--client-config",
            file.toString(),
            "--registry",
            "http://127.0.0.1:1",
            "--out",
            dir.resolve("model").toString());
    assertThat(code).isNotZero();
    assertThat(err.toString())
        .as("the consumer was built with the file's SSL settings")
        .contains("no-such-truststore.p12");
  }

  @Test
  void shouldRefuseAnUnreadableRegistryTruststoreAsAUsageError() {
    int code =
        run(
            "train",
            "--from-topic",
            "events.training",
            "--bootstrap-server",
            "127.0.0.1:1",
            "--registry",
            "https://127.0.0.1:1",
            "--registry-truststore",
            dir.resolve("missing.jks").toString(),
            "--out",
            dir.resolve("model").toString());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--registry-truststore").contains("missing.jks");
  }

  @Test
  void shouldRefuseKafkaOptionsWithoutFromTopic() throws IOException {
    assertThat(
            run(
                "train",
                "--input",
                Files.writeString(dir.resolve("x.csv"), "a\n").toString(),
                "--bootstrap-server",
                "a:1",
                "--out",
                dir.resolve("model").toString()))
        .isEqualTo(2);
    assertThat(err.toString()).contains("go with --from-topic only");
  }
}

package dev.scorestream.cli;

import dev.scorestream.config.ScorerConfig;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * Kafka client options shared by the tools that talk to Kafka directly: bootstrap servers, a client
 * properties file (security settings, like Kafka's own {@code --command-config}) and {@code
 * KAFKA_*} environment variables, exactly as {@code scorer run} maps them.
 */
final class KafkaClientOptions {

  @Option(
      names = "--bootstrap",
      required = true,
      paramLabel = "HOST:PORT",
      description = "Kafka bootstrap servers.")
  String bootstrap;

  @Option(
      names = "--client-config",
      paramLabel = "FILE",
      description =
          "Kafka client properties (security.protocol, sasl.*, ssl.*); KAFKA_* environment variables add to it.")
  Path clientConfig;

  Properties properties() {
    return properties(System.getenv());
  }

  Properties properties(Map<String, String> env) {
    Properties props = new Properties();
    if (clientConfig != null) {
      try (Reader reader = Files.newBufferedReader(clientConfig)) {
        props.load(reader);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read client config " + clientConfig, e);
      }
    }
    props.putAll(ScorerConfig.kafkaClientProperties(env));
    props.put("bootstrap.servers", bootstrap);
    return props;
  }
}

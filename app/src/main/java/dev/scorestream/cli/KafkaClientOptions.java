package dev.scorestream.cli;

import dev.scorestream.config.ScorerConfig;
import dev.scorestream.config.SecretFiles;
import dev.scorestream.config.SecretKeys;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Kafka client options shared by the tools that talk to Kafka directly: bootstrap servers, spelled
 * as Kafka's own tools spell them, a client properties file (security settings, like Kafka's {@code
 * --command-config}) and {@code SCORER_KAFKA_*} environment variables, exactly as {@code scorer
 * run} maps them.
 */
final class KafkaClientOptions {

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(
      names = "--bootstrap-server",
      paramLabel = "HOST:PORT",
      description = "Kafka bootstrap servers, host:port[,host:port].")
  String bootstrap;

  /** The former spelling, still accepted; not shown in help, so help shows one spelling. */
  @Option(names = "--bootstrap", hidden = true, paramLabel = "HOST:PORT")
  void formerBootstrap(String servers) {
    bootstrap = servers;
  }

  @Option(
      names = "--client-config",
      paramLabel = "FILE",
      description =
          "Kafka client properties (security.protocol, sasl.*, ssl.*), as for Kafka's own tools;"
              + " SCORER_KAFKA_* environment variables add to it (SCORER_KAFKA_SASL_JAAS_CONFIG sets"
              + " sasl.jaas.config); a key ending in .file reads that key from the file it names"
              + " (sasl.jaas.config.file=/run/secrets/jaas).")
  Path clientConfig;

  boolean given() {
    return bootstrap != null;
  }

  /** The client properties; a usage error when {@code --bootstrap-server} is missing. */
  Properties properties() {
    return properties(System.getenv());
  }

  Properties properties(Map<String, String> env) {
    if (bootstrap == null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "Missing required option: '--bootstrap-server=HOST:PORT'");
    }
    return over(new Properties(), env);
  }

  /**
   * {@code base} (a configuration's client properties) with these options on top: the client
   * properties file, {@code SCORER_KAFKA_*} variables and, when given, the bootstrap servers.
   */
  Properties over(Properties base, Map<String, String> env) {
    Properties props = new Properties();
    props.putAll(base);
    if (clientConfig != null) {
      Properties given = new Properties();
      try (Reader reader = Files.newBufferedReader(clientConfig)) {
        given.load(reader);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read client config " + clientConfig, e);
      }
      Map<String, String> values = new TreeMap<>();
      given.stringPropertyNames().forEach(key -> values.put(key, given.getProperty(key).trim()));
      props.putAll(
          SecretFiles.resolve(
              values, key -> !SecretKeys.isKafkaProperty(key), key -> "in " + clientConfig));
    }
    props.putAll(ScorerConfig.kafkaClientProperties(env));
    if (bootstrap != null) {
      props.put("bootstrap.servers", bootstrap);
    }
    return props;
  }
}

package dev.scorestream.config;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Which Kafka client properties are secret: every key the Kafka clients' own definitions (producer,
 * consumer, admin, Streams) declare as a password ({@code sasl.jaas.config}, {@code
 * ssl.keystore.key}, {@code ssl.key.password}, ...), under any of the Streams prefixes ({@code
 * producer.}, {@code main.consumer.}, ...), and any key whose name says it holds a credential
 * (password, secret, token, credentials, basic auth, private key), for properties Kafka does not
 * define, such as a serializer's {@code basic.auth.user.info}.
 */
public final class SecretKeys {

  /** Prefixes Kafka Streams accepts before a client property, longest first. */
  private static final List<String> STREAMS_PREFIXES =
      List.of(
          StreamsConfig.MAIN_CONSUMER_PREFIX,
          StreamsConfig.RESTORE_CONSUMER_PREFIX,
          StreamsConfig.GLOBAL_CONSUMER_PREFIX,
          StreamsConfig.CONSUMER_PREFIX,
          StreamsConfig.PRODUCER_PREFIX,
          StreamsConfig.ADMIN_CLIENT_PREFIX,
          StreamsConfig.TOPIC_PREFIX);

  /** Words in a property name that mark it as a credential. */
  private static final List<String> SECRET_WORDS =
      List.of(
          "password",
          "passphrase",
          "secret",
          "jaas",
          "token",
          "credential",
          "basic.auth",
          "private.key",
          "api.key",
          "apikey");

  private static final Set<String> KAFKA_PASSWORDS = new TreeSet<>();
  private static final Set<String> KAFKA_KEYS = new TreeSet<>();

  static {
    Stream.of(
            ProducerConfig.configDef(),
            ConsumerConfig.configDef(),
            AdminClientConfig.configDef(),
            StreamsConfig.configDef())
        .flatMap(def -> def.configKeys().values().stream())
        .forEach(
            key -> {
              KAFKA_KEYS.add(key.name);
              if (key.type == ConfigDef.Type.PASSWORD) {
                KAFKA_PASSWORDS.add(key.name);
              }
            });
  }

  private SecretKeys() {}

  /**
   * True when the Kafka client property {@code key} (without our {@code kafka.} prefix) is secret.
   */
  public static boolean isSecret(String key) {
    String name = unprefixed(key);
    if (KAFKA_PASSWORDS.contains(name)) {
      return true;
    }
    String lower = key.toLowerCase(Locale.ROOT);
    return SECRET_WORDS.stream().anyMatch(lower::contains);
  }

  /**
   * True when {@code key} (without our {@code kafka.} prefix, with or without a Streams prefix) is
   * a property the Kafka clients define.
   */
  public static boolean isKafkaProperty(String key) {
    return KAFKA_KEYS.contains(unprefixed(key));
  }

  /** The Kafka client properties declared as passwords, for the documentation and tests. */
  public static Set<String> kafkaPasswords() {
    return Set.copyOf(KAFKA_PASSWORDS);
  }

  private static String unprefixed(String key) {
    for (String prefix : STREAMS_PREFIXES) {
      if (key.startsWith(prefix)) {
        return key.substring(prefix.length());
      }
    }
    return key;
  }
}

package dev.scorestream.testkit;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.config.SaslConfigs;

/**
 * A single-node KRaft broker secured as in production: a {@code SASL_SSL} listener (SCRAM-SHA-512)
 * and an {@code SSL} listener that requires a client certificate (mutual TLS), with Kafka's {@code
 * StandardAuthorizer} and one super user, {@value #ADMIN}. Nothing else may do anything until an
 * ACL allows it. The certificates are made at start-up ({@link BrokerCertificates}); SCRAM users
 * are added with {@link #addScramUser}.
 *
 * <p>The broker's own certificate is the super user's ({@code CN=admin}): it talks to its
 * controller and to itself over mutual TLS, so it needs no second super user. TLS principals are
 * the certificate's common name ({@code ssl.principal.mapping.rules}), so {@code CN=ops} is {@code
 * User:ops}.
 */
public final class SecuredKafka implements AutoCloseable {

  /** The super user: the broker itself and the test's admin client. */
  public static final String ADMIN = "admin";

  private static final String SCRAM = "SCRAM-SHA-512";

  private final EmbeddedKafka kafka;
  private final BrokerCertificates certificates;
  private final String saslBootstrap;
  private final String tlsBootstrap;

  private SecuredKafka(
      EmbeddedKafka kafka, BrokerCertificates certificates, String saslBootstrap, String tls) {
    this.kafka = kafka;
    this.certificates = certificates;
    this.saslBootstrap = saslBootstrap;
    this.tlsBootstrap = tls;
  }

  /** Makes the certificates and starts the broker, its logs in a new temporary directory. */
  public static SecuredKafka start() {
    Path directory = TempDirectories.create("scorestream-secured-kafka-");
    BrokerCertificates certificates = BrokerCertificates.create(directory.resolve("tls"));
    int sasl = FreePort.pick();
    int tls = FreePort.pick();
    int controller = FreePort.pick();
    Properties props = EmbeddedKafka.brokerProperties(directory, controller);
    props.put(
        "listeners",
        "SASL_SSL://127.0.0.1:"
            + sasl
            + ",SSL://127.0.0.1:"
            + tls
            + ",CONTROLLER://127.0.0.1:"
            + controller);
    props.put("advertised.listeners", "SASL_SSL://127.0.0.1:" + sasl + ",SSL://127.0.0.1:" + tls);
    props.put("listener.security.protocol.map", "SASL_SSL:SASL_SSL,SSL:SSL,CONTROLLER:SSL");
    props.put("inter.broker.listener.name", "SSL");
    props.put("sasl.enabled.mechanisms", SCRAM);
    props.put(
        "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required;");
    props.putAll(certificates.keySettings(ADMIN));
    props.put("listener.name.ssl.ssl.client.auth", "required");
    props.put("listener.name.controller.ssl.client.auth", "required");
    props.put("ssl.principal.mapping.rules", "RULE:^CN=([^,]+)$/$1/,DEFAULT");
    props.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
    props.put("super.users", "User:" + ADMIN);
    Map<String, Object> admin = new HashMap<>(tlsClient(certificates, ADMIN));
    admin.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + tls);
    EmbeddedKafka kafka = EmbeddedKafka.start(directory, true, props, admin);
    return new SecuredKafka(kafka, certificates, "127.0.0.1:" + sasl, "127.0.0.1:" + tls);
  }

  private static Map<String, Object> tlsClient(BrokerCertificates certificates, String commonName) {
    Map<String, Object> settings = new HashMap<>(certificates.keySettings(commonName));
    settings.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
    return settings;
  }

  /**
   * The broker as the super user sees it: {@link EmbeddedKafka#admin()}, {@link
   * EmbeddedKafka#createTopics} and {@link EmbeddedKafka#clientProperties()} connect as {@value
   * #ADMIN} over mutual TLS.
   */
  public EmbeddedKafka kafka() {
    return kafka;
  }

  public BrokerCertificates certificates() {
    return certificates;
  }

  /** The SASL_SSL listener's address. */
  public String saslBootstrapServers() {
    return saslBootstrap;
  }

  /** The mutual-TLS listener's address. */
  public String tlsBootstrapServers() {
    return tlsBootstrap;
  }

  /** Adds (or replaces) SCRAM-SHA-512 users, user name to password. */
  public void addScramUsers(Map<String, String> users) {
    try (Admin admin = kafka.admin()) {
      admin
          .alterUserScramCredentials(
              users.entrySet().stream()
                  .map(
                      user ->
                          (org.apache.kafka.clients.admin.UserScramCredentialAlteration)
                              new UserScramCredentialUpsertion(
                                  user.getKey(),
                                  new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096),
                                  user.getValue()))
                  .toList())
          .all()
          .get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot add SCRAM users " + users.keySet(), e);
    }
  }

  /** Adds one SCRAM-SHA-512 user. */
  public void addScramUser(String user, String password) {
    addScramUsers(Map.of(user, password));
  }

  /**
   * Client settings (no bootstrap servers) for {@code user} over SASL_SSL with SCRAM-SHA-512,
   * trusting the test CA.
   */
  public Map<String, Object> scramClient(String user, String password) {
    Map<String, Object> settings = new HashMap<>(certificates.trustSettings());
    settings.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
    settings.put(SaslConfigs.SASL_MECHANISM, SCRAM);
    settings.put(
        SaslConfigs.SASL_JAAS_CONFIG,
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
            + user
            + "\" password=\""
            + password
            + "\";");
    return settings;
  }

  /**
   * Client settings (no bootstrap servers) for mutual TLS as {@code User:commonName}: a certificate
   * for {@code CN=commonName}, made on first use.
   */
  public Map<String, Object> tlsClient(String commonName) {
    return tlsClient(certificates, commonName);
  }

  @Override
  public void close() {
    kafka.close();
  }
}

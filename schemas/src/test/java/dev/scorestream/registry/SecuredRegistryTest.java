package dev.scorestream.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.scorestream.testkit.FreePort;
import dev.scorestream.testkit.Nginx;
import dev.scorestream.testkit.TestCertificates;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

/**
 * The client against a real TLS-terminating reverse proxy (nginx, a child process) in front of a
 * small fake registry: certificates made by openssl at test time, basic auth, a bearer token
 * checked by nginx, and client certificates. The same proxy in front of real Apicurio is {@code
 * SecuredRegistryIT}.
 */
class SecuredRegistryTest {

  static final Schema SCHEMA = SchemaBuilder.record("T").fields().requiredString("a").endRecord();
  static final String PATH = "/apis/ccompat/v7";

  @TempDir static Path dir;
  static TestCertificates certificates;
  static HttpServer upstream;
  static Nginx nginx;
  static int basicPort;
  static int bearerPort;
  static int mutualPort;
  static int wrongHostPort;
  static final AtomicReference<String> seenAuthorization = new AtomicReference<>();

  /** Why every test skips (no nginx or openssl here), so each reports it; null when they run. */
  static TestAbortedException skipped;

  @BeforeAll
  static void startProxy() throws IOException {
    Path binary;
    try {
      binary = Nginx.binaryOrSkip();
      certificates = TestCertificates.createOrSkip(dir.resolve("certs"));
    } catch (TestAbortedException e) {
      skipped = e;
      return;
    }
    upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    upstream.createContext("/", SecuredRegistryTest::answer);
    upstream.start();
    String to = "http://127.0.0.1:" + upstream.getAddress().getPort();
    Files.writeString(dir.resolve("htpasswd"), "scorer:{PLAIN}right-password\n");
    basicPort = FreePort.pick();
    bearerPort = FreePort.pick();
    mutualPort = FreePort.pick();
    wrongHostPort = FreePort.pick();
    Path cert = certificates.certificate("server");
    Path key = certificates.key("server");
    String http =
        String.join(
            "\n",
            "  map $http_authorization $bearer_ok { \"Bearer one\" 1; \"Bearer two\" 1; default 0; }",
            Nginx.tlsProxy(
                basicPort,
                cert,
                key,
                "auth_basic registry; auth_basic_user_file " + dir.resolve("htpasswd") + ";",
                to),
            Nginx.tlsProxy(bearerPort, cert, key, "if ($bearer_ok = 0) { return 401; }", to),
            Nginx.tlsProxy(
                mutualPort,
                cert,
                key,
                "ssl_client_certificate "
                    + certificates.caCertificate()
                    + "; ssl_verify_client on;",
                to),
            Nginx.tlsProxy(
                wrongHostPort,
                certificates.certificate("wrong-host"),
                certificates.key("wrong-host"),
                "",
                to));
    nginx =
        Nginx.start(
            binary,
            dir.resolve("nginx"),
            http,
            List.of(basicPort, bearerPort, mutualPort, wrongHostPort));
  }

  @BeforeEach
  void skipWithoutProxy() {
    if (skipped != null) {
      throw skipped;
    }
  }

  @AfterAll
  static void stopProxy() {
    if (nginx != null) {
      nginx.close();
    }
    if (upstream != null) {
      upstream.stop(0);
    }
  }

  /** Schema id 1 exists; every other id is answered 40403; subjects have version 1. */
  static void answer(HttpExchange exchange) throws IOException {
    seenAuthorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
    String path = exchange.getRequestURI().getPath();
    int status = 200;
    String body;
    if (path.equals(PATH + "/schemas/ids/1")) {
      body = "{\"schema\":" + SchemaRegistryClientTest.quote(SCHEMA.toString()) + "}";
    } else if (path.startsWith(PATH + "/schemas/ids/")) {
      status = 404;
      body = "{\"error_code\":40403,\"message\":\"Schema not found\"}";
    } else {
      body = "[1]";
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  static RegistrySettings settings(int port) {
    return RegistrySettings.of("https://127.0.0.1:" + port + PATH)
        .withRetries(1, Duration.ofMillis(1), Duration.ofMillis(1))
        .withRequestTimeout(Duration.ofSeconds(5));
  }

  static RegistryTls trustingOurCa() {
    return RegistryTls.JVM_DEFAULT.withTrustStore(certificates.caCertificate(), null, null);
  }

  @Test
  void shouldFetchThroughTlsAndBasicAuthTrustingTheCaAsPemOrPkcs12() throws Exception {
    SchemaRegistryClient pem =
        new SchemaRegistryClient(
            settings(basicPort).withTls(trustingOurCa()).withBasicAuth("scorer:right-password"));
    assertThat(pem.schemaById(1)).isEqualTo(SCHEMA);

    Path pkcs12 = dir.resolve("truststore.p12");
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    try (var in = Files.newInputStream(certificates.caCertificate())) {
      store.setCertificateEntry(
          "ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    try (var out = Files.newOutputStream(pkcs12)) {
      store.store(out, "trust-pw".toCharArray());
    }
    SchemaRegistryClient fromPkcs12 =
        new SchemaRegistryClient(
            settings(basicPort)
                .withTrustStore(pkcs12, "trust-pw".toCharArray())
                .withBasicAuth("scorer:right-password"));
    assertThat(fromPkcs12.schemaById(1)).isEqualTo(SCHEMA);
  }

  @Test
  void shouldRefuseACertificateNoTrustedCaSignedWithATlsError() {
    for (RegistryTls tls :
        List.of(
            RegistryTls.JVM_DEFAULT,
            RegistryTls.JVM_DEFAULT.withTrustStore(
                certificates.otherCaCertificate(), null, "PEM"))) {
      SchemaRegistryClient client =
          new SchemaRegistryClient(
              settings(basicPort).withTls(tls).withBasicAuth("scorer:right-password"));

      assertThatThrownBy(() -> client.schemaById(1))
          .isInstanceOf(RegistryUnavailableException.class)
          .hasMessageContaining("SSLHandshakeException")
          .hasMessageContaining("certification path")
          .hasMessageContaining("check that the truststore holds the registry's CA")
          .hasMessageNotContaining("right-password");
    }
  }

  @Test
  void shouldRefuseACertificateForAnotherHostName() {
    SchemaRegistryClient client =
        new SchemaRegistryClient(settings(wrongHostPort).withTls(trustingOurCa()));

    assertThatThrownBy(() -> client.schemaById(1))
        .isInstanceOf(RegistryUnavailableException.class)
        .hasMessageContaining("SSLHandshakeException")
        .hasMessageContaining("127.0.0.1")
        .hasMessageContaining("names the host of the URL");
  }

  /**
   * A wrong password must never look like an unknown schema: the pipeline dead-letters a record for
   * {@link SchemaNotFoundException} but waits out a {@link RegistryUnavailableException}.
   */
  @Test
  void shouldReportAWrongPasswordAsRefusedCredentialsNeverAsAnUnknownSchema() throws Exception {
    SchemaRegistryClient client =
        new SchemaRegistryClient(
            settings(basicPort).withTls(trustingOurCa()).withBasicAuth("scorer:wrong-password"));

    assertThatThrownBy(() -> client.schemaById(42))
        .isInstanceOf(RegistryUnavailableException.class)
        .hasMessageContaining("the registry did not accept the basic-auth user info: HTTP 401")
        .hasMessageNotContaining("wrong-password");
    assertThat(client.isReachable()).isFalse();

    SchemaRegistryClient right =
        new SchemaRegistryClient(
            settings(basicPort).withTls(trustingOurCa()).withBasicAuth("scorer:right-password"));
    assertThatThrownBy(() -> right.schemaById(42)).isInstanceOf(SchemaNotFoundException.class);
  }

  @Test
  void shouldPickUpABearerTokenRotatedInItsFileWhileRunning() throws Exception {
    Path token = Files.writeString(dir.resolve("token"), "one\n");
    SchemaRegistryClient client =
        new SchemaRegistryClient(
            settings(bearerPort).withTls(trustingOurCa()).withBearerTokenFile(token));

    assertThat(client.versions("payments-value")).containsExactly(1);
    assertThat(seenAuthorization).hasValue("Bearer one");

    Files.writeString(dir.resolve("token.next"), "two\n");
    Files.move(dir.resolve("token.next"), token, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertThat(client.versions("payments-value")).containsExactly(1);
    assertThat(seenAuthorization).hasValue("Bearer two");

    Files.writeString(token, "revoked");
    assertThatThrownBy(() -> client.versions("payments-value"))
        .isInstanceOf(RegistryUnavailableException.class)
        .hasMessageContaining("did not accept the bearer token in " + token)
        .hasMessageNotContaining("revoked");
  }

  @Test
  void shouldPresentAClientCertificateFromPkcs12OrPemForMutualTls() throws Exception {
    char[] password = certificates.password().toCharArray();
    List<RegistryTls> keystores =
        List.of(
            trustingOurCa().withKeyStore(certificates.clientPkcs12(), password, "PKCS12"),
            trustingOurCa().withKeyStore(certificates.clientPem(false), null, "PEM"),
            trustingOurCa().withKeyStore(certificates.clientPem(true), password, "PEM"));
    for (RegistryTls tls : keystores) {
      SchemaRegistryClient client = new SchemaRegistryClient(settings(mutualPort).withTls(tls));
      assertThat(client.schemaById(1)).as(tls.toString()).isEqualTo(SCHEMA);
    }

    SchemaRegistryClient without =
        new SchemaRegistryClient(settings(mutualPort).withTls(trustingOurCa()));
    assertThatThrownBy(() -> without.schemaById(1))
        .isInstanceOf(RegistryUnavailableException.class)
        .hasMessageContaining("HTTP 400");
  }

  @Test
  void shouldNameAWrongKeystorePasswordWhenLoadingIt() {
    assertThatThrownBy(
            () ->
                RegistryTls.JVM_DEFAULT.withKeyStore(
                    certificates.clientPkcs12(), "nope".toCharArray(), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot load keystore " + certificates.clientPkcs12())
        .hasMessageNotContaining("nope");
    assertThatThrownBy(
            () ->
                RegistryTls.JVM_DEFAULT.withKeyStore(
                    certificates.clientPem(true), "nope".toCharArray(), "PEM"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot load keystore " + certificates.clientPem(true));
  }
}

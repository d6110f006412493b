package dev.scorestream.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scorestream.schemas.Contracts;
import dev.scorestream.testkit.EmbeddedStack;
import dev.scorestream.testkit.FreePort;
import dev.scorestream.testkit.Nginx;
import dev.scorestream.testkit.RealComponents;
import dev.scorestream.testkit.TestCertificates;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client through a real TLS-terminating nginx with basic auth to a real Apicurio: what a
 * secured production registry looks like from the scorer. The certificate and credential failure
 * cases against a small fake registry are {@code SecuredRegistryTest}.
 */
@ExtendWith(RealComponents.class)
class SecuredRegistryIT {

  @Test
  void shouldRegisterAndFetchThroughTlsAndBasicAuthAndNeverTakeAWrongPasswordForAnUnknownId(
      EmbeddedStack stack, @TempDir Path dir) throws Exception {
    Path binary = Nginx.binaryOrSkip();
    TestCertificates certificates = TestCertificates.createOrSkip(dir.resolve("certs"));
    Files.writeString(dir.resolve("htpasswd"), "scorer:{PLAIN}right-password\n");
    URI registry = URI.create(stack.registry().url());
    int port = FreePort.pick();
    String server =
        Nginx.tlsProxy(
            port,
            certificates.certificate("server"),
            certificates.key("server"),
            "auth_basic registry; auth_basic_user_file " + dir.resolve("htpasswd") + ";",
            "http://127.0.0.1:" + registry.getPort());
    try (Nginx nginx = Nginx.start(binary, dir.resolve("nginx"), server, List.of(port))) {
      RegistrySettings secured =
          RegistrySettings.of("https://localhost:" + port + registry.getPath())
              .withRetries(2, Duration.ofMillis(10), Duration.ofMillis(10))
              .withTls(
                  RegistryTls.JVM_DEFAULT.withTrustStore(certificates.caCertificate(), null, null));

      SchemaRegistryClient client =
          new SchemaRegistryClient(secured.withBasicAuth("scorer:right-password"));
      int id = client.register("secured-it-value", Contracts.prediction());
      assertThat(new SchemaRegistryClient(client.settings()).schemaById(id))
          .isEqualTo(Contracts.prediction());
      assertThatThrownBy(() -> client.schemaById(987_654))
          .as("the real registry's answer for an unknown id, through the proxy")
          .isInstanceOf(SchemaNotFoundException.class);

      SchemaRegistryClient wrong =
          new SchemaRegistryClient(secured.withBasicAuth("scorer:wrong-password"));
      assertThatThrownBy(() -> wrong.schemaById(987_654))
          .isInstanceOf(RegistryUnavailableException.class)
          .hasMessageContaining("did not accept the basic-auth user info: HTTP 401")
          .hasMessageNotContaining("wrong-password");
      assertThat(wrong.ping()).isFalse();
    }
  }
}

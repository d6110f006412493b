package dev.scorestream.inference;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.security.BearerAuth;
import dev.scorestream.security.PemTls;
import dev.scorestream.security.StaticTokens;
import dev.scorestream.testkit.Python;
import dev.scorestream.testkit.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gRPC port with TLS and bearer tokens, called by a Python client generated from the
 * repository's .proto with grpc_tools: served with the token, UNAUTHENTICATED without it or with a
 * wrong one, and nothing in plaintext. Needs python3 with grpcio and grpc_tools; fails rather than
 * skips where {@value Python#REQUIRE_ENV} is set.
 */
class PythonSecuredGrpcTest {

  static final Path PROTO_DIR = Path.of("..", "protocol", "src", "main", "proto");
  static final Path CLIENT =
      Path.of("src", "test", "resources", "python", "secured_grpc_client.py");
  static final String TOKEN = "python-client-token-7f3a";

  @TempDir Path dir;

  @Test
  void shouldServeAPythonClientWithTheTokenOverTlsOnly() throws Exception {
    String python = Python.orSkip("grpc", "grpc_tools");
    TestCertificates certificates = TestCertificates.createOrSkip(dir.resolve("certs"));
    BearerAuth auth =
        new BearerAuth(new StaticTokens(Files.writeString(dir.resolve("tokens"), TOKEN + "\n")));
    PemTls tls = new PemTls(certificates.certificate("server"), certificates.key("server"), null);
    try (GrpcInferenceServer grpc =
        GrpcInferenceServerTest.serve(GrpcInferenceServerTest.service(() -> true), auth, tls)) {
      Path work = Files.createDirectories(dir.resolve("client"));
      Python.run(
          python,
          Duration.ofMinutes(1),
          "-m",
          "grpc_tools.protoc",
          "-I",
          PROTO_DIR.toAbsolutePath().toString(),
          "--python_out=" + work,
          "--grpc_python_out=" + work,
          "grpc_predict_v2.proto");
      Files.copy(CLIENT, work.resolve("client.py"));
      String output =
          Python.run(
              python,
              Duration.ofMinutes(1),
              work.resolve("client.py").toString(),
              "127.0.0.1:" + grpc.port(),
              certificates.caCertificate().toString(),
              TOKEN);
      assertThat(output)
          .contains("token: True")
          .contains("no token: UNAUTHENTICATED")
          .contains("wrong token: UNAUTHENTICATED")
          .contains("plaintext: UNAVAILABLE");
    }
  }
}

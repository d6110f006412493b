package dev.scorestream.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scorestream.features.JsonEvents;
import dev.scorestream.http.JsonScorer;
import dev.scorestream.http.ScorerHttpServer;
import dev.scorestream.protocol.v2.GRPCInferenceServiceGrpc;
import dev.scorestream.protocol.v2.ServerLiveRequest;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.security.PemTls;
import dev.scorestream.serving.PredictionBuilder;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS and mutual TLS on the scoring ports with certificates made by openssl at test time: curl and
 * a gRPC channel with a client certificate are served, plaintext and clients without a certificate
 * are refused, and a renewed server certificate is presented without a restart.
 */
class TlsServingTest {

  @TempDir Path dir;
  ScorerHttpServer https;
  GrpcInferenceServer grpc;
  final List<ManagedChannel> channels = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    openssl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "1",
        "-subj",
        "/CN=test-ca");
    Files.writeString(dir.resolve("san.ext"), "subjectAltName=IP:127.0.0.1\n");
    sign("server", 1);
    sign("client", 2);
    PemTls tls =
        new PemTls(dir.resolve("server.pem"), dir.resolve("server.key"), dir.resolve("ca.pem"));
    var reader = Contracts.paymentEvent();
    https =
        ScorerHttpServer.start(
            "127.0.0.1",
            0,
            new ScorerHttpServer.Options("https", 2, 8, null, tls),
            new JsonScorer(
                new JsonEvents(reader),
                GrpcInferenceServerTest.scorer(),
                new PredictionBuilder(Contracts.prediction(), reader, "event_id", "event_time"),
                Clock.systemUTC()));
    grpc = GrpcInferenceServerTest.serve(GrpcInferenceServerTest.service(() -> true), null, tls);
  }

  @AfterEach
  void stop() throws InterruptedException {
    for (ManagedChannel channel : channels) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    grpc.close();
    https.close();
  }

  @Test
  void shouldServeHttpsToClientsWithACertificateAndRefuseTheRest() throws Exception {
    assertThat(https.url()).startsWith("https://");
    String url = https.url() + "/v1/model";
    assertThat(curl("--cacert", "ca.pem", "--cert", "client.pem", "--key", "client.key", url))
        .isEqualTo("200");
    assertThat(curl("--cacert", "ca.pem", url)).as("no client certificate").isEqualTo("000");
    assertThat(curl(url.replace("https://", "http://"))).as("plaintext").isEqualTo("000");
  }

  @Test
  void shouldPresentARenewedCertificateWithoutARestart() throws Exception {
    assertThat(serverSerial()).isEqualTo(BigInteger.ONE);
    Instant before = Files.getLastModifiedTime(dir.resolve("server.pem")).toInstant();
    sign("server", 7);
    for (String file : List.of("server.pem", "server.key")) {
      Files.setLastModifiedTime(dir.resolve(file), FileTime.from(before.plusSeconds(5)));
    }
    assertThat(serverSerial()).isEqualTo(BigInteger.valueOf(7));
  }

  @Test
  void shouldServeGrpcOverMutualTlsOnlyToClientsWithACertificate() throws Exception {
    ChannelCredentials mutual =
        TlsChannelCredentials.newBuilder()
            .trustManager(dir.resolve("ca.pem").toFile())
            .keyManager(dir.resolve("client.pem").toFile(), dir.resolve("client.key").toFile())
            .build();
    assertThat(
            GRPCInferenceServiceGrpc.newBlockingStub(channel(mutual))
                .serverLive(ServerLiveRequest.getDefaultInstance())
                .getLive())
        .isTrue();
    ChannelCredentials noCertificate =
        TlsChannelCredentials.newBuilder().trustManager(dir.resolve("ca.pem").toFile()).build();
    for (ChannelCredentials refused : List.of(noCertificate, InsecureChannelCredentials.create())) {
      assertThatThrownBy(
              () ->
                  GRPCInferenceServiceGrpc.newBlockingStub(channel(refused))
                      .withDeadlineAfter(5, TimeUnit.SECONDS)
                      .serverLive(ServerLiveRequest.getDefaultInstance()))
          .isInstanceOf(StatusRuntimeException.class)
          .extracting(e -> ((StatusRuntimeException) e).getStatus().getCode())
          .isIn(Status.Code.UNAVAILABLE, Status.Code.DEADLINE_EXCEEDED);
    }
  }

  private ManagedChannel channel(ChannelCredentials credentials) {
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", grpc.port(), credentials).build();
    channels.add(channel);
    return channel;
  }

  /** The serial of the certificate the HTTPS port presents to a client with a certificate. */
  private BigInteger serverSerial() throws Exception {
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    trusted.setCertificateEntry(
        "ca",
        java.security.cert.CertificateFactory.getInstance("X.509")
            .generateCertificate(Files.newInputStream(dir.resolve("ca.pem"))));
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(
        new javax.net.ssl.KeyManager[] {
          new PemTls(dir.resolve("client.pem"), dir.resolve("client.key"), null).keyManager()
        },
        trust.getTrustManagers(),
        null);
    try (SSLSocket socket =
        (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", https.port())) {
      socket.startHandshake();
      return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
    }
  }

  private void sign(String name, int serial) throws Exception {
    openssl(
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        name + ".key",
        "-out",
        name + ".csr",
        "-subj",
        "/CN=" + name);
    openssl(
        "x509",
        "-req",
        "-in",
        name + ".csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-set_serial",
        String.valueOf(serial),
        "-days",
        "1",
        "-extfile",
        "san.ext",
        "-out",
        name + ".pem");
  }

  private void openssl(String... arguments) throws Exception {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(arguments));
    Process process =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as(output).isZero();
  }

  /** The HTTP status curl got, {@code 000} when it got none (refused handshake, no HTTP). */
  private String curl(String... arguments) throws Exception {
    List<String> command =
        new ArrayList<>(List.of("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-m", "5"));
    command.addAll(List.of(arguments));
    Process process =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String status = new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    process.waitFor(20, TimeUnit.SECONDS);
    return status.strip();
  }
}

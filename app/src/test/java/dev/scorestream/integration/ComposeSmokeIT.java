package dev.scorestream.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.HostConfig;
import dev.scorestream.fixtures.LocalImages;
import dev.scorestream.fixtures.MessyTraffic;
import dev.scorestream.registry.RegistrySettings;
import dev.scorestream.samples.ConservationCheck;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;

/**
 * The root docker-compose.yml with its secured variant, docker-compose.secure.yml, as a user starts
 * them (with the locally built images substituted through the image variables, and secrets from
 * deploy/compose/make-secrets.sh): Kafka over SASL_SSL with ACLs, the registry over HTTPS, and the
 * scorer logged in as its least-privileged principal, scoring only over TLS and with the token from
 * the secrets. Messy events are scored or dead-lettered exactly once, Prometheus scrapes the
 * scorer's management port and loads the alert rules, the scorer runs within its resource limits,
 * and everything goes down again. The secured variant overrides only the wire: the plain file's
 * services, topics and limits are what runs. Grafana's image cannot be built offline: its
 * provisioning is checked by {@code MonitoringConfigIT} instead.
 */
class ComposeSmokeIT {

  static final String PROJECT = "scorestream-smoke";
  static final List<String> SERVICES =
      List.of("kafka", "topics", "registry", "scorer", "prometheus");
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void shouldRunThePipelineFromTheComposeFile() throws Exception {
    LocalImages.assumeBuilt(
        List.of(
            LocalImages.KAFKA, LocalImages.REGISTRY, LocalImages.SCORER, LocalImages.PROMETHEUS));
    List<String> compose = composeCommand();
    for (int port : new int[] {9092, 9093, 8081, 8080, 8085, 9090}) {
      LocalImages.require(
          free(port), "port " + port + " is taken; the compose file uses fixed ports");
    }
    Path models =
        LocalImages.modelsDirectory(Path.of("target", "compose-it-models").toAbsolutePath());
    Path secrets = makeSecrets(Path.of("target", "compose-it-secrets").toAbsolutePath());
    Map<String, String> env =
        Map.of(
            "SECRETS_DIR",
            secrets.toString(),
            "KAFKA_IMAGE",
            LocalImages.KAFKA,
            "REGISTRY_IMAGE",
            LocalImages.REGISTRY,
            "SCORER_IMAGE",
            LocalImages.SCORER,
            "PROMETHEUS_IMAGE",
            LocalImages.PROMETHEUS,
            "MODELS_DIR",
            models.toString());
    try {
      List<String> up = new ArrayList<>(compose);
      up.addAll(List.of("up", "-d"));
      up.addAll(SERVICES);
      run(up, env, 5);
      await()
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofSeconds(2))
          .until(() -> status("http://127.0.0.1:8085/health/pipeline") == 200);

      assertThat(status("http://127.0.0.1:8081/apis/ccompat/v7/subjects"))
          .as("the registry answers HTTPS only")
          .isEqualTo(-1);
      ConservationCheck check =
          MessyTraffic.sendAndCheck(
              adminClient(secrets),
              RegistrySettings.of("https://127.0.0.1:8081/apis/ccompat/v7")
                  .withTrustStore(
                      secrets.resolve("truststore.p12"), storePassword(secrets).toCharArray()),
              "events",
              "events.predictions",
              "events.dlq",
              1000);
      assertThat(check.problems()).isEmpty();
      assertThat(check.out()).isEqualTo(1000);
      assertThat(check.predictions()).isPositive();
      assertThat(check.deadLetters()).isPositive();

      // Scoring over TLS with the token from the secrets; no token, or plaintext, gets nothing.
      String ca = secrets.resolve("ca.crt").toString();
      String token = Files.readString(secrets.resolve("scorer-tokens")).strip();
      String model = "https://127.0.0.1:8080/v1/model";
      assertThat(curl("--cacert", ca, "-H", "Authorization: Bearer " + token, model))
          .isEqualTo("200");
      assertThat(curl("--cacert", ca, model)).isEqualTo("401");
      assertThat(curl("--cacert", ca, "-H", "Authorization: Bearer wrong", model)).isEqualTo("401");
      assertThat(curl("http://127.0.0.1:8080/v1/model")).isNotEqualTo("200");

      await()
          .atMost(Duration.ofMinutes(1))
          .pollInterval(Duration.ofSeconds(2))
          .until(() -> get("http://127.0.0.1:9090/api/v1/targets").contains("\"health\":\"up\""));
      await()
          .atMost(Duration.ofMinutes(1))
          .pollInterval(Duration.ofSeconds(2))
          .until(
              () ->
                  get("http://127.0.0.1:9090/api/v1/query?query=scorer_records_total")
                      .contains("\"outcome\":\"prediction\""));
      assertThat(get("http://127.0.0.1:9090/api/v1/rules"))
          .contains("ScorerDriftAlert")
          .contains("ScorerBrokerUnreachable");

      HostConfig limits =
          DockerClientFactory.instance()
              .client()
              .inspectContainerCmd(scorerContainer().getId())
              .exec()
              .getHostConfig();
      assertThat(limits).isNotNull();
      assertThat(limits.getMemory()).isEqualTo(768L * 1024 * 1024);
      assertThat(limits.getNanoCPUs()).isEqualTo(1_500_000_000L);
    } finally {
      List<String> down = new ArrayList<>(compose);
      down.addAll(List.of("down", "-v", "--timeout", "30"));
      run(down, env, 3);
    }
  }

  /** curl's HTTP status for a request with {@code args} ("000" when no response came). */
  static String curl(String... args) throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(List.of("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-m", "10"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes()).strip();
    process.waitFor(30, TimeUnit.SECONDS);
    return out;
  }

  /** Fresh secrets from the script users run, readable by the containers' user. */
  static Path makeSecrets(Path dir) throws IOException, InterruptedException {
    if (Files.exists(dir)) {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(ComposeSmokeIT::delete);
      }
    }
    ProcessBuilder builder =
        new ProcessBuilder("bash", "deploy/compose/make-secrets.sh", dir.toString())
            .directory(ROOT.toFile())
            .redirectErrorStream(true);
    // keytool from the JDK running the tests
    builder
        .environment()
        .put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + System.getenv("PATH"));
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0)
        .as("make-secrets.sh\n" + output)
        .isTrue();
    return dir;
  }

  static void delete(Path path) {
    try {
      Files.delete(path);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static String storePassword(Path secrets) throws IOException {
    return Files.readString(secrets.resolve("store-password")).strip();
  }

  /** The broker's super user over SASL_SSL, trusting the stack's private CA. */
  static Map<String, Object> adminClient(Path secrets) throws IOException {
    return Map.of(
        "bootstrap.servers", "127.0.0.1:9092",
        "security.protocol", "SASL_SSL",
        "sasl.mechanism", "SCRAM-SHA-512",
        "sasl.jaas.config", Files.readString(secrets.resolve("admin-jaas")).strip(),
        "ssl.truststore.location", secrets.resolve("truststore.p12").toString(),
        "ssl.truststore.type", "PKCS12",
        "ssl.truststore.password", storePassword(secrets));
  }

  Container scorerContainer() {
    return DockerClientFactory.instance()
        .client()
        .listContainersCmd()
        .withLabelFilter(
            Map.of("com.docker.compose.project", PROJECT, "com.docker.compose.service", "scorer"))
        .exec()
        .stream()
        .findFirst()
        .orElseThrow(() -> new AssertionError("no scorer container in " + PROJECT));
  }

  /** docker-compose v1 where installed, else the v2 plugin; skips the test when neither answers. */
  static List<String> composeCommand() throws InterruptedException {
    for (List<String> candidate :
        List.of(List.of("docker-compose"), List.of("docker", "compose"))) {
      try {
        List<String> version = new ArrayList<>(candidate);
        version.add("version");
        Process process = new ProcessBuilder(version).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        if (process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0) {
          List<String> command = new ArrayList<>(candidate);
          command.addAll(
              List.of(
                  "-p",
                  PROJECT,
                  "-f",
                  ROOT.resolve("docker-compose.yml").toString(),
                  "-f",
                  ROOT.resolve("docker-compose.secure.yml").toString()));
          return command;
        }
      } catch (IOException e) {
        // not installed: try the next
      }
    }
    LocalImages.require(false, "neither docker-compose nor docker compose is installed");
    return List.of();
  }

  static void run(List<String> command, Map<String, String> env, int minutes)
      throws IOException, InterruptedException {
    ProcessBuilder builder =
        new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true);
    builder.environment().putAll(env);
    Path log = Files.createTempFile("compose", ".log");
    Process process = builder.redirectOutput(log.toFile()).start();
    boolean done = process.waitFor(minutes, TimeUnit.MINUTES);
    if (!done) {
      process.destroyForcibly();
    }
    String output = Files.readString(log);
    Files.deleteIfExists(log);
    assertThat(done && process.exitValue() == 0)
        .as(String.join(" ", command) + "\n" + output)
        .isTrue();
  }

  int status(String url) {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  String get(String url) throws IOException, InterruptedException {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (IOException e) {
      return "";
    }
  }

  static boolean free(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}

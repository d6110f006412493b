package dev.scorestream.integration;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Volume;
import dev.scorestream.fixtures.LocalImages;
import dev.scorestream.fixtures.MessyTraffic;
import dev.scorestream.samples.ConservationCheck;
import dev.scorestream.testkit.FreePort;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.Slf4jLogConsumer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * The three images as a user runs them (scorer, Kafka, registry; host networking, ports picked
 * free; the scorer on a read-only root filesystem, as deploy/k8s runs it): messy events in, every
 * one out exactly once as a prediction or a dead letter, metrics scraped, and the image's own
 * health check reporting ready.
 */
class ScorerContainerIT {

  static final int EVENTS = 2000;
  static GenericContainer<?> kafka;
  static GenericContainer<?> registry;
  static GenericContainer<?> scorer;
  static int kafkaPort;
  static int registryPort;
  static int httpPort;
  static int grpcPort;
  static int managementPort;

  @BeforeAll
  static void start() throws Exception {
    LocalImages.assumeBuilt(List.of(LocalImages.KAFKA, LocalImages.REGISTRY, LocalImages.SCORER));
    kafkaPort = FreePort.pick();
    int controllerPort = FreePort.pick();
    registryPort = FreePort.pick();
    httpPort = FreePort.pick();
    grpcPort = FreePort.pick();
    managementPort = FreePort.pick();
    kafka =
        new GenericContainer<>(DockerImageName.parse(LocalImages.KAFKA))
            .withNetworkMode("host")
            .withImagePullPolicy(image -> false)
            .withEnv(
                Map.ofEntries(
                    Map.entry("CLUSTER_ID", "scorestream-container-it"),
                    Map.entry("KAFKA_NODE_ID", "1"),
                    Map.entry("KAFKA_PROCESS_ROLES", "broker,controller"),
                    Map.entry(
                        "KAFKA_LISTENERS",
                        "PLAINTEXT://127.0.0.1:"
                            + kafkaPort
                            + ",CONTROLLER://127.0.0.1:"
                            + controllerPort),
                    Map.entry("KAFKA_ADVERTISED_LISTENERS", "PLAINTEXT://127.0.0.1:" + kafkaPort),
                    Map.entry("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER"),
                    Map.entry(
                        "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP",
                        "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
                    Map.entry("KAFKA_CONTROLLER_QUORUM_VOTERS", "1@127.0.0.1:" + controllerPort),
                    Map.entry("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1"),
                    Map.entry("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1"),
                    Map.entry("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1"),
                    Map.entry("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0")))
            .waitingFor(
                Wait.forLogMessage(".*Kafka Server started.*", 1)
                    .withStartupTimeout(Duration.ofMinutes(2)))
            .withLogConsumer(new Slf4jLogConsumer(LoggerFactory.getLogger("container.kafka")));
    registry =
        new GenericContainer<>(DockerImageName.parse(LocalImages.REGISTRY))
            .withNetworkMode("host")
            .withImagePullPolicy(image -> false)
            .withEnv(
                Map.of(
                    "QUARKUS_HTTP_HOST",
                    "127.0.0.1",
                    "QUARKUS_HTTP_PORT",
                    String.valueOf(registryPort)))
            .waitingFor(Wait.forHealthcheck().withStartupTimeout(Duration.ofMinutes(2)));
    kafka.start();
    registry.start();
    createTopics();

    Path models =
        LocalImages.modelsDirectory(Path.of("target", "container-it-models").toAbsolutePath());
    scorer =
        new GenericContainer<>(DockerImageName.parse(LocalImages.SCORER))
            .withNetworkMode("host")
            .withImagePullPolicy(image -> false)
            .withEnv(
                Map.of(
                    "SCORER_GRPC_HOST",
                    "127.0.0.1",
                    "SCORER_GRPC_PORT",
                    String.valueOf(grpcPort),
                    "SCORER_BOOTSTRAP_SERVERS",
                    "127.0.0.1:" + kafkaPort,
                    "SCORER_SCHEMA_REGISTRY_URL",
                    "http://127.0.0.1:" + registryPort + "/apis/ccompat/v7",
                    "SCORER_HTTP_HOST",
                    "127.0.0.1",
                    "SCORER_HTTP_PORT",
                    String.valueOf(httpPort),
                    "SCORER_MANAGEMENT_HOST",
                    "127.0.0.1",
                    "SCORER_MANAGEMENT_PORT",
                    String.valueOf(managementPort),
                    "SCORER_APPLICATION_ID",
                    "container-it"))
            // As deploy/k8s runs it: a read-only root filesystem, with writable scratch space
            // only where the scorer writes: /tmp, where RocksDB unpacks its native library (so
            // not noexec, which is tmpfs's default), and state.dir.
            .withTmpFs(
                Map.of(
                    "/tmp",
                    "rw,exec,size=256m",
                    "/var/lib/scorer",
                    "rw,size=512m,uid=10001,gid=10001"))
            .withCreateContainerCmdModifier(
                cmd ->
                    cmd.getHostConfig()
                        // Bound read-only through the Docker API itself: Testcontainers' own binds
                        // check them with an alpine image we cannot pull, and nothing can be
                        // copied into a read-only root filesystem.
                        .withBinds(
                            new Bind(models.toString(), new Volume("/models"), AccessMode.ro))
                        .withReadonlyRootfs(true)
                        .withMemory(768L * 1024 * 1024)
                        .withNanoCPUs(1_500_000_000L))
            .waitingFor(Wait.forHealthcheck().withStartupTimeout(Duration.ofMinutes(2)))
            .withLogConsumer(
                new Slf4jLogConsumer(LoggerFactory.getLogger("dev.scorestream.container.scorer")));
    scorer.start();
  }

  static void createTopics() throws Exception {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + kafkaPort);
    try (Admin admin = Admin.create(props)) {
      admin
          .createTopics(
              List.of(
                  new NewTopic("events", 4, (short) 1),
                  new NewTopic("events.predictions", 4, (short) 1),
                  new NewTopic("events.dlq", 1, (short) 1),
                  new NewTopic("events.drift", 1, (short) 1),
                  new NewTopic("events.labels", 4, (short) 1),
                  new NewTopic("events.performance", 1, (short) 1),
                  new NewTopic("events.training", 1, (short) 1)))
          .all()
          .get(60, TimeUnit.SECONDS);
    }
  }

  @AfterAll
  static void stop() {
    for (GenericContainer<?> container : new GenericContainer<?>[] {scorer, registry, kafka}) {
      if (container != null) {
        container.stop();
      }
    }
  }

  @Test
  void shouldScoreMessyEventsAndExposeMetricsFromTheImages() throws Exception {
    ConservationCheck check =
        MessyTraffic.sendAndCheck(
            "127.0.0.1:" + kafkaPort,
            "http://127.0.0.1:" + registryPort + "/apis/ccompat/v7",
            "events",
            "events.predictions",
            "events.dlq",
            EVENTS);

    assertThat(check.problems()).isEmpty();
    assertThat(check.in()).isEqualTo(EVENTS);
    assertThat(check.out()).isEqualTo(EVENTS);
    assertThat(check.predictions()).isPositive();
    assertThat(check.deadLetters()).isPositive();

    HttpClient http = HttpClient.newHttpClient();
    String metrics =
        http.send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + managementPort + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    assertThat(metrics)
        .contains("scorer_records_total{outcome=\"prediction\"")
        .contains("scorer_model_info{")
        .contains("jvm_memory_used_bytes");
    assertThat(scorer.getCurrentContainerInfo().getState().getHealth().getStatus())
        .isEqualTo("healthy");

    // the image serves the Open Inference Protocol over gRPC
    io.grpc.ManagedChannel channel =
        io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder.forAddress("127.0.0.1", grpcPort)
            .usePlaintext()
            .build();
    try {
      var stub = dev.scorestream.protocol.v2.GRPCInferenceServiceGrpc.newBlockingStub(channel);
      assertThat(
              stub.serverReady(dev.scorestream.protocol.v2.ServerReadyRequest.getDefaultInstance())
                  .getReady())
          .isTrue();
      assertThat(
              stub.modelMetadata(
                      dev.scorestream.protocol.v2.ModelMetadataRequest.newBuilder()
                          .setName("fraud")
                          .build())
                  .getInputsList())
          .isNotEmpty();
    } finally {
      channel.shutdownNow();
    }
    assertThat(scorer.getCurrentContainerInfo().getConfig().getUser()).isEqualTo("10001:10001");
  }
}

package dev.scorestream.testkit;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka broker in this JVM: KRaft combined mode (broker + controller) on two free
 * 127.0.0.1 ports, over a log directory formatted with Kafka's own {@link Formatter}. Starts in
 * about 4 s and uses about 250 MB.
 */
public final class EmbeddedKafka implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
  private static final Duration LEADER_WAIT = Duration.ofSeconds(60);

  private final Path directory;
  private final boolean ownsDirectory;
  private final KafkaRaftServer server;
  private final Map<String, Object> client;

  private EmbeddedKafka(
      Path directory, boolean ownsDirectory, KafkaRaftServer server, Map<String, Object> client) {
    this.directory = directory;
    this.ownsDirectory = ownsDirectory;
    this.server = server;
    this.client = Map.copyOf(client);
  }

  /** Starts a broker with its logs in a new temporary directory, deleted on close. */
  public static EmbeddedKafka start() {
    return start(TempDirectories.create("scorestream-kafka-"), true);
  }

  /**
   * Starts a broker with its logs in {@code directory}; deletes it on close when {@code
   * ownsDirectory}.
   */
  public static EmbeddedKafka start(Path directory, boolean ownsDirectory) {
    return start(directory, ownsDirectory, FreePort.pick(), FreePort.pick());
  }

  /**
   * Starts a broker on the given ports with its logs in {@code directory}. A directory a broker
   * already formatted is reused as it is (a restart, with every topic and committed offset kept);
   * an empty one is formatted first.
   */
  public static EmbeddedKafka start(
      Path directory, boolean ownsDirectory, int port, int controllerPort) {
    Properties props = brokerProperties(directory, controllerPort);
    props.put(
        "listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    props.put("inter.broker.listener.name", "PLAINTEXT");
    props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    return start(
        directory,
        ownsDirectory,
        props,
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port));
  }

  /**
   * What every broker here shares, listeners aside: one KRaft node in combined mode whose
   * controller listens on {@code controllerPort}, with its logs in {@code directory}.
   */
  static Properties brokerProperties(Path directory, int controllerPort) {
    String logDir = logDir(directory);
    Properties props = new Properties();
    props.put("process.roles", "broker,controller");
    props.put("node.id", "1");
    props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    props.put("controller.listener.names", "CONTROLLER");
    props.put("log.dirs", logDir);
    props.put("metadata.log.dir", logDir);
    props.put("num.partitions", "1");
    props.put("auto.create.topics.enable", "false");
    // One node: every internal topic has replication factor 1 and few partitions (fast first use).
    props.put("offsets.topic.replication.factor", "1");
    props.put("offsets.topic.num.partitions", "4");
    props.put("transaction.state.log.replication.factor", "1");
    props.put("transaction.state.log.min.isr", "1");
    props.put("transaction.state.log.num.partitions", "4");
    props.put("share.coordinator.state.topic.replication.factor", "1");
    props.put("share.coordinator.state.topic.min.isr", "1");
    props.put("group.initial.rebalance.delay.ms", "0");
    // The default 128 MB dedupe buffer is allocated eagerly; 2 MB is plenty for a test broker.
    props.put("log.cleaner.dedupe.buffer.size", "2097152");
    props.put("log.flush.interval.messages", Long.toString(Long.MAX_VALUE));
    return props;
  }

  private static String logDir(Path directory) {
    return directory.resolve("log").toAbsolutePath().toString();
  }

  /**
   * Starts a broker with {@code props} (see {@link #brokerProperties}, plus its listeners); {@code
   * client} is how this class's own clients reach it (bootstrap servers and, on a secured broker, a
   * super user's security settings).
   */
  static EmbeddedKafka start(
      Path directory, boolean ownsDirectory, Properties props, Map<String, Object> client) {
    String logDir = logDir(directory);
    if (!Files.exists(Path.of(logDir, "meta.properties"))) {
      format(logDir);
    }
    KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
    long started = System.nanoTime();
    server.startup();
    EmbeddedKafka kafka = new EmbeddedKafka(directory, ownsDirectory, server, client);
    kafka.awaitReady();
    LOG.info(
        "Kafka broker ready at {} in {} ms",
        kafka.bootstrapServers(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    return kafka;
  }

  private static void format(String logDir) {
    try {
      new Formatter()
          .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
          .setNodeId(1)
          .setClusterId(Uuid.randomUuid().toString())
          .setDirectories(List.of(logDir))
          .setMetadataLogDirectory(logDir)
          .setControllerListenerName("CONTROLLER")
          .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
          .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
          .run();
    } catch (Exception e) {
      throw new IllegalStateException("cannot format Kafka log directory " + logDir, e);
    }
  }

  /**
   * Where this class's clients connect: the plaintext listener, or on a {@link SecuredKafka} the
   * mutual-TLS listener.
   */
  public String bootstrapServers() {
    return (String) client.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
  }

  /**
   * Settings for a client of any kind that may do anything: the bootstrap servers and, on a {@link
   * SecuredKafka}, the super user's TLS client certificate.
   */
  public Map<String, Object> clientProperties() {
    return client;
  }

  /** An admin client with {@link #clientProperties()}. */
  public Admin admin() {
    return Admin.create(client);
  }

  private void awaitReady() {
    try (Admin admin = admin()) {
      admin.describeCluster().nodes().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("Kafka broker did not become ready", e);
    }
  }

  /**
   * Creates {@code topics} (name to partition count; existing ones are kept) and waits until every
   * partition has a leader: producing right after createTopics has lost records here (KAFKA-15591).
   */
  public void createTopics(Map<String, Integer> topics) {
    createTopics(topics, Map.of());
  }

  /** As {@link #createTopics(Map)}, every new topic with the given topic configs. */
  public void createTopics(Map<String, Integer> topics, Map<String, String> configs) {
    try (Admin admin = admin()) {
      createTopics(admin, topics, configs);
    }
  }

  static void createTopics(Admin admin, Map<String, Integer> topics, Map<String, String> configs) {
    List<NewTopic> requests = new ArrayList<>();
    topics.forEach(
        (name, partitions) ->
            requests.add(new NewTopic(name, partitions, (short) 1).configs(configs)));
    admin
        .createTopics(requests)
        .values()
        .forEach(
            (name, future) -> {
              try {
                future.get(30, TimeUnit.SECONDS);
              } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                  throw new IllegalStateException("cannot create topic " + name, e.getCause());
                }
              } catch (Exception e) {
                throw new IllegalStateException("cannot create topic " + name, e);
              }
            });
    awaitLeaders(admin, topics.keySet());
  }

  static void awaitLeaders(Admin admin, Set<String> topics) {
    long deadline = System.nanoTime() + LEADER_WAIT.toNanos();
    while (true) {
      try {
        Map<String, TopicDescription> descriptions =
            admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS);
        boolean allLed =
            descriptions.values().stream()
                .flatMap(d -> d.partitions().stream())
                .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
        if (allLed) {
          return;
        }
      } catch (ExecutionException e) {
        // metadata not propagated yet (UnknownTopicOrPartition): ask again
      } catch (Exception e) {
        throw new IllegalStateException("cannot describe topics " + topics, e);
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "partitions of " + topics + " have no leader after " + LEADER_WAIT);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  @Override
  public void close() {
    server.shutdown();
    server.awaitShutdown();
    if (ownsDirectory) {
      TempDirectories.delete(directory);
    }
  }
}

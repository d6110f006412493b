package dev.scorestream.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single-node KRaft broker of {@link EmbeddedKafka} in a child JVM, so a test can kill it (even
 * with SIGKILL) and start it again on the same ports over the same log directory, as an operator
 * restarts a broker. Stopped by the PID of the process it started, never anything else.
 */
public final class BrokerProcess implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(BrokerProcess.class);

  private final Path directory;
  private final int port;
  private final int controllerPort;
  private final Path log;
  private volatile Process process;

  private BrokerProcess(Path directory, int port, int controllerPort) {
    this.directory = directory;
    this.port = port;
    this.controllerPort = controllerPort;
    this.log = directory.resolve("broker.log");
  }

  /** Formats {@code directory} and starts a broker on two free ports. */
  public static BrokerProcess start(Path directory) {
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + directory, e);
    }
    BrokerProcess broker = new BrokerProcess(directory, FreePort.pick(), FreePort.pick());
    Runtime.getRuntime()
        .addShutdownHook(new Thread(broker::killQuietly, "broker-reaper-" + broker.port));
    broker.launch();
    return broker;
  }

  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** SIGKILL: the broker gets no chance to flush or to close its logs cleanly. */
  public void kill() {
    Process running = process;
    if (running != null) {
      running.destroyForcibly();
      await(running);
      process = null;
    }
  }

  /** SIGTERM: a controlled shutdown. */
  public void stop() {
    Process running = process;
    if (running != null) {
      running.destroy();
      if (!await(running)) {
        running.destroyForcibly();
        await(running);
      }
      process = null;
    }
  }

  /** Starts the broker again on the same ports and log directory; returns once it answers. */
  public void restart() {
    stop();
    launch();
  }

  /** Starts it again after {@link #kill()} or {@link #stop()}. */
  public void start() {
    if (!isRunning()) {
      launch();
    }
  }

  private void launch() {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder =
        new ProcessBuilder(
                java,
                "-Xmx512m",
                "-cp",
                System.getProperty("java.class.path"),
                BrokerMain.class.getName(),
                directory.toAbsolutePath().toString(),
                Integer.toString(port),
                Integer.toString(controllerPort))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    long started = System.nanoTime();
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the broker process", e);
    }
    awaitReady();
    LOG.info(
        "Kafka broker process ready at {} (pid {}) in {} ms",
        bootstrapServers(),
        process.pid(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 4000))) {
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new IllegalStateException(
              "the broker process exited with " + process.exitValue() + "; see " + log);
        }
        try {
          if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (Exception e) {
          // not listening yet
        }
      }
    }
    throw new IllegalStateException("the broker process did not answer within 90 s; see " + log);
  }

  /** Creates topics (see {@link EmbeddedKafka#createTopics(Map, Map)}). */
  public void createTopics(Map<String, Integer> topics, Map<String, String> configs) {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
      EmbeddedKafka.createTopics(admin, topics, configs);
    }
  }

  private static boolean await(Process process) {
    try {
      return process.waitFor(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void killQuietly() {
    Process running = process;
    if (running != null) {
      running.destroyForcibly();
    }
  }

  @Override
  public void close() {
    stop();
  }

  /** The child process: a broker on the given directory and ports, until it is killed. */
  public static final class BrokerMain {

    private BrokerMain() {}

    public static void main(String[] args) throws InterruptedException {
      EmbeddedKafka kafka =
          EmbeddedKafka.start(
              Path.of(args[0]), false, Integer.parseInt(args[1]), Integer.parseInt(args[2]));
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    kafka.close();
                    stopped.countDown();
                  },
                  "broker-shutdown"));
      stopped.await();
    }
  }
}

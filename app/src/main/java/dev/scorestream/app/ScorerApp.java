package dev.scorestream.app;

import dev.scorestream.config.ScorerConfig;
import dev.scorestream.http.ScorerHttpServer;
import dev.scorestream.inference.GrpcInferenceServer;
import dev.scorestream.model.ModelWatcher;
import dev.scorestream.registry.RegistryUnavailableException;
import dev.scorestream.registry.SchemaRegistryClient;
import dev.scorestream.security.AuthorizationFailures;
import dev.scorestream.serving.ActiveModel;
import dev.scorestream.serving.Health;
import dev.scorestream.topology.OutputFailureHandler;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running scorer: one Kafka Streams instance executing the scoring topology, with its HTTP
 * server, metrics and model watcher. {@link #start} checks everything it can before consuming a
 * record (reader schema rules, model artifact, registry reachable, topics exist, their size limits)
 * and fails with a message naming the problem; {@link Startup} holds its phases.
 */
public final class ScorerApp implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ScorerApp.class);

  /** The server name in Open Inference Protocol metadata. */
  public static final String SERVER_NAME = "scorestream";

  /** What start-up made; everything to close is on its resources, closed last-opened first. */
  private final Startup started;

  private ScorerApp(Startup started) {
    this.started = started;
  }

  /** Blocks until Kafka Streams stops (NOT_RUNNING after close, or ERROR after a fatal failure). */
  public void awaitTermination() throws InterruptedException {
    started.stopped.await();
  }

  /** The Prometheus registry behind {@code /metrics}. */
  public PrometheusMeterRegistry meters() {
    return started.meters;
  }

  /** The version of this build (jar manifest), or {@code dev} when run from classes. */
  public static String appVersion() {
    String version = ScorerApp.class.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }

  public static ScorerApp start(ScorerConfig config, Clock clock) {
    Deque<AutoCloseable> resources = new ArrayDeque<>();
    try {
      Startup startup = new Startup(config, clock, resources);
      startup.serving();
      startup.topics();
      startup.outputs();
      startup.metrics();
      startup.pipeline();
      startup.run();
      startup.watchModels();
      ScorerApp app = new ScorerApp(startup);
      startup.serve(app);
      return app;
    } catch (RuntimeException e) {
      closeAll(resources);
      throw e;
    }
  }

  /**
   * A stream thread died. Two causes are recoveries, not failures, and get a new thread that
   * resumes from the last commit: a registry outage that outlasted its wait, and an output a topic
   * refused for one record (the retry writes that record degraded). Anything else stops the
   * instance; a missing ACL with one line naming it.
   */
  static StreamThreadExceptionResponse onStreamThreadFailure(
      Throwable error, String applicationId, List<String> topicsRead) {
    if (hasCause(error, RegistryUnavailableException.class)) {
      LOG.warn("stream thread restarts after a registry outage: {}", error.getMessage());
      return StreamThreadExceptionResponse.REPLACE_THREAD;
    }
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (OutputFailureHandler.belongsToTheRecord(cause)) {
        LOG.warn(
            "stream thread restarts: a topic refused one record ({}); it is written degraded on"
                + " the retry",
            cause.getClass().getSimpleName());
        return StreamThreadExceptionResponse.REPLACE_THREAD;
      }
    }
    Optional<String> denied = AuthorizationFailures.describe(error, applicationId, topicsRead);
    if (denied.isPresent()) {
      LOG.error("{}; shutting down this instance", denied.get());
      return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }
    LOG.error("stream thread failed; shutting down this instance", error);
    return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
  }

  private static boolean hasCause(Throwable error, Class<? extends Throwable> type) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (type.isInstance(cause)) {
        return true;
      }
    }
    return false;
  }

  public KafkaStreams streams() {
    return started.streams;
  }

  public Health health() {
    return started.health;
  }

  public ActiveModel model() {
    return started.serving.model();
  }

  public SchemaRegistryClient registry() {
    return started.registry;
  }

  public int predictionSchemaId() {
    return started.predictionSchemaId;
  }

  public ScorerConfig config() {
    return started.config;
  }

  /** The HTTP server's base URL, when it runs. */
  public Optional<String> httpUrl() {
    return Optional.ofNullable(started.http).map(ScorerHttpServer::url);
  }

  /** The management server's base URL (health and metrics), when it runs. */
  public Optional<String> managementUrl() {
    return Optional.ofNullable(started.management).map(ScorerHttpServer::url);
  }

  /** The models-directory watcher, when {@code model.dir} is a directory of artifacts. */
  public Optional<ModelWatcher> watcher() {
    return Optional.ofNullable(started.watcher);
  }

  /** The gRPC server's {@code host:port}, when it runs. */
  public Optional<String> grpcAddress() {
    return Optional.ofNullable(started.grpc).map(GrpcInferenceServer::address);
  }

  /**
   * Inference readiness: the model is loaded and REST and gRPC answer; false once the scorer is
   * stopping. Says nothing about the stream (see {@link #pipelineHealthy}).
   */
  public boolean isReady() {
    return !started.closing.get();
  }

  /**
   * Pipeline health: Kafka Streams running, a broker and the registry answering, waiting input
   * being processed.
   */
  public boolean pipelineHealthy() {
    return started.pipelineHealth.healthy();
  }

  PipelineHealth.Status pipelineStatus() {
    return started.pipelineHealth.status();
  }

  @Override
  public void close() {
    if (!started.closing.compareAndSet(false, true)) {
      return;
    }
    LOG.info("stopping scorer");
    closeAll(started.resources);
  }

  private static void closeAll(Deque<AutoCloseable> resources) {
    while (!resources.isEmpty()) {
      try {
        resources.pop().close();
      } catch (Exception e) {
        LOG.warn("while stopping: {}", e.toString());
      }
    }
  }
}

package dev.scorestream.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scorestream.config.ScorerConfig;
import dev.scorestream.http.ScorerHttpServer;
import dev.scorestream.metrics.RetrainingMetrics;
import dev.scorestream.registry.SchemaRegistryClient;
import dev.scorestream.retraining.ModelEvent;
import dev.scorestream.retraining.Rebuilder;
import dev.scorestream.retraining.RetrainingController;
import dev.scorestream.retraining.RetrainingPolicy;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.common.config.ConfigException;

/**
 * The retraining controller's process ({@code scorer retrain}): the scorer's configuration (topics,
 * models and challenger directories, Kafka and registry settings) plus a retraining policy, in
 * named phases. {@link #watch} leads or stands by until stopped, with {@code /metrics} and {@code
 * /health} on {@code retrain.http.port}; {@link #once} takes one shot.
 */
public final class RetrainApp implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final RetrainingController controller;
  private final PrometheusMeterRegistry meters;
  private final RetrainingMetrics metrics;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private ScorerHttpServer http;

  private RetrainApp(
      RetrainingController controller, PrometheusMeterRegistry meters, RetrainingMetrics metrics) {
    this.controller = controller;
    this.meters = meters;
    this.metrics = metrics;
  }

  /**
   * Checks the configuration and the policy and makes the controller; nothing acts yet.
   *
   * @param log where the controller says what it decides (the console)
   */
  public static RetrainApp create(
      ScorerConfig config, Path policyFile, Consumer<String> log, Clock clock) {
    RetrainingController.Settings settings =
        settings(config, policyFile, actor("controller"), ArtifactKeys.forRetraining(config));
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    RetrainingMetrics metrics = new RetrainingMetrics(meters, settings.policy(), clock);
    RetrainingController controller = new RetrainingController(settings, metrics, log, clock);
    return new RetrainApp(controller, meters, metrics);
  }

  /**
   * A rebuild of a recorded candidate ({@code scorer retrain --rebuild}): reads the trail and the
   * training topic, takes no lease.
   */
  public static Rebuilder rebuilder(
      ScorerConfig config, Path policyFile, Consumer<String> log, Clock clock) {
    return new Rebuilder(settings(config, policyFile, actor("rebuild"), null), clock, log);
  }

  /** A person's action under the same fence ({@code scorer models retrain|promote|...}). */
  public static RetrainingController forPerson(
      ScorerConfig config, Path policyFile, String who, Consumer<String> log, Clock clock) {
    return RetrainingController.forPerson(
        settings(config, policyFile, actor(who), ArtifactKeys.signing(config)), log, clock);
  }

  /**
   * @param signingKey signs the candidates stored, or null (a rebuild compares, it never publishes)
   */
  static RetrainingController.Settings settings(
      ScorerConfig config, Path policyFile, ModelEvent.Actor actor, PrivateKey signingKey) {
    RetrainingPolicy policy;
    try {
      policy = RetrainingPolicy.read(policyFile);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    } catch (IOException e) {
      throw new ConfigException("cannot read the retraining policy " + policyFile + ": " + e);
    }
    String challengers = config.getString(ScorerConfig.CHALLENGER_DIR);
    if (challengers.isEmpty()) {
      throw new ConfigException(
          ScorerConfig.CHALLENGER_DIR,
          challengers,
          "the retraining controller publishes challengers there: set it to a directory the"
              + " scorers watch (e.g. <model.dir>/.challenger)");
    }
    Path models = Path.of(config.getString(ScorerConfig.MODEL_DIR));
    return new RetrainingController.Settings(
        policy,
        new RetrainingController.Topics(
            config.getString(ScorerConfig.TOPIC_TRAINING),
            config.getString(ScorerConfig.TOPIC_PERFORMANCE),
            config.getString(ScorerConfig.TOPIC_DRIFT),
            config.getString(ScorerConfig.TOPIC_MODEL_EVENTS),
            config.getBoolean(ScorerConfig.SCHEMA_CHANGES_ENABLED)
                ? config.getString(ScorerConfig.TOPIC_SCHEMA_CHANGES)
                : ""),
        new RetrainingController.Places(models, Path.of(challengers), signingKey),
        new RetrainingController.Lease(
            config.getString(ScorerConfig.RETRAIN_LEASE_PREFIX) + "-" + policy.model(),
            config.getDuration(ScorerConfig.RETRAIN_SESSION_TIMEOUT),
            config.getDuration(ScorerConfig.RETRAIN_FENCE_BACKOFF),
            config.getDuration(ScorerConfig.RETRAIN_STEP_TIMEOUT)),
        StreamsProperties.clients(config),
        new SchemaRegistryClient(PipelineConfig.registrySettings(config)),
        PipelineConfig.readerSchema(config),
        actor,
        ScorerApp.appVersion());
  }

  /** The registry client the scorers' configuration describes. */
  public static SchemaRegistryClient registry(ScorerConfig config) {
    return new SchemaRegistryClient(PipelineConfig.registrySettings(config));
  }

  private static ModelEvent.Actor actor(String who) {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "unknown";
    }
    return who.equals("controller")
        ? new ModelEvent.Actor(
            ModelEvent.ActorKind.CONTROLLER,
            "scorer retrain (pid " + ProcessHandle.current().pid() + ")",
            host)
        : new ModelEvent.Actor(ModelEvent.ActorKind.PERSON, who, host);
  }

  public RetrainingController controller() {
    return controller;
  }

  public PrometheusMeterRegistry meters() {
    return meters;
  }

  /**
   * Serves {@code /metrics} and {@code /health/live|ready} (ready: this controller leads or stands
   * by, live).
   */
  public RetrainApp serve(String host, int port) {
    if (port < 0) {
      return this;
    }
    http =
        ScorerHttpServer.start(
            host,
            port,
            server -> {
              server.route(
                  "/metrics",
                  Map.of(
                      "GET",
                      (method, body) ->
                          new ScorerHttpServer.Response(
                              200,
                              "text/plain; version=0.0.4; charset=utf-8",
                              meters.scrape().getBytes(StandardCharsets.UTF_8))));
              server.route(
                  "/health/live",
                  Map.of(
                      "GET",
                      (method, body) ->
                          ScorerHttpServer.Response.json(
                              running.get() ? 200 : 503,
                              JSON.createObjectNode()
                                  .put("status", running.get() ? "UP" : "DOWN"))));
              server.route(
                  "/health/ready",
                  Map.of(
                      "GET",
                      (method, body) -> {
                        ObjectNode status = JSON.createObjectNode();
                        status.put("status", running.get() ? "UP" : "DOWN");
                        status.put("leader", metrics.leading());
                        status.put("phase", metrics.phase());
                        return ScorerHttpServer.Response.json(running.get() ? 200 : 503, status);
                      }));
            });
    return this;
  }

  /** The HTTP server's base URL, when it runs. */
  public String url() {
    return http == null ? null : http.url();
  }

  /** Leads or stands by until {@link #close}. */
  public void watch() {
    controller.watch(running::get);
  }

  @Override
  public void close() {
    running.set(false);
  }

  /** Releases the lease and the server (after {@link #watch} returned). */
  public void shutdown() {
    running.set(false);
    if (http != null) {
      http.close();
    }
    controller.close();
    meters.close();
  }
}

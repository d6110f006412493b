package dev.scorestream.app;

import dev.scorestream.topology.OutputLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The output limits, learned from the cluster: each output topic's {@code max.message.bytes}, the
 * broker's {@code message.max.bytes} (what Kafka Streams' repartition and changelog topics get) and
 * the producer's {@code max.request.size}, minus a margin for compression framing. Read at
 * start-up, again every refresh interval, and soon after a topic refused a record the limits said
 * would fit.
 */
final class TopicLimits implements OutputLimits, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TopicLimits.class);

  /** Kafka's default {@code message.max.bytes}, for when the broker's cannot be read. */
  static final long KAFKA_DEFAULT_MESSAGE_MAX_BYTES = 1_048_588;

  /** The smallest dead-letter limit that always fits a fully degraded dead letter. */
  static final long MIN_DEAD_LETTER_BYTES = 16 * 1024;

  private final Admin admin;
  private final List<String> topics;
  private final long maxRequestSize;
  private final ScheduledExecutorService refresher;
  private final AtomicBoolean refreshPending = new AtomicBoolean();
  private volatile Map<String, Long> topicLimits = Map.of();
  private volatile Map<String, String> cleanupPolicies = Map.of();
  private volatile long internalLimit = KAFKA_DEFAULT_MESSAGE_MAX_BYTES;

  private TopicLimits(Admin admin, List<String> topics, long maxRequestSize) {
    this.admin = admin;
    this.topics = List.copyOf(topics);
    this.maxRequestSize = maxRequestSize;
    this.refresher =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "output-limits");
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * Reads the limits of {@code topics} now (failing start-up if they cannot be read) and keeps them
   * fresh every {@code refreshInterval}.
   */
  static TopicLimits learn(
      Properties adminProperties,
      Collection<String> topics,
      long maxRequestSize,
      Duration refreshInterval) {
    TopicLimits limits =
        new TopicLimits(Admin.create(adminProperties), new ArrayList<>(topics), maxRequestSize);
    try {
      limits.read();
    } catch (RuntimeException e) {
      limits.close();
      throw e;
    }
    long every = refreshInterval.toMillis();
    limits.refresher.scheduleWithFixedDelay(
        limits::readQuietly, every, every, TimeUnit.MILLISECONDS);
    return limits;
  }

  @Override
  public long maxRecordBytes(String topic) {
    return withMargin(Math.min(maxRequestSize, topicLimits.getOrDefault(topic, internalLimit)));
  }

  @Override
  public long maxInternalRecordBytes() {
    return withMargin(Math.min(maxRequestSize, internalLimit));
  }

  /** The smallest limit of any output, raw (for the producer's batch size). */
  long smallestTopicLimit() {
    return topicLimits.values().stream().mapToLong(Long::longValue).min().orElse(internalLimit);
  }

  /** The topic's {@code cleanup.policy}, as read. */
  String cleanupPolicy(String topic) {
    return cleanupPolicies.getOrDefault(topic, TopicConfig.CLEANUP_POLICY_DELETE);
  }

  /** Leaves 1% and 1 KiB for what the estimate cannot see: compression framing, mostly. */
  static long withMargin(long limit) {
    return limit - limit / 100 - 1024;
  }

  @Override
  public void refreshSoon() {
    if (refreshPending.compareAndSet(false, true)) {
      refresher.execute(
          () -> {
            refreshPending.set(false);
            readQuietly();
          });
    }
  }

  private void readQuietly() {
    try {
      read();
    } catch (RuntimeException e) {
      LOG.warn(
          "could not refresh the output topics' size limits; keeping the last ones: {}",
          e.toString());
    }
  }

  private void read() {
    Map<ConfigResource, Config> configs =
        describe(
            topics.stream()
                .map(topic -> new ConfigResource(ConfigResource.Type.TOPIC, topic))
                .toList());
    Map<String, Long> limits = new HashMap<>();
    Map<String, String> policies = new HashMap<>();
    configs.forEach(
        (resource, config) -> {
          ConfigEntry max = config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
          if (max != null && max.value() != null) {
            limits.put(resource.name(), Long.parseLong(max.value()));
          }
          ConfigEntry policy = config.get(TopicConfig.CLEANUP_POLICY_CONFIG);
          if (policy != null && policy.value() != null) {
            policies.put(resource.name(), policy.value());
          }
        });
    long broker = brokerMessageMaxBytes();
    Map<String, Long> before = topicLimits;
    topicLimits = Map.copyOf(limits);
    cleanupPolicies = Map.copyOf(policies);
    internalLimit = broker;
    if (!limits.equals(before)) {
      LOG.info(
          "output limits: {} (topics' max.message.bytes), {} for internal topics, max.request.size {}",
          limits,
          broker,
          maxRequestSize);
    }
  }

  private long brokerMessageMaxBytes() {
    try {
      Collection<Node> nodes = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS);
      if (nodes.isEmpty()) {
        return internalLimit;
      }
      ConfigResource broker =
          new ConfigResource(ConfigResource.Type.BROKER, nodes.iterator().next().idString());
      ConfigEntry entry = describe(List.of(broker)).get(broker).get("message.max.bytes");
      return entry == null || entry.value() == null ? internalLimit : Long.parseLong(entry.value());
    } catch (RuntimeException
        | InterruptedException
        | ExecutionException
        | java.util.concurrent.TimeoutException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      // DescribeConfigs on the cluster may be denied where topics are not: assume Kafka's default.
      LOG.debug(
          "broker's message.max.bytes not readable, assuming {}: {}", internalLimit, e.toString());
      return internalLimit;
    }
  }

  private Map<ConfigResource, Config> describe(List<ConfigResource> resources) {
    try {
      return admin.describeConfigs(resources).all().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException(
          "cannot read the configuration of " + resources + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading topic configurations", e);
    }
  }

  @Override
  public void close() {
    refresher.shutdownNow();
    admin.close(Duration.ofSeconds(5));
  }
}

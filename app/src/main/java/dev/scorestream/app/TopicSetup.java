package dev.scorestream.app;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates and checks the topics of a {@link TopicPlan} on a cluster: {@code scorer topics create}
 * and {@code check}. A topic that exists is never changed, only checked; each topic gets one {@link
 * Row} that says what it is and, when it is not what the pipeline needs, expected against actual.
 */
public final class TopicSetup implements AutoCloseable {

  private static final long TIMEOUT_SECONDS = 30;

  /**
   * One topic as found (or made).
   *
   * @param topic the topic's name
   * @param key the configuration key that names it
   * @param partitions its partition count, or "-" when it does not exist
   * @param cleanup its cleanup.policy, or "-"
   * @param maxMessageBytes its max.message.bytes, or "-"
   * @param created whether this run created it
   * @param problems what is not as the pipeline needs it, each naming expected and actual
   */
  public record Row(
      String topic,
      String key,
      String partitions,
      String cleanup,
      String maxMessageBytes,
      boolean created,
      List<String> problems) {

    /** Whether the topic is as the pipeline needs it. */
    public boolean ok() {
      return problems.isEmpty();
    }

    /** {@code ok}, {@code created}, or the problems. */
    public String status() {
      return ok() ? (created ? "created" : "ok") : String.join("; ", problems);
    }
  }

  /** What the cluster says of an existing topic. */
  private record Actual(int partitions, String cleanup, long maxMessageBytes) {}

  private final TopicPlan plan;
  private final Admin admin;

  /** A setup of {@code plan} with an admin client of {@code clientProperties}. */
  public TopicSetup(TopicPlan plan, Properties clientProperties) {
    this.plan = plan;
    Properties props = new Properties();
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
    props.putAll(clientProperties);
    this.admin = Admin.create(props);
  }

  /** Every topic of the plan, checked. */
  public List<Row> check() {
    return rows(describe(), Set.of());
  }

  /**
   * Creates the plan's missing topics, the input first ({@code inputPartitions} or the broker's
   * default), the others after it with the partition count and settings they need, each with {@code
   * replication} or the broker's default; then checks every topic.
   */
  public List<Row> create(Optional<Integer> inputPartitions, Optional<Short> replication) {
    Map<String, Actual> actual = describe();
    Set<String> created = new HashSet<>();
    TopicPlan.Topic input = plan.input();
    if (!actual.containsKey(input.name())) {
      createAll(List.of(new NewTopic(input.name(), inputPartitions, replication)), created);
      actual = awaitDescribed(Set.of(input.name()));
    }
    Actual events = actual.get(input.name());
    List<NewTopic> missing = new ArrayList<>();
    for (TopicPlan.Topic topic : plan.topics()) {
      if (!actual.containsKey(topic.name())) {
        missing.add(
            new NewTopic(
                    topic.name(),
                    Optional.of(
                        topic.partitions() == TopicPlan.Partitions.SINGLE
                            ? 1
                            : events.partitions()),
                    replication)
                .configs(settings(topic, events)));
      }
    }
    createAll(missing, created);
    return rows(awaitDescribed(created), created);
  }

  /** The topic-level settings a new topic gets. */
  private static Map<String, String> settings(TopicPlan.Topic topic, Actual input) {
    Map<String, String> settings = new HashMap<>();
    switch (topic.cleanup()) {
      case COMPACT ->
          settings.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
      case DELETE ->
          settings.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
      case ANY -> {}
    }
    if (topic.minMessageBytes() > 0) {
      // A record the input took, with the headers that come with it (the dead-letter ones).
      settings.put(
          TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
          Long.toString(input.maxMessageBytes() + topic.minMessageBytes()));
    }
    return settings;
  }

  private void createAll(List<NewTopic> topics, Set<String> created) {
    if (topics.isEmpty()) {
      return;
    }
    Map<String, KafkaFuture<Void>> results = admin.createTopics(topics).values();
    for (Map.Entry<String, KafkaFuture<Void>> result : results.entrySet()) {
      try {
        result.getValue().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        created.add(result.getKey());
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw new IllegalStateException(
              "cannot create topic " + result.getKey() + ": " + e.getCause().getMessage(),
              e.getCause());
        }
      } catch (Exception e) {
        throw failure("create topic " + result.getKey(), e);
      }
    }
  }

  /** The topics as described, once the ones just created are (their metadata may lag). */
  private Map<String, Actual> awaitDescribed(Set<String> expected) {
    long deadline = System.nanoTime() + Duration.ofSeconds(TIMEOUT_SECONDS).toNanos();
    while (true) {
      Map<String, Actual> actual = describe();
      if (actual.keySet().containsAll(expected) || System.nanoTime() > deadline) {
        return actual;
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw failure("wait for topics " + expected, e);
      }
    }
  }

  private List<Row> rows(Map<String, Actual> actual, Set<String> created) {
    Actual input = actual.get(plan.input().name());
    List<Row> rows = new ArrayList<>();
    for (TopicPlan.Topic topic : plan.topics()) {
      Actual found = actual.get(topic.name());
      rows.add(
          found == null
              ? new Row(topic.name(), topic.key(), "-", "-", "-", false, List.of(missing(topic)))
              : new Row(
                  topic.name(),
                  topic.key(),
                  Integer.toString(found.partitions()),
                  found.cleanup(),
                  Long.toString(found.maxMessageBytes()),
                  created.contains(topic.name()),
                  problems(topic, found, input)));
    }
    return rows;
  }

  private static String missing(TopicPlan.Topic topic) {
    return "missing"
        + (topic.scorerCreates() ? " (scorer run creates it, compacted, when it starts)" : "");
  }

  private List<String> problems(TopicPlan.Topic topic, Actual found, Actual input) {
    List<String> problems = new ArrayList<>();
    if (topic.partitions() == TopicPlan.Partitions.COPARTITIONED
        && input != null
        && found.partitions() != input.partitions()) {
      problems.add(
          found.partitions()
              + " partitions, expected "
              + input.partitions()
              + " (those of "
              + plan.input().name()
              + "): "
              + topic.why());
    }
    boolean compacted = found.cleanup().contains(TopicConfig.CLEANUP_POLICY_COMPACT);
    if (topic.cleanup() == TopicPlan.Cleanup.COMPACT && !compacted) {
      problems.add(
          "not compacted (cleanup.policy="
              + found.cleanup()
              + "), expected compact: "
              + topic.why());
    }
    if (topic.cleanup() == TopicPlan.Cleanup.DELETE && compacted) {
      problems.add(
          "compacted (cleanup.policy=" + found.cleanup() + "), expected delete: " + topic.why());
    }
    if (found.maxMessageBytes() < topic.minMessageBytes()) {
      problems.add(
          "max.message.bytes "
              + found.maxMessageBytes()
              + " too small, expected at least "
              + topic.minMessageBytes()
              + ": "
              + topic.why());
    }
    return problems;
  }

  /** Every topic of the plan that exists, as the cluster describes it. */
  private Map<String, Actual> describe() {
    try {
      Set<String> existing =
          new HashSet<>(admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
      List<String> names =
          plan.topics().stream().map(TopicPlan.Topic::name).filter(existing::contains).toList();
      if (names.isEmpty()) {
        return Map.of();
      }
      Map<String, Integer> partitions = new HashMap<>();
      admin
          .describeTopics(names)
          .allTopicNames()
          .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
          .forEach((name, description) -> partitions.put(name, description.partitions().size()));
      Map<ConfigResource, Config> configs =
          admin
              .describeConfigs(
                  names.stream()
                      .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name))
                      .toList())
              .all()
              .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      Map<String, Actual> actual = new LinkedHashMap<>();
      configs.forEach(
          (resource, config) ->
              actual.put(
                  resource.name(),
                  new Actual(
                      partitions.get(resource.name()),
                      config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value(),
                      Long.parseLong(config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG).value()))));
      return actual;
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot describe topics "
              + plan.topics().stream().map(TopicPlan.Topic::name).toList()
              + ": "
              + e.getCause().getMessage(),
          e.getCause());
    } catch (Exception e) {
      throw failure("describe topics", e);
    }
  }

  private static IllegalStateException failure(String what, Exception e) {
    if (e instanceof InterruptedException) {
      Thread.currentThread().interrupt();
    }
    return new IllegalStateException("cannot " + what + ": " + e, e);
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(5));
  }
}

package dev.scorestream.app;

import dev.scorestream.config.ScorerConfig;
import dev.scorestream.enrichment.EnrichmentSpec;
import dev.scorestream.security.MissingAclException;
import dev.scorestream.security.RequiredAccess;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up checks of the topics a configuration names, before Kafka Streams starts: each exists,
 * and the dead-letter topic keeps and takes every dead letter. An error names the config key.
 */
final class TopicChecks {

  private static final Logger LOG = LoggerFactory.getLogger(TopicChecks.class);

  private TopicChecks() {}

  /** The topics the pipeline writes by name. */
  static List<String> outputTopics(ScorerConfig config) {
    List<String> topics = new ArrayList<>();
    topics.add(config.getString(ScorerConfig.TOPIC_PREDICTIONS));
    topics.add(config.getString(ScorerConfig.TOPIC_DLQ));
    if (config.getBoolean(ScorerConfig.DRIFT_ENABLED)) {
      topics.add(config.getString(ScorerConfig.TOPIC_DRIFT));
    }
    if (config.getBoolean(ScorerConfig.FEEDBACK_ENABLED)) {
      topics.add(config.getString(ScorerConfig.TOPIC_PERFORMANCE));
      topics.add(config.getString(ScorerConfig.TOPIC_TRAINING));
    }
    return topics;
  }

  /**
   * A dead-letter topic must keep every dead letter (no compaction: degraded ones may have no key)
   * and take a fully degraded one.
   */
  static void checkDeadLetterTopic(String topic, TopicLimits limits) {
    if (limits.cleanupPolicy(topic).contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
      throw new ConfigException(
          ScorerConfig.TOPIC_DLQ,
          topic,
          "the dead-letter topic is compacted (cleanup.policy="
              + limits.cleanupPolicy(topic)
              + "): compaction would drop dead letters; use cleanup.policy=delete");
    }
    if (limits.maxRecordBytes(topic) < TopicLimits.MIN_DEAD_LETTER_BYTES) {
      throw new ConfigException(
          ScorerConfig.TOPIC_DLQ,
          topic,
          "the dead-letter topic accepts records of at most "
              + limits.maxRecordBytes(topic)
              + " bytes (max.message.bytes, max.request.size); a dead letter needs "
              + TopicLimits.MIN_DEAD_LETTER_BYTES);
    }
  }

  /**
   * The schema-changes topic exists and is compacted: it is created (one partition, compacted) when
   * missing, since its shape is the scorer's to decide; an uncompacted one is refused.
   *
   * @return true when this call created it (so it holds nothing yet)
   */
  static boolean ensureSchemaChangesTopic(ScorerConfig config) {
    String topic = config.getString(ScorerConfig.TOPIC_SCHEMA_CHANGES);
    try (Admin admin = Admin.create(StreamsProperties.admin(config))) {
      if (!admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic)
          && create(admin, topic)) {
        return true;
      }
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      String policy =
          admin
              .describeConfigs(List.of(resource))
              .all()
              .get(30, TimeUnit.SECONDS)
              .get(resource)
              .get(TopicConfig.CLEANUP_POLICY_CONFIG)
              .value();
      if (!policy.contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
        throw new ConfigException(
            ScorerConfig.TOPIC_SCHEMA_CHANGES,
            topic,
            "the schema-changes topic is not compacted (cleanup.policy="
                + policy
                + "): it keeps one report per schema; use cleanup.policy=compact");
      }
      return false;
    } catch (ConfigException | IllegalStateException | MissingAclException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(
          "cannot check topic " + topic + " (" + ScorerConfig.TOPIC_SCHEMA_CHANGES + "): " + e, e);
    }
  }

  /** Creates the topic; false when another instance created it meanwhile. */
  private static boolean create(Admin admin, String topic) throws Exception {
    NewTopic compacted =
        new NewTopic(topic, Optional.of(1), Optional.empty())
            .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
    try {
      admin.createTopics(List.of(compacted)).all().get(30, TimeUnit.SECONDS);
      LOG.info("created compacted topic {} ({})", topic, ScorerConfig.TOPIC_SCHEMA_CHANGES);
      return true;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TopicAuthorizationException) {
        throw new MissingAclException(
            List.of(
                RequiredAccess.topic(
                    AclOperation.CREATE,
                    topic,
                    ScorerConfig.TOPIC_SCHEMA_CHANGES
                        + ": the scorer creates it, compacted, when it is missing; or create it"
                        + " with cleanup.policy=compact")));
      }
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException(
            "cannot create topic "
                + topic
                + " ("
                + ScorerConfig.TOPIC_SCHEMA_CHANGES
                + "): "
                + e.getCause()
                + "; create it with cleanup.policy=compact",
            e.getCause());
      }
      return false;
    }
  }

  /** Checks that every topic the configuration uses exists; returns their partition counts. */
  static Map<String, Integer> checkTopicsExist(ScorerConfig config, EnrichmentSpec enrichment) {
    Map<String, String> topics = usedTopics(config, enrichment);
    try (Admin admin = Admin.create(StreamsProperties.admin(config))) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      Set<String> missing = new TreeSet<>();
      topics.forEach(
          (topic, key) -> {
            if (!existing.contains(topic)) {
              missing.add(topic + " (" + key + ")");
            }
          });
      if (!missing.isEmpty()) {
        throw new IllegalStateException(
            "topics do not exist: " + missing + "; create them or fix the config keys named");
      }
      Map<String, Integer> partitions = new HashMap<>();
      admin
          .describeTopics(topics.keySet())
          .allTopicNames()
          .get(30, TimeUnit.SECONDS)
          .forEach((name, description) -> partitions.put(name, description.partitions().size()));
      return partitions;
    } catch (IllegalStateException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(
          "cannot reach Kafka at "
              + config.getList(ScorerConfig.BOOTSTRAP_SERVERS)
              + " to check topics: "
              + e,
          e);
    }
  }

  /**
   * Every topic the configuration reads or writes by name, to the key that names it, but the one
   * the scorer creates itself.
   */
  private static Map<String, String> usedTopics(ScorerConfig config, EnrichmentSpec enrichment) {
    Map<String, String> topics = new HashMap<>();
    for (TopicPlan.Topic topic : TopicPlan.of(config, enrichment).topics()) {
      if (!topic.scorerCreates()) {
        topics.put(topic.name(), topic.key());
      }
    }
    return topics;
  }
}

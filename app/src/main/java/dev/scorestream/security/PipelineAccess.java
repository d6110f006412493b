package dev.scorestream.security;

import dev.scorestream.config.ScorerConfig;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Every permission {@code scorer run} needs of Kafka, derived from its configuration: the ACL table
 * of the security guide, as code. Topics named by config keys need literal permissions; what Kafka
 * Streams names after {@code application.id} (its consumer group, its internal topics, its
 * transactional ids) is listed with the application id or its prefix {@code <application.id>-}.
 *
 * @param required the permissions on topics and on the group, in the order they are reported
 * @param applicationId the Kafka Streams application id (group, internal-topic and transactional-id
 *     prefix)
 * @param exactlyOnce whether the stream's producers are transactional (exactly_once_v2)
 */
public record PipelineAccess(
    List<RequiredAccess> required, String applicationId, boolean exactlyOnce) {

  /**
   * What the pipeline that {@code config} describes needs; {@code referenceTopics} enrichment's.
   */
  public static PipelineAccess of(ScorerConfig config, List<String> referenceTopics) {
    List<RequiredAccess> required = new ArrayList<>();
    read(required, config, ScorerConfig.TOPIC_EVENTS);
    if (config.getBoolean(ScorerConfig.FEEDBACK_ENABLED)) {
      read(required, config, ScorerConfig.TOPIC_LABELS);
    }
    for (String topic : referenceTopics) {
      required.add(
          RequiredAccess.topic(
              AclOperation.READ, topic, ScorerConfig.ENRICHMENT_SPEC_PATH + ": a reference table"));
    }
    write(required, config, ScorerConfig.TOPIC_PREDICTIONS);
    write(required, config, ScorerConfig.TOPIC_DLQ);
    if (config.getBoolean(ScorerConfig.DRIFT_ENABLED)) {
      write(required, config, ScorerConfig.TOPIC_DRIFT);
    }
    if (config.getBoolean(ScorerConfig.FEEDBACK_ENABLED)) {
      write(required, config, ScorerConfig.TOPIC_PERFORMANCE);
      write(required, config, ScorerConfig.TOPIC_TRAINING);
    }
    if (config.getBoolean(ScorerConfig.SCHEMA_CHANGES_ENABLED)) {
      // Read back at start-up (the changes already reported), written once per new schema.
      read(required, config, ScorerConfig.TOPIC_SCHEMA_CHANGES);
      write(required, config, ScorerConfig.TOPIC_SCHEMA_CHANGES);
    }
    String applicationId = config.getString(ScorerConfig.APPLICATION_ID);
    required.add(
        RequiredAccess.groupRead(
            applicationId, ScorerConfig.APPLICATION_ID + ": the Kafka Streams consumer group"));
    return new PipelineAccess(
        List.copyOf(required),
        applicationId,
        StreamsConfig.EXACTLY_ONCE_V2.equals(config.getString(ScorerConfig.PROCESSING_GUARANTEE)));
  }

  /** The topics the pipeline reads (its inputs), by name, sorted. */
  public List<String> topicsRead() {
    return required.stream()
        .filter(access -> access.type() == ResourceType.TOPIC)
        .filter(access -> access.operation() == AclOperation.READ)
        .filter(access -> access.pattern() == PatternType.LITERAL)
        .map(RequiredAccess::name)
        .distinct()
        .sorted()
        .toList();
  }

  private static void read(List<RequiredAccess> required, ScorerConfig config, String key) {
    required.add(RequiredAccess.topic(AclOperation.READ, config.getString(key), key));
  }

  /** Outputs are written, and their limits (max.message.bytes, cleanup.policy) read at start. */
  private static void write(List<RequiredAccess> required, ScorerConfig config, String key) {
    required.add(RequiredAccess.topic(AclOperation.WRITE, config.getString(key), key));
    required.add(
        RequiredAccess.topic(
            AclOperation.DESCRIBE_CONFIGS,
            config.getString(key),
            key + ": its max.message.bytes and cleanup.policy are read at start-up"));
  }

  /** Kafka Streams' internal topics, repartition and changelog: {@code <application.id>-}. */
  public String internalTopicPrefix() {
    return applicationId + "-";
  }

  /** CREATE on the internal-topic prefix: Kafka Streams creates them on first start. */
  RequiredAccess createInternalTopics() {
    return internal(AclOperation.CREATE);
  }

  /** An operation on the internal-topic prefix. */
  RequiredAccess internal(AclOperation operation) {
    return RequiredAccess.topicPrefix(
        operation,
        internalTopicPrefix(),
        ScorerConfig.APPLICATION_ID
            + ": Kafka Streams' repartition and changelog topics"
            + (operation == AclOperation.DELETE
                ? "; it deletes consumed repartition records, without it those topics grow"
                : ""));
  }

  /** WRITE on the transactional-id prefix, under exactly-once. */
  RequiredAccess transactionalIds() {
    return RequiredAccess.transactionalIdPrefix(
        internalTopicPrefix(),
        ScorerConfig.APPLICATION_ID
            + " with "
            + ScorerConfig.PROCESSING_GUARANTEE
            + "="
            + StreamsConfig.EXACTLY_ONCE_V2
            + ": each stream thread's producer has transactional.id <application.id>-...");
  }
}

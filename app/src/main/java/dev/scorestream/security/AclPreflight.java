package dev.scorestream.security;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks, before any stream starts, that the principal may do what the pipeline needs, using only
 * calls that need no permission beyond the ones checked:
 *
 * <ul>
 *   <li>topics: {@code describeTopics} with the authorized operations the broker reports (READ,
 *       WRITE, DESCRIBE_CONFIGS); a topic the principal may not even describe lacks all of them;
 *   <li>the group: {@code describeConsumerGroups} with its authorized operations (READ);
 *   <li>internal topics: CREATE by a validate-only {@code createTopics} of a name under {@code
 *       <application.id>-} (nothing is created); READ, WRITE and, for repartition topics, DELETE
 *       from the authorized operations of those that exist. On a first start none exist yet: a
 *       missing DELETE then shows at run time ({@link AuthorizationLogFilter});
 *   <li>under exactly-once, transactional ids: {@code initTransactions} of a producer whose id is
 *       {@code <application.id>-acl-check} (one fixed id: nothing accumulates), then closed.
 * </ul>
 *
 * Against a broker without an authorizer every operation is reported authorized, so the check
 * passes. A cluster that does not answer, or refuses the credentials, fails the check at once with
 * the cause. Other failures (a broker that does not report operations, a timeout) are left to the
 * start-up steps that follow, which name them.
 */
public final class AclPreflight {

  private static final Logger LOG = LoggerFactory.getLogger(AclPreflight.class);
  private static final long TIMEOUT_SECONDS = 30;

  private final Properties clients;

  /**
   * @param clients bootstrap servers and every Kafka client setting (security) the pipeline uses
   */
  public AclPreflight(Properties clients) {
    this.clients = clients;
  }

  /**
   * Throws {@link MissingAclException} naming every permission of {@code access} the principal
   * lacks.
   */
  public void check(PipelineAccess access) {
    long started = System.nanoTime();
    List<RequiredAccess> missing = new ArrayList<>();
    Properties adminProps = new Properties();
    adminProps.putAll(clients);
    adminProps.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
    try (Admin admin = Admin.create(adminProps)) {
      reach(admin);
      missing.addAll(checkTopics(admin, access.required()));
      missing.addAll(checkGroups(admin, access.required()));
      missing.addAll(checkInternalTopics(admin, access));
    }
    if (access.exactlyOnce()) {
      checkTransactionalIds(access).ifPresent(missing::add);
    }
    LOG.debug("ACL check took {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    if (!missing.isEmpty()) {
      throw new MissingAclException(missing);
    }
  }

  /**
   * Fails once, naming the cause, when the cluster does not answer or refuses the credentials,
   * instead of waiting out each check's timeout.
   */
  private void reach(Admin admin) {
    try {
      admin.describeCluster().nodes().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw unreachable(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unreachable(e);
    } catch (TimeoutException e) {
      throw unreachable(e);
    }
  }

  private IllegalStateException unreachable(Throwable cause) {
    return new IllegalStateException(
        "cannot reach Kafka at "
            + clients.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG)
            + " to check its ACLs: "
            + cause,
        cause);
  }

  private static List<RequiredAccess> checkTopics(Admin admin, List<RequiredAccess> required) {
    Map<String, List<RequiredAccess>> byTopic = new LinkedHashMap<>();
    required.stream()
        .filter(r -> r.type() == ResourceType.TOPIC)
        .forEach(r -> byTopic.computeIfAbsent(r.name(), name -> new ArrayList<>()).add(r));
    if (byTopic.isEmpty()) {
      return List.of();
    }
    Map<String, KafkaFuture<TopicDescription>> descriptions =
        admin
            .describeTopics(
                byTopic.keySet(), new DescribeTopicsOptions().includeAuthorizedOperations(true))
            .topicNameValues();
    List<RequiredAccess> missing = new ArrayList<>();
    byTopic.forEach(
        (topic, needs) ->
            authorizedOperations(descriptions.get(topic), topic)
                .ifPresent(
                    granted ->
                        needs.stream()
                            .filter(need -> !granted.contains(need.operation()))
                            .forEach(missing::add)));
    return missing;
  }

  /**
   * What the principal may do on a topic: none when the broker refuses even to describe it; empty
   * when that cannot be told (the topic does not exist, which the start-up names next).
   */
  private static Optional<Set<AclOperation>> authorizedOperations(
      KafkaFuture<TopicDescription> description, String topic) {
    try {
      Set<AclOperation> granted =
          description.get(TIMEOUT_SECONDS, TimeUnit.SECONDS).authorizedOperations();
      return Optional.ofNullable(granted);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TopicAuthorizationException) {
        return Optional.of(Set.of());
      }
      LOG.debug("ACL check of topic {} skipped: {}", topic, e.getCause().toString());
      return Optional.empty();
    } catch (Exception e) {
      LOG.debug("ACL check of topic {} skipped: {}", topic, e.toString());
      return Optional.empty();
    }
  }

  private static List<RequiredAccess> checkGroups(Admin admin, List<RequiredAccess> required) {
    List<RequiredAccess> missing = new ArrayList<>();
    for (RequiredAccess need : required) {
      if (need.type() == ResourceType.GROUP && !groupAllows(admin, need)) {
        missing.add(need);
      }
    }
    return missing;
  }

  private static boolean groupAllows(Admin admin, RequiredAccess need) {
    String group = need.name();
    try {
      ConsumerGroupDescription description =
          admin
              .describeConsumerGroups(
                  List.of(group),
                  new DescribeConsumerGroupsOptions().includeAuthorizedOperations(true))
              .describedGroups()
              .get(group)
              .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      Set<AclOperation> granted = description.authorizedOperations();
      return granted == null || granted.contains(need.operation());
    } catch (ExecutionException e) {
      if (e.getCause() instanceof GroupAuthorizationException) {
        return false;
      }
      LOG.debug("ACL check of group {} skipped: {}", group, e.getCause().toString());
      return true;
    } catch (Exception e) {
      LOG.debug("ACL check of group {} skipped: {}", group, e.toString());
      return true;
    }
  }

  private static List<RequiredAccess> checkInternalTopics(Admin admin, PipelineAccess access) {
    List<RequiredAccess> missing = new ArrayList<>();
    String prefix = access.internalTopicPrefix();
    try {
      admin
          .createTopics(
              List.of(new NewTopic(prefix + "acl-check", Optional.empty(), Optional.empty())),
              new CreateTopicsOptions().validateOnly(true))
          .all()
          .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TopicAuthorizationException) {
        missing.add(access.createInternalTopics());
      } else {
        LOG.debug("ACL check of CREATE on {}* skipped: {}", prefix, e.getCause().toString());
      }
    } catch (Exception e) {
      LOG.debug("ACL check of CREATE on {}* skipped: {}", prefix, e.toString());
    }
    Set<AclOperation> lacking = new LinkedHashSet<>();
    try {
      List<String> internal =
          admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).stream()
              .filter(name -> name.startsWith(prefix))
              .sorted()
              .toList();
      Map<String, KafkaFuture<TopicDescription>> descriptions =
          internal.isEmpty()
              ? Map.of()
              : admin
                  .describeTopics(
                      internal, new DescribeTopicsOptions().includeAuthorizedOperations(true))
                  .topicNameValues();
      descriptions.forEach(
          (topic, description) ->
              authorizedOperations(description, topic)
                  .ifPresent(granted -> lacking.addAll(lacking(topic, granted))));
    } catch (Exception e) {
      LOG.debug("ACL check of the internal topics {}* skipped: {}", prefix, e.toString());
    }
    lacking.forEach(operation -> missing.add(access.internal(operation)));
    return missing;
  }

  /** Repartition topics are also purged (DELETE); every internal topic is read and written. */
  private static Set<AclOperation> lacking(String topic, Set<AclOperation> granted) {
    Set<AclOperation> lacking = new LinkedHashSet<>();
    for (AclOperation operation : List.of(AclOperation.READ, AclOperation.WRITE)) {
      if (!granted.contains(operation)) {
        lacking.add(operation);
      }
    }
    if (topic.endsWith("-repartition") && !granted.contains(AclOperation.DELETE)) {
      lacking.add(AclOperation.DELETE);
    }
    return lacking;
  }

  private Optional<RequiredAccess> checkTransactionalIds(PipelineAccess access) {
    Properties props = new Properties();
    props.putAll(clients);
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, access.internalTopicPrefix() + "acl-check");
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
    props.put(ProducerConfig.CLIENT_ID_CONFIG, access.internalTopicPrefix() + "acl-check");
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      try {
        producer.initTransactions();
      } catch (TransactionalIdAuthorizationException e) {
        return Optional.of(access.transactionalIds());
      } catch (RuntimeException e) {
        LOG.debug("ACL check of transactional ids skipped: {}", e.toString());
      } finally {
        producer.close(Duration.ofSeconds(5));
      }
    }
    return Optional.empty();
  }
}

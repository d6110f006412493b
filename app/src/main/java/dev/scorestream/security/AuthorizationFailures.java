package dev.scorestream.security;

import dev.scorestream.config.ScorerConfig;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;

/**
 * An authorization failure that reaches the scorer at run time (after the start-up check passed: an
 * ACL removed meanwhile, or a first start that could not check everything), as one line naming the
 * resource, instead of a stack trace whose last cause names neither the id nor the prefix.
 */
public final class AuthorizationFailures {

  /** The broker's message for TOPIC_AUTHORIZATION_FAILED, as the producer passes it on. */
  static final String OFFSETS_DENIED = "Topic authorization failed";

  private AuthorizationFailures() {}

  /**
   * The {@code missing ACL: ...} line for the first authorization failure in {@code error}'s
   * causes; empty when there is none.
   *
   * @param applicationId names the transactional-id prefix, which Kafka's exception does not
   */
  public static Optional<String> describe(Throwable error, String applicationId) {
    return describe(error, applicationId, List.of());
  }

  /**
   * The same, and {@code topicsRead} for the failure that names no topic: committing the consumed
   * offsets inside the transaction ({@code TxnOffsetCommit}) when READ on an input was revoked,
   * which the producer reports as a plain {@code KafkaException} with the broker's message.
   *
   * @param topicsRead the pipeline's input topics
   */
  public static Optional<String> describe(
      Throwable error, String applicationId, Collection<String> topicsRead) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof AuthorizationException denied) {
        return Optional.of(line(denied, applicationId));
      }
    }
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      String message = String.valueOf(cause.getMessage());
      if (cause instanceof KafkaException && message.contains(OFFSETS_DENIED)) {
        return Optional.of(
            "missing ACL: Topic "
                + new TreeSet<>(topicsRead)
                + " refused this principal while committing the consumed offsets ("
                + message
                + "); the inputs need READ");
      }
    }
    return Optional.empty();
  }

  private static String line(AuthorizationException denied, String applicationId) {
    if (denied instanceof TransactionalIdAuthorizationException) {
      return "missing ACL: WRITE on TransactionalId prefix '"
          + applicationId
          + "-' ("
          + ScorerConfig.APPLICATION_ID
          + ": each exactly-once stream thread's transactional.id is <application.id>-...)";
    }
    if (denied instanceof GroupAuthorizationException group) {
      return "missing ACL: READ on Group '"
          + (group.groupId() == null ? applicationId : group.groupId())
          + "' ("
          + ScorerConfig.APPLICATION_ID
          + ": the Kafka Streams consumer group)";
    }
    if (denied instanceof TopicAuthorizationException topics
        && !topics.unauthorizedTopics().isEmpty()) {
      return "missing ACL: Topic "
          + new TreeSet<>(topics.unauthorizedTopics())
          + " refused this principal ("
          + denied.getMessage()
          + "); inputs need READ, outputs WRITE and DESCRIBE_CONFIGS, internal topics ('"
          + applicationId
          + "-' prefix) CREATE, READ, WRITE and DELETE";
    }
    if (denied instanceof ClusterAuthorizationException) {
      return "missing ACL: Cluster refused this principal (" + denied.getMessage() + ")";
    }
    return "missing ACL: " + denied.getClass().getSimpleName() + ": " + denied.getMessage();
  }
}

package dev.scorestream.security;

import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;

/**
 * One permission the scorer needs: an operation on a resource (a literal name or a prefix), and why
 * (the config key that names it). {@link #describe} is how a missing one reads in the error, e.g.
 * {@code WRITE on TransactionalId prefix 'scorer-' (application.id: ...)}.
 *
 * @param operation what the principal must be allowed to do
 * @param type the resource's kind: topic, group or transactional id
 * @param name the resource's name, or its prefix
 * @param pattern {@link PatternType#LITERAL} or {@link PatternType#PREFIXED}
 * @param because the config key that names the resource, and what uses it
 */
public record RequiredAccess(
    AclOperation operation, ResourceType type, String name, PatternType pattern, String because) {

  /** {@code operation} on the topic {@code topic}. */
  public static RequiredAccess topic(AclOperation operation, String topic, String because) {
    return new RequiredAccess(operation, ResourceType.TOPIC, topic, PatternType.LITERAL, because);
  }

  /** {@code operation} on every topic whose name starts with {@code prefix}. */
  public static RequiredAccess topicPrefix(AclOperation operation, String prefix, String because) {
    return new RequiredAccess(operation, ResourceType.TOPIC, prefix, PatternType.PREFIXED, because);
  }

  /** READ on the consumer group {@code group}. */
  public static RequiredAccess groupRead(String group, String because) {
    return new RequiredAccess(
        AclOperation.READ, ResourceType.GROUP, group, PatternType.LITERAL, because);
  }

  /** WRITE on every transactional id starting with {@code prefix}. */
  public static RequiredAccess transactionalIdPrefix(String prefix, String because) {
    return new RequiredAccess(
        AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, prefix, PatternType.PREFIXED, because);
  }

  /** E.g. {@code READ on Topic 'events' (topic.events)}. */
  public String describe() {
    return operation
        + " on "
        + typeName()
        + (pattern == PatternType.PREFIXED ? " prefix '" : " '")
        + name
        + "' ("
        + because
        + ")";
  }

  private String typeName() {
    return switch (type) {
      case TOPIC -> "Topic";
      case GROUP -> "Group";
      case TRANSACTIONAL_ID -> "TransactionalId";
      case CLUSTER -> "Cluster";
      default -> type.toString();
    };
  }
}

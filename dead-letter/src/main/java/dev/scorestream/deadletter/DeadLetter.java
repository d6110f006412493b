package dev.scorestream.deadletter;

import dev.scorestream.schemas.Reason;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What went wrong with one record and where it came from: everything the dead-letter headers say.
 *
 * @param reason stable reason code
 * @param rules violated rule ids such as {@code amount.max}; empty unless {@link
 *     Reason#RULE_VIOLATION}
 * @param message human-readable description
 * @param cause the exception behind the failure, if any
 * @param sourceTopic topic the record was read from
 * @param sourcePartition its partition
 * @param sourceOffset its offset
 * @param schemaId schema id from the wire-format header, or -1 when there was none
 * @param appVersion version of scorestream that rejected it
 * @param modelVersion model version active at the time, or empty
 * @param failedAt when it was rejected
 */
public record DeadLetter(
    Reason reason,
    List<String> rules,
    String message,
    Throwable cause,
    String sourceTopic,
    int sourcePartition,
    long sourceOffset,
    int schemaId,
    String appVersion,
    String modelVersion,
    Instant failedAt) {

  public DeadLetter {
    Objects.requireNonNull(reason, "reason");
    rules = List.copyOf(rules);
    message = message == null ? reason.name() : message;
    modelVersion = modelVersion == null ? "" : modelVersion;
  }
}

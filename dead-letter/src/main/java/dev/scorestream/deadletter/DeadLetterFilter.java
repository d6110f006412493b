package dev.scorestream.deadletter;

import dev.scorestream.schemas.Reason;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;

/**
 * Which dead letters an inspection or replay selects. Every criterion left empty or null matches
 * all; the criteria combine with AND. Partition and offsets are the dead letter's own coordinates
 * in the dead-letter topic; the time range is the failure time ({@code scorestream.dlq.failed.at}).
 *
 * @param reasons reason codes to select
 * @param rules select records that violated at least one of these rule ids
 * @param schemaIds schema ids (from the wire-format header) to select
 * @param since failure time at or after this
 * @param until failure time before this
 * @param partitions dead-letter topic partitions to read
 * @param offsetFrom first dead-letter offset to select (inclusive)
 * @param offsetTo last dead-letter offset to select (inclusive)
 */
public record DeadLetterFilter(
    Set<Reason> reasons,
    Set<String> rules,
    Set<Integer> schemaIds,
    Instant since,
    Instant until,
    Set<Integer> partitions,
    Long offsetFrom,
    Long offsetTo) {

  public static final DeadLetterFilter ALL =
      new DeadLetterFilter(Set.of(), Set.of(), Set.of(), null, null, Set.of(), null, null);

  public DeadLetterFilter {
    reasons = Set.copyOf(reasons);
    rules = Set.copyOf(rules);
    schemaIds = Set.copyOf(schemaIds);
    partitions = Set.copyOf(partitions);
  }

  /**
   * A stable text form of the selection (sorted), e.g. {@code reason=UNKNOWN_SCHEMA_ID}; empty for
   * {@link #ALL}.
   */
  public String canonical() {
    StringBuilder out = new StringBuilder();
    append(out, "reason", new TreeSet<>(reasons.stream().map(Enum::name).toList()));
    append(out, "rule", new TreeSet<>(rules));
    append(out, "schema-id", new TreeSet<>(schemaIds));
    append(out, "partition", new TreeSet<>(partitions));
    append(out, "since", since == null ? List.of() : List.of(since));
    append(out, "until", until == null ? List.of() : List.of(until));
    append(out, "offset-from", offsetFrom == null ? List.of() : List.of(offsetFrom));
    append(out, "offset-to", offsetTo == null ? List.of() : List.of(offsetTo));
    return out.toString();
  }

  private static void append(StringBuilder out, String name, Collection<?> values) {
    if (values.isEmpty()) {
      return;
    }
    out.append(out.length() == 0 ? "" : ";")
        .append(name)
        .append('=')
        .append(values.stream().map(String::valueOf).collect(Collectors.joining(",")));
  }

  public boolean readsPartition(int partition) {
    return partitions.isEmpty() || partitions.contains(partition);
  }

  public boolean matches(ConsumerRecord<byte[], byte[]> record) {
    if (!readsPartition(record.partition())) {
      return false;
    }
    if (offsetFrom != null && record.offset() < offsetFrom
        || offsetTo != null && record.offset() > offsetTo) {
      return false;
    }
    Headers headers = record.headers();
    if (!reasons.isEmpty()
        && DeadLetterHeaders.reason(headers).filter(reasons::contains).isEmpty()) {
      return false;
    }
    if (!rules.isEmpty()
        && DeadLetterHeaders.get(headers, DeadLetterHeaders.RULES)
            .map(
                value ->
                    Arrays.stream(value.split(",")).map(String::trim).noneMatch(rules::contains))
            .orElse(true)) {
      return false;
    }
    if (!schemaIds.isEmpty() && schemaId(headers).filter(schemaIds::contains).isEmpty()) {
      return false;
    }
    if (since != null || until != null) {
      Instant failedAt = failedAt(headers);
      if (failedAt == null
          || since != null && failedAt.isBefore(since)
          || until != null && !failedAt.isBefore(until)) {
        return false;
      }
    }
    return true;
  }

  static Optional<Integer> schemaId(Headers headers) {
    return DeadLetterHeaders.get(headers, DeadLetterHeaders.SCHEMA_ID)
        .flatMap(
            value -> {
              try {
                return Optional.of(Integer.parseInt(value.trim()));
              } catch (NumberFormatException e) {
                return Optional.empty();
              }
            });
  }

  /** The failure time, or null when the header is missing or unreadable. */
  static Instant failedAt(Headers headers) {
    return DeadLetterHeaders.get(headers, DeadLetterHeaders.FAILED_AT)
        .map(
            value -> {
              try {
                return Instant.parse(value.trim());
              } catch (DateTimeParseException e) {
                return null;
              }
            })
        .orElse(null);
  }
}

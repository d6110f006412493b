package dev.scorestream.cli;

import dev.scorestream.deadletter.DeadLetterFilter;
import dev.scorestream.schemas.Reason;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Option;

/** Which dead letters a command selects; every option may repeat or take a comma-separated list. */
final class FilterOptions {

  @Option(
      names = "--reason",
      split = ",",
      paramLabel = "CODE",
      description = "Reason codes, e.g. UNKNOWN_SCHEMA_ID (valid: ${COMPLETION-CANDIDATES}).")
  List<Reason> reasons = List.of();

  @Option(
      names = "--rule",
      split = ",",
      paramLabel = "RULE",
      description = "Violated rule ids, e.g. amount.max.")
  List<String> rules = List.of();

  @Option(
      names = "--schema-id",
      split = ",",
      paramLabel = "ID",
      description = "Schema ids from the wire-format header.")
  List<Integer> schemaIds = List.of();

  @Option(
      names = "--since",
      paramLabel = "INSTANT",
      description = "Failed at or after, ISO-8601 (2026-11-26T10:00:00Z).")
  Instant since;

  @Option(names = "--until", paramLabel = "INSTANT", description = "Failed before, ISO-8601.")
  Instant until;

  @Option(
      names = "--partition",
      split = ",",
      paramLabel = "P",
      description = "Dead-letter topic partitions.")
  List<Integer> partitions = List.of();

  @Option(
      names = "--offset-from",
      paramLabel = "OFFSET",
      description = "First dead-letter offset (inclusive).")
  Long offsetFrom;

  @Option(
      names = "--offset-to",
      paramLabel = "OFFSET",
      description = "Last dead-letter offset (inclusive).")
  Long offsetTo;

  DeadLetterFilter filter() {
    return new DeadLetterFilter(
        Set.copyOf(reasons),
        new LinkedHashSet<>(rules),
        Set.copyOf(schemaIds),
        since,
        until,
        Set.copyOf(partitions),
        offsetFrom,
        offsetTo);
  }
}

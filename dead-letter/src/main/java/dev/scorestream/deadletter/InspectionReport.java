package dev.scorestream.deadletter;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.Map;

/**
 * What a dead-letter topic holds: counts by reason, violated rule, schema id and source, first and
 * last failure per reason, and one example per reason (headers and a safe value preview).
 *
 * @param topic the dead-letter topic
 * @param read dead letters read
 * @param matched of those, the ones the filter selected (counted below)
 */
public record InspectionReport(
    String topic,
    long read,
    long matched,
    Map<String, ReasonSummary> byReason,
    Map<String, Long> byRule,
    Map<String, Long> bySchemaId,
    Map<String, Long> bySource) {

  /** One reason: how many, when first and last, and an example. */
  public record ReasonSummary(
      long count, Instant firstFailure, Instant lastFailure, Example example) {}

  /** The first dead letter seen with a reason. */
  public record Example(
      int partition, long offset, Map<String, String> headers, String key, String value) {}

  /** A human-readable rendering of this report. */
  public void print(PrintWriter out) {
    out.printf("dead-letter topic %s: %,d read, %,d selected%n%n", topic, read, matched);
    out.printf("%-22s %8s  %-32s %-32s%n", "reason", "count", "first failure", "last failure");
    byReason.forEach(
        (reason, summary) ->
            out.printf(
                "%-22s %8d  %-32s %-32s%n",
                reason, summary.count(), summary.firstFailure(), summary.lastFailure()));
    section(out, "violated rule", byRule);
    section(out, "schema id", bySchemaId);
    section(out, "source topic-partition", bySource);
    byReason.forEach(
        (reason, summary) -> {
          Example example = summary.example();
          out.printf(
              "%nexample %s (partition %d, offset %d)%n",
              reason, example.partition(), example.offset());
          out.printf("  key:   %s%n  value: %s%n", example.key(), example.value());
          example
              .headers()
              .forEach((key, value) -> out.printf("  %s: %s%n", key, firstLine(value)));
        });
    out.flush();
  }

  private static void section(PrintWriter out, String title, Map<String, Long> counts) {
    out.printf("%n%-40s %8s%n", title, "count");
    if (counts.isEmpty()) {
      out.printf("%-40s %8s%n", "(none)", "");
    }
    counts.forEach(
        (name, count) -> out.printf("%-40s %8d%n", name.isEmpty() ? "(none)" : name, count));
  }

  private static String firstLine(String value) {
    int newline = value.indexOf('\n');
    return newline < 0 ? value : value.substring(0, newline) + " ...";
  }
}

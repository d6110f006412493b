package dev.scorestream.cli;

import java.io.PrintWriter;
import java.util.List;
import org.apache.avro.generic.GenericRecord;

/**
 * A {@code SchemaChange} record as the {@code scorer schemas} commands print it: one heading line,
 * then compatibility, the field changes against the reader and since the previous version, the
 * defaulted fields, and each model's features that a change reaches.
 */
final class SchemaChangePrinter {

  private final PrintWriter out;

  SchemaChangePrinter(PrintWriter out) {
    this.out = out;
  }

  /**
   * @param deadLetters events of this schema found as INCOMPATIBLE_SCHEMA dead letters, or null
   *     when not counted
   */
  void print(GenericRecord change, Long deadLetters) {
    out.printf(
        "%s/%s  %s  %s%s%n",
        change.get("subject"),
        change.get("schema_id"),
        change.get("severity"),
        change.get("version") == null ? "version ?" : "v" + change.get("version"),
        change.get("previous_schema_id") == null
            ? ""
            : " (previous id " + change.get("previous_schema_id") + ")");
    out.printf(
        "  found by %s at %s%s, reported by %s%n",
        change.get("detected_by"),
        java.time.Instant.ofEpochMilli((Long) change.get("detected_at")),
        change.get("first_event_offset") == null
            ? ""
            : " (" + change.get("first_event_offset") + ")",
        change.get("reported_by"));
    GenericRecord compatibility = (GenericRecord) change.get("compatibility");
    out.printf(
        "  decodes %s; %s with reader%s%n",
        compatibility.get("decodability"),
        compatibility.get("with_reader"),
        compatibility.get("with_previous") == null
            ? ""
            : "; " + compatibility.get("with_previous") + " with previous");
    changes("against reader", (List<?>) change.get("against_reader"));
    changes("since previous", (List<?>) change.get("since_previous"));
    List<?> defaulted = (List<?>) change.get("defaulted_fields");
    if (!defaulted.isEmpty()) {
      out.printf("  at their default: %s%n", join(defaulted));
    }
    for (Object model : (List<?>) change.get("models")) {
      model((GenericRecord) model);
    }
    if (deadLetters != null) {
      out.printf("  dead letters (INCOMPATIBLE_SCHEMA): %d%n", deadLetters);
    }
    out.println();
  }

  private void changes(String title, List<?> changes) {
    if (changes.isEmpty()) {
      return;
    }
    out.printf("  %s:%n", title);
    for (Object item : changes) {
      GenericRecord change = (GenericRecord) item;
      List<?> symbols = (List<?>) change.get("symbols");
      out.printf(
          "    %-24s %-24s %s -> %s%s%s%n",
          change.get("field").toString().isEmpty() ? "(record)" : change.get("field"),
          change.get("kind"),
          change.get("from"),
          change.get("to"),
          symbols.isEmpty() ? "" : " " + symbols,
          "NONE".equals(change.get("rejection").toString())
              ? ""
              : "  rejects " + change.get("rejection") + " " + change.get("rejected_values"));
    }
  }

  private void model(GenericRecord model) {
    out.printf(
        "  %s %s (%s): %s%n",
        model.get("model"),
        model.get("version"),
        model.get("role"),
        Boolean.TRUE.equals(model.get("affected")) ? "AFFECTED" : "not affected");
    for (Object item : (List<?>) model.get("features")) {
      GenericRecord feature = (GenericRecord) item;
      out.printf(
          "    %-32s %-16s %-16s was %s%s%n",
          feature.get("feature"),
          feature.get("field"),
          feature.get("consequence"),
          feature.get("previously"),
          feature.get("cause") == null ? "" : "  (" + feature.get("cause") + ")");
    }
  }

  private static String join(List<?> values) {
    return String.join(", ", values.stream().map(String::valueOf).toList());
  }
}

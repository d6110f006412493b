package dev.scorestream.demo;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.generic.GenericRecord;

/** One {@code SchemaChange} report as the demo prints it: one line per change. */
final class ReportLine {

  /** FeatureConsequence's symbols, harmless first. */
  private static final List<String> CONSEQUENCES =
      List.of("UNAFFECTED", "VALUES_REENCODED", "ALWAYS_DEFAULT", "DEAD_LETTERED");

  private ReportLine() {}

  static String of(GenericRecord report) {
    GenericRecord compatibility = (GenericRecord) report.get("compatibility");
    StringBuilder line =
        new StringBuilder()
            .append(report.get("subject"))
            .append('/')
            .append(report.get("schema_id"))
            .append(report.get("version") == null ? "" : " v" + report.get("version"))
            .append(' ')
            .append(report.get("severity"))
            .append(" (")
            .append(
                report.get("first_event_offset") == null
                    ? "found by the registry poll"
                    : "first event " + report.get("first_event_offset"))
            .append("): decodes ")
            .append(compatibility.get("decodability"))
            .append(", ")
            .append(compatibility.get("with_reader"))
            .append(" with reader");
    List<String> changes = new ArrayList<>();
    for (Object item : (List<?>) report.get("since_previous")) {
      GenericRecord change = (GenericRecord) item;
      changes.add(change.get("field") + " " + change.get("kind"));
    }
    if (!changes.isEmpty()) {
      line.append("; since previous: ").append(String.join(", ", changes));
    }
    for (Object item : (List<?>) report.get("models")) {
      GenericRecord model = (GenericRecord) item;
      List<String> degraded = degradedOf(model, true);
      line.append("; ").append(model.get("model")).append(' ').append(model.get("version"));
      line.append(degraded.isEmpty() ? " unaffected" : " AFFECTED: " + String.join(", ", degraded));
    }
    return line.toString();
  }

  /** The features a report's models lost to the change (worse than under the previous writer). */
  static List<String> degraded(GenericRecord report) {
    List<String> features = new ArrayList<>();
    for (Object item : (List<?>) report.get("models")) {
      features.addAll(degradedOf((GenericRecord) item, false));
    }
    return features;
  }

  private static List<String> degradedOf(GenericRecord model, boolean withConsequence) {
    List<String> features = new ArrayList<>();
    for (Object item : (List<?>) model.get("features")) {
      GenericRecord feature = (GenericRecord) item;
      if (CONSEQUENCES.indexOf(feature.get("consequence").toString())
          > CONSEQUENCES.indexOf(feature.get("previously").toString())) {
        features.add(
            withConsequence
                ? feature.get("feature") + " " + feature.get("consequence")
                : feature.get("feature").toString());
      }
    }
    return features;
  }
}

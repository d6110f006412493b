package dev.scorestream.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric families of a Prometheus text scrape as a Markdown table: name as Prometheus exposes
 * it, type, labels (with their values, but for labels whose values depend on the deployment) and
 * the help text, which is the meter's Micrometer description.
 */
final class PrometheusReference {

  /**
   * Labels whose values come from the deployment (the model's features, the enrichment spec's
   * tables and entity, model names and versions, store names) or from what happened (the parts a
   * dead letter lost): their values are not listed.
   */
  static final Set<String> DEPLOYMENT_LABELS =
      Set.of("feature", "table", "entity", "name", "version", "store", "field", "step", "output");

  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  /** One family: its type, help and the values of each label over its samples. */
  record Family(String name, String type, String help, Map<String, Set<String>> labels) {}

  private PrometheusReference() {}

  /** The families of {@code scrape}, in its order, whose names start with {@code prefix}. */
  static List<Family> families(String scrape, String prefix) {
    Map<String, String> help = new LinkedHashMap<>();
    List<Family> families = new ArrayList<>();
    Family current = null;
    for (String line : scrape.split("\n")) {
      if (line.startsWith("# HELP ")) {
        String[] parts = line.substring(7).split(" ", 2);
        help.put(parts[0], parts.length > 1 ? parts[1] : "");
      } else if (line.startsWith("# TYPE ")) {
        String[] parts = line.substring(7).split(" ", 2);
        current =
            parts[0].startsWith(prefix)
                ? new Family(
                    parts[0], parts[1], help.getOrDefault(parts[0], ""), new LinkedHashMap<>())
                : null;
        if (current != null) {
          families.add(current);
        }
      } else if (current != null && !line.startsWith("#") && line.contains("{")) {
        Matcher label = LABEL.matcher(line.substring(line.indexOf('{'), line.lastIndexOf('}')));
        while (label.find()) {
          if (!label.group(1).equals("le") && !label.group(1).equals("quantile")) {
            current
                .labels()
                .computeIfAbsent(label.group(1), k -> new LinkedHashSet<>())
                .add(label.group(2));
          }
        }
      }
    }
    return families;
  }

  /** The families as a Markdown table. */
  static String table(List<Family> families) {
    StringBuilder out =
        new StringBuilder("| Metric | Type | Labels | Description |\n|---|---|---|---|\n");
    for (Family family : families) {
      List<String> labels = new ArrayList<>();
      family
          .labels()
          .forEach(
              (label, values) ->
                  labels.add(
                      DEPLOYMENT_LABELS.contains(label)
                          ? "`" + label + "`"
                          : "`"
                              + label
                              + "`: "
                              + String.join(", ", values.stream().sorted().toList())));
      out.append("| `")
          .append(family.name())
          .append("` | ")
          .append(family.type())
          .append(" | ")
          .append(String.join("; ", labels))
          .append(" | ")
          .append(family.help().replace("|", "\\|"))
          .append(" |\n");
    }
    return out.toString();
  }
}

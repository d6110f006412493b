package dev.scorestream.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark's results: every measurement as JSON ({@code
 * tools/bench/results/<date>-<sha>.json}), the targets with PASS/FAIL, and the tables printed at
 * the end.
 */
final class Report {

  final Map<String, Object> results = new LinkedHashMap<>();
  final List<Map<String, Object>> targets = new ArrayList<>();
  private final List<String> tables = new ArrayList<>();

  /** Records a target: {@code {name, value, threshold, pass}}. */
  void target(String name, double value, String op, double threshold) {
    boolean pass = op.equals(">=") ? value >= threshold : value <= threshold;
    Map<String, Object> target = new LinkedHashMap<>();
    target.put("name", name);
    target.put("value", value);
    target.put("threshold", op + " " + threshold);
    target.put("pass", pass);
    targets.add(target);
  }

  boolean allPass() {
    return targets.stream().allMatch(t -> (Boolean) t.get("pass"));
  }

  /** A block of text for the final printout (a table of one part of the benchmark). */
  void table(String text) {
    tables.add(text);
  }

  /** Prints the tables and targets, writes the JSON; returns its path. */
  Path write(Path dir, PrintStream out) throws IOException {
    results.put("targets", targets);
    out.println();
    tables.forEach(out::println);
    out.printf("%-56s %12s %12s%n", "target", "value", "threshold");
    for (Map<String, Object> t : targets) {
      out.printf(
          "%-56s %12.3f %12s  %s%n",
          t.get("name"),
          t.get("value"),
          t.get("threshold"),
          (Boolean) t.get("pass") ? "PASS" : "FAIL");
    }
    Files.createDirectories(dir);
    Path file = dir.resolve(results.get("date") + "-" + results.get("git_sha") + ".json");
    new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(file.toFile(), results);
    out.println("\nwrote " + file);
    return file;
  }

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /** Nearest-rank percentile of a sorted list; -1 when empty. */
  static long percentile(List<Long> sorted, double q) {
    if (sorted.isEmpty()) {
      return -1;
    }
    return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(q * sorted.size()) - 1));
  }
}

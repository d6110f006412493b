package dev.scorestream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The newest benchmark run as Markdown, as docs/performance-results.md carries it: the command and
 * commit, throughput with CPU per event and peak RSS per variant, end-to-end latency, the JMH rows
 * and the targets with PASS/FAIL, read from {@code tools/bench/results/*.json}.
 *
 * <p>The newest run is the one with the latest {@code started} instant (runs before the benchmark
 * recorded it count by their {@code date}, then file name) among those that measured throughput:
 * runs of one part alone ({@code --skip-throughput}, a retraining cost) leave the page as it was.
 */
final class ResultsPage {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final JsonNode run;
  private final StringBuilder out = new StringBuilder();

  private ResultsPage(JsonNode run) {
    this.run = run;
  }

  /** The newest headline run of {@code dir} ({@code *.json}), if there is one. */
  static Optional<Path> newest(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(file -> file.getFileName().toString().endsWith(".json"))
          .filter(file -> read(file).has("throughput"))
          .max(
              Comparator.comparing((Path file) -> read(file).path("started").asText(""))
                  .thenComparing(file -> read(file).path("date").asText(""))
                  .thenComparing(file -> file.getFileName().toString()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  static JsonNode read(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** The page's generated part for {@code file}, a results JSON in {@code tools/bench/results}. */
  static String markdown(Path file) {
    ResultsPage page = new ResultsPage(read(file));
    page.header(file.getFileName().toString());
    page.throughput();
    page.latency();
    page.jmh();
    page.targets();
    return page.out.toString();
  }

  private void header(String fileName) {
    JsonNode machine = run.path("machine");
    out.append("Run of ")
        .append(run.path("date").asText())
        .append(" at commit `")
        .append(run.path("git_sha").asText())
        .append("`, on ")
        .append(machine.path("cores").asInt())
        .append(" cores with ")
        .append(machine.path("java").asText())
        .append(" (results: `tools/bench/results/")
        .append(fileName)
        .append("`).\n\n");
    if (run.has("command")) {
      out.append("```bash\n").append(run.path("command").asText()).append("\n```\n\n");
    } else {
      out.append("The command was not recorded with this run; its settings were:\n\n");
    }
    out.append("| Setting | Value |\n|---|---|\n");
    for (Map.Entry<String, JsonNode> setting : fields(run.path("settings"))) {
      out.append("| ")
          .append(setting.getKey())
          .append(" | ")
          .append(cell(setting.getValue()))
          .append(" |\n");
    }
    out.append('\n');
  }

  private void throughput() {
    out.append("### Throughput\n\n")
        .append("Median of the runs (min to max), events per second; CPU per event of the scorer")
        .append(" and of the broker, in microseconds (medians); peak RSS of the scorer, the")
        .append(" largest of the runs.\n\n")
        .append("| Variant | Events/s | Min to max | Of passthrough | CPU µs/event |")
        .append(" Broker CPU µs/event | Peak RSS MB |\n|---|--:|--:|--:|--:|--:|--:|\n");
    for (Map.Entry<String, JsonNode> variant : fields(run.path("throughput"))) {
      JsonNode v = variant.getValue();
      if (!v.has("median")) {
        continue;
      }
      out.append("| ")
          .append(variant.getKey())
          .append(" | ")
          .append(format("%,.0f", v.path("median").asDouble()))
          .append(" | ")
          .append(format("%,.0f to %,.0f", v.path("min").asDouble(), v.path("max").asDouble()))
          .append(" | ")
          .append(v.has("ratio_to_passthrough") ? percent(v.path("ratio_to_passthrough")) : "")
          .append(" | ")
          .append(format("%.1f", v.path("cpu_us_per_record_median").asDouble()))
          .append(" | ")
          .append(format("%.1f", v.path("broker_cpu_us_per_record_median").asDouble()))
          .append(" | ")
          .append(format("%.0f", v.path("peak_rss_mb_max").asDouble()))
          .append(" |\n");
    }
    out.append('\n');
  }

  private void latency() {
    List<String> rows = new ArrayList<>();
    for (Map.Entry<String, JsonNode> section : fields(run)) {
      if (!section.getKey().startsWith("latency_ms")) {
        continue;
      }
      String series = section.getKey().replaceFirst("^latency_ms_?", "").replace('_', ' ');
      for (Map.Entry<String, JsonNode> measured : fields(section.getValue())) {
        JsonNode m = measured.getValue();
        String label = series.isEmpty() ? "default pipeline" : series;
        rows.add(
            "| "
                + label
                + " | "
                + measured.getKey()
                + " | "
                + format("%,d", m.path("measured").asLong())
                + " | "
                + m.path("p50").asLong()
                + " | "
                + m.path("p99").asLong()
                + " | "
                + m.path("p999").asLong()
                + " | "
                + m.path("max").asLong()
                + " | "
                + format("%.0f", m.path("peak_rss_mb").asDouble())
                + " |\n");
      }
    }
    if (rows.isEmpty()) {
      return;
    }
    out.append("### End-to-end latency\n\n")
        .append("Input record timestamp to prediction, in milliseconds, at a steady rate; a run")
        .append(" is named by its rate in events per second (`-2`, `-3` for repeated runs).\n\n")
        .append("| Series | Run | Events | p50 | p99 | p99.9 | Max | Peak RSS MB |\n")
        .append("|---|---|--:|--:|--:|--:|--:|--:|\n");
    rows.forEach(out::append);
    out.append('\n');
  }

  private void jmh() {
    List<String> rows = new ArrayList<>();
    for (Map.Entry<String, JsonNode> section : fields(run)) {
      if (!section.getKey().startsWith("jmh")) {
        continue;
      }
      for (Map.Entry<String, JsonNode> benchmark : fields(section.getValue())) {
        JsonNode b = benchmark.getValue();
        String name = section.getKey() + " " + benchmark.getKey();
        rows.add(
            b.has("score")
                ? "| "
                    + name
                    + " | "
                    + format(
                        "%,.0f ± %,.0f", b.path("score").asDouble(), b.path("error").asDouble())
                    + " |\n"
                : "| " + name + " | " + format("%.2f", b.asDouble()) + " |\n");
      }
    }
    if (rows.isEmpty()) {
      return;
    }
    out.append("### JMH\n\n")
        .append("Average time per operation in nanoseconds (± the 99.9% confidence interval),")
        .append(" and ratios between them.\n\n")
        .append("| Benchmark | Result |\n|---|--:|\n");
    rows.forEach(out::append);
    out.append('\n');
  }

  private void targets() {
    out.append("### Targets\n\n| Target | Value | Threshold | Result |\n|---|--:|---|---|\n");
    for (JsonNode target : run.path("targets")) {
      out.append("| ")
          .append(target.path("name").asText())
          .append(" | ")
          .append(format("%.3f", target.path("value").asDouble()))
          .append(" | `")
          .append(target.path("threshold").asText())
          .append("` | ")
          .append(target.path("pass").asBoolean() ? "PASS" : "**FAIL**")
          .append(" |\n");
    }
  }

  private static List<Map.Entry<String, JsonNode>> fields(JsonNode node) {
    List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      fields.add(it.next());
    }
    return fields;
  }

  private static String cell(JsonNode value) {
    if (value.isArray()) {
      List<String> items = new ArrayList<>();
      value.forEach(item -> items.add(item.asText()));
      return items.isEmpty() ? "none" : String.join("; ", items);
    }
    return value.asText().replace("|", "\\|");
  }

  private static String percent(JsonNode ratio) {
    return format("%.1f%%", ratio.asDouble() * 100);
  }

  private static String format(String pattern, Object... values) {
    return String.format(Locale.ROOT, pattern, values);
  }
}

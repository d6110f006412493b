package dev.scorestream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.testkit.GeneratedDocs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/performance-results.md: the newest benchmark run, generated from its results JSON. */
class ResultsPageTest {

  static final Path RESULTS = Path.of("results");
  static final Path PAGE = Path.of("..", "..", "docs", "performance-results.md");

  @TempDir Path dir;

  @Test
  void shouldMatchTheNewestResults() {
    Path newest = ResultsPage.newest(RESULTS).orElseThrow();
    GeneratedDocs.check(
        PAGE,
        "newest benchmark run",
        ResultsPage.markdown(newest),
        "tools/bench",
        "ResultsPageTest");
  }

  @Test
  void shouldPickTheLatestRunThatMeasuredThroughput() throws IOException {
    write("2026-12-01-aaaaaaa.json", "{\"date\":\"2026-12-01\",\"throughput\":{}}");
    write(
        "2026-12-02-bbbbbbb.json",
        "{\"date\":\"2026-12-02\",\"started\":\"2026-12-02T10:00:00Z\",\"throughput\":{}}");
    write(
        "2026-12-02-0000000.json",
        "{\"date\":\"2026-12-02\",\"started\":\"2026-12-02T11:00:00Z\",\"throughput\":{}}");
    write("2026-12-03-ccccccc.json", "{\"date\":\"2026-12-03\",\"retrain\":{}}");

    assertThat(ResultsPage.newest(dir)).contains(dir.resolve("2026-12-02-0000000.json"));
  }

  @Test
  void shouldRenderEveryPartOfARun() throws IOException {
    Path run =
        write(
            "2026-12-09-1234567.json",
            """
            {"date": "2026-12-09", "git_sha": "1234567", "command": "./scorer bench --runs 1",
             "machine": {"cores": 2, "java": "OpenJDK 17"},
             "settings": {"events": 1000, "variants": ["default pipeline", "passthrough"]},
             "throughput": {
               "default pipeline": {"median": 46039.5, "min": 41122.9, "max": 51279.6,
                 "cpu_us_per_record_median": 24.64, "broker_cpu_us_per_record_median": 5.83,
                 "peak_rss_mb_max": 489.9, "ratio_to_passthrough": 0.1666},
               "feedback_store_snapshots": 1900000},
             "latency_ms": {"5000": {"measured": 75007, "p50": 39, "p99": 97, "p999": 122,
               "max": 136, "peak_rss_mb": 438.8}},
             "latency_ms_passthrough": {"5000": {"measured": 75003, "p50": 20, "p99": 41,
               "p999": 48, "max": 67, "peak_rss_mb": 314.1}},
             "jmh": {"rawTribuoPredict_ns": {"score": 1306.2, "error": 156.4}, "ratio": 2.6229},
             "targets": [
               {"name": "p99", "value": 79.0, "threshold": "<= 100.0", "pass": true},
               {"name": "ratio", "value": 0.1666, "threshold": ">= 0.25", "pass": false}]}
            """);

    assertThat(ResultsPage.markdown(run))
        .contains("Run of 2026-12-09 at commit `1234567`, on 2 cores with OpenJDK 17")
        .contains("```bash\n./scorer bench --runs 1\n```")
        .contains("| variants | default pipeline; passthrough |")
        .contains("| default pipeline | 46,040 | 41,123 to 51,280 | 16.7% | 24.6 | 5.8 | 490 |")
        .doesNotContain("feedback_store_snapshots")
        .contains("| default pipeline | 5000 | 75,007 | 39 | 97 | 122 | 136 | 439 |")
        .contains("| passthrough | 5000 | 75,003 | 20 | 41 | 48 | 67 | 314 |")
        .contains("| jmh rawTribuoPredict_ns | 1,306 ± 156 |")
        .contains("| jmh ratio | 2.62 |")
        .contains("| p99 | 79.000 | `<= 100.0` | PASS |")
        .contains("| ratio | 0.167 | `>= 0.25` | **FAIL** |");
  }

  private Path write(String name, String json) throws IOException {
    return Files.writeString(dir.resolve(name), json);
  }
}

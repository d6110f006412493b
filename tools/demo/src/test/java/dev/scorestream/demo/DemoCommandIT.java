package dev.scorestream.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged {@code scorer-demo.jar demo}, run as a user runs it: exit code and the summary line.
 */
class DemoCommandIT {

  @TempDir Path dir;

  /**
   * Runs {@code scorer-demo.jar} with {@code args}; returns its stdout once it exited 0 within 4
   * minutes.
   */
  String demo(String... args) throws IOException, InterruptedException {
    Path jar = Path.of("target", "scorer-demo.jar").toAbsolutePath();
    assertThat(jar).exists();
    Path output = dir.resolve("demo.out");
    Path log = dir.resolve("demo.err");
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx768m",
                "-jar",
                jar.toString()));
    command.addAll(List.of(args));
    Process demo =
        new ProcessBuilder(command)
            .redirectOutput(output.toFile())
            .redirectError(log.toFile())
            .start();
    boolean finished = demo.waitFor(4, TimeUnit.MINUTES);
    if (!finished) {
      demo.destroyForcibly();
    }
    String text = Files.readString(output);
    String context = text + "\n--- stderr ---\n" + Files.readString(log);
    assertThat(finished).as(context).isTrue();
    assertThat(demo.exitValue()).as(context).isZero();
    return text;
  }

  @Test
  void shouldRunDemoAndConserveEveryEvent() throws IOException, InterruptedException {
    String text = demo("demo", "--events", "2000", "--seed", "7");
    List<String> lines = text.lines().toList();
    String last =
        lines.get(lines.size() - 1); // the summary is the last line on stdout; logs go to stderr
    Matcher summary =
        Pattern.compile("in=(\\d+) predictions=(\\d+) dead_letters=(\\d+)").matcher(last);
    assertThat(summary.matches()).as(last).isTrue();
    long in = Long.parseLong(summary.group(1));
    long predictions = Long.parseLong(summary.group(2));
    long deadLetters = Long.parseLong(summary.group(3));
    assertThat(in).isEqualTo(2000);
    assertThat(predictions + deadLetters).isEqualTo(in);
    assertThat(deadLetters).isPositive();
    assertThat(text).contains("OK: every event came out exactly once").doesNotContain("PROBLEM");
  }

  @Test
  void shouldCloseTheLoopInTheSeasonsScenario() throws IOException, InterruptedException {
    String text = demo("demo", "--seasons", "--seed", "7");

    Matcher closed =
        Pattern.compile(
                "closed loop: accuracy before shift ([0-9.]+), after shift ([0-9.]+), after"
                    + " retraining ([0-9.]+); promoted (\\S+) (\\d+) s after the trigger")
            .matcher(text);
    assertThat(closed.find()).as(text).isTrue();
    double after = Double.parseDouble(closed.group(2));
    double retrained = Double.parseDouble(closed.group(3));
    assertThat(Double.parseDouble(closed.group(1)) - after).as(text).isGreaterThan(0.03);
    assertThat(retrained - after).as(text).isGreaterThanOrEqualTo(0.03);
    assertThat(closed.group(4)).isEqualTo("fraud-r1");
    List<String> decisions =
        text.lines()
            .map(line -> line.trim().split("\\s+"))
            .filter(words -> words.length > 1 && words[1].matches("[A-Z_]{6,}"))
            .map(words -> words[1])
            .toList();
    assertThat(decisions)
        .containsSubsequence("TRIGGERED", "TRAINED", "SHADOW_STARTED", "PROMOTED")
        .doesNotContain("REJECTED", "ROLLED_BACK");
    assertThat(text).doesNotContain("PROBLEM");
  }

  @Test
  void shouldCatchTheShiftInTheDriftScenario() throws IOException, InterruptedException {
    String text = demo("demo", "--drift", "--events", "3000", "--seed", "7");
    String context = text;
    assertThat(text)
        .contains("OK: the shift was caught by drift and by live accuracy.")
        .doesNotContain("PROBLEM");
    Matcher alerts = Pattern.compile("Features in ALERT after the shift: (.*)").matcher(text);
    assertThat(alerts.find()).as(context).isTrue();
    assertThat(alerts.group(1).split(", ")).contains("amount", "country");
    Matcher accuracy =
        Pattern.compile("Live accuracy: ([0-9.]+) stable -> ([0-9.]+) shifted").matcher(text);
    assertThat(accuracy.find()).as(context).isTrue();
    assertThat(Double.parseDouble(accuracy.group(1)) - Double.parseDouble(accuracy.group(2)))
        .isGreaterThan(0.1);
    assertThat(text.lines().filter(line -> line.matches("\\S+Z\\s+stable\\s.*")))
        .hasSize(3)
        .allSatisfy(line -> assertThat(line).contains(" OK ").endsWith("-"));
  }

  @Test
  void shouldShowThatTheContextFeaturesHelpInTheEnrichmentScenario()
      throws IOException, InterruptedException {
    String text = demo("demo", "--enrichment", "--seed", "7");
    List<String> lines = text.lines().toList();
    String last = lines.get(lines.size() - 1);
    Matcher lift =
        Pattern.compile(
                "enrichment lift: accuracy ([0-9.]+) -> ([0-9.]+), log_loss ([0-9.]+) -> ([0-9.]+)")
            .matcher(last);
    assertThat(lift.matches()).as(text).isTrue();
    assertThat(Double.parseDouble(lift.group(2))).isGreaterThan(Double.parseDouble(lift.group(1)));
    assertThat(Double.parseDouble(lift.group(4))).isLessThan(Double.parseDouble(lift.group(3)));
    assertThat(text)
        .doesNotContain("PROBLEM")
        .containsPattern("without context +0\\.\\d+ +0\\.\\d+ +0\\.\\d+ +0\\.\\d+")
        .containsPattern("with context +0\\.\\d+ +0\\.\\d+ +0\\.\\d+ +0\\.\\d+");
  }
}

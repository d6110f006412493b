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

/** The packaged {@code scorer.jar demo}, run as a user runs it: exit code and the summary line. */
class DemoCommandIT {

  @TempDir
  Path dir;

  @Test
  void shouldRunDemoAndConserveEveryEvent() throws IOException, InterruptedException {
    Path jar = Path.of("target", "scorer.jar").toAbsolutePath();
    assertThat(jar).exists();
    Path output = dir.resolve("demo.out");
    Path log = dir.resolve("demo.err");
    Process demo = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx768m", "-jar", jar.toString(), "demo", "--events", "2000", "--seed", "7")
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
    List<String> lines = text.lines().toList();
    String last = lines.get(lines.size() - 1);  // the summary is the last line on stdout; logs go to stderr
    Matcher summary = Pattern.compile("in=(\\d+) predictions=(\\d+) dead_letters=(\\d+)").matcher(last);
    assertThat(summary.matches()).as(last).isTrue();
    long in = Long.parseLong(summary.group(1));
    long predictions = Long.parseLong(summary.group(2));
    long deadLetters = Long.parseLong(summary.group(3));
    assertThat(in).isEqualTo(2000);
    assertThat(predictions + deadLetters).isEqualTo(in);
    assertThat(deadLetters).isPositive();
    assertThat(text).contains("OK: every event came out exactly once").doesNotContain("PROBLEM");
  }
}

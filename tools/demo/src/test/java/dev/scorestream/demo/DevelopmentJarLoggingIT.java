package dev.scorestream.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.scorestream.training.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged {@code scorer-demo.jar} logs like the production jar except for the demo: {@code
 * run} prints the scorer's INFO lines on the console, and no command leaves a file in the temp
 * directory.
 */
class DevelopmentJarLoggingIT {

  @TempDir Path dir;

  Process start(Path tmp, Path err, String... args) throws IOException {
    Path jar = Path.of("target", "scorer-demo.jar").toAbsolutePath();
    assertThat(jar).exists();
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-Djava.io.tmpdir=" + tmp,
                "-jar",
                jar.toString()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command)
        .redirectOutput(dir.resolve("out").toFile())
        .redirectError(err.toFile())
        .start();
  }

  static List<Path> logFiles(Path tmp) throws IOException {
    try (Stream<Path> files = Files.walk(tmp)) {
      return files.filter(file -> file.getFileName().toString().endsWith(".log")).toList();
    }
  }

  @Test
  void shouldPrintRunsInfoLinesOnTheConsoleAndLeaveNoLogFile() throws Exception {
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    Path model = dir.resolve("model");
    TestModels.logistic().save(model);
    Path config =
        Files.writeString(
            dir.resolve("scorer.properties"),
            "bootstrap.servers=127.0.0.1:1\nschema.registry.url=http://127.0.0.1:1\nmodel.dir="
                + model
                + "\n");
    Path err = dir.resolve("run.err");
    Process run = start(tmp, err, "run", "--config", config.toString());
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> assertThat(Files.readString(err)).contains("INFO").contains("serving model"));
    } finally {
      run.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    Process version = start(tmp, dir.resolve("version.err"), "--version");
    assertThat(version.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(logFiles(tmp)).as("log files left in java.io.tmpdir").isEmpty();
  }
}

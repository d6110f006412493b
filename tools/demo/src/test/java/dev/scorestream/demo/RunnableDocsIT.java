package dev.scorestream.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.scorestream.testkit.EmbeddedStack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the command blocks that README.md and the pages under docs/ mark {@code <!-- doc-test -->}
 * ({@link DocBlocks}), page by page, in order, as a reader would type them: in an empty directory
 * whose {@code ./scorer} runs this build's {@code scorer-demo.jar}, against a broker and a registry
 * on 127.0.0.1. The placeholders the pages use for a cluster are replaced by those: {@code
 * kafka-1:9092,kafka-2:9092} and {@code kafka-1:9092} by the broker, {@code http://registry:8081}
 * by the registry, and {@code /srv/} by a directory of the test.
 */
class RunnableDocsIT {

  static final Path ROOT = Path.of("..", "..").toAbsolutePath().normalize();
  static final Duration BLOCK_TIMEOUT = Duration.ofMinutes(5);
  static final Duration READY_TIMEOUT = Duration.ofMinutes(3);

  @TempDir Path dir;

  @Test
  void shouldRunEveryMarkedBlockOfTheDocsAsWritten() throws Exception {
    List<DocBlocks> pages = pages();
    assertThat(pages)
        .as("README.md's way onto your own cluster is marked runnable")
        .anySatisfy(page -> assertThat(page.page().getFileName()).hasToString("README.md"));
    Path jar = Path.of("target", "scorer-demo.jar").toAbsolutePath();
    assertThat(jar).exists();
    try (EmbeddedStack stack = EmbeddedStack.start()) {
      Map<String, String> placeholders = new LinkedHashMap<>();
      placeholders.put("kafka-1:9092,kafka-2:9092", stack.kafka().bootstrapServers());
      placeholders.put("kafka-1:9092", stack.kafka().bootstrapServers());
      placeholders.put("http://registry:8081", stack.registry().url());
      for (DocBlocks page : pages) {
        Path work = Files.createDirectories(dir.resolve(page.page().getFileName().toString()));
        placeholders.put("/srv/", work.resolve("srv") + "/");
        runPage(page, work, jar, placeholders);
      }
    }
  }

  static List<DocBlocks> pages() throws IOException {
    List<Path> files = new ArrayList<>(List.of(ROOT.resolve("README.md")));
    try (Stream<Path> docs = Files.walk(ROOT.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
    }
    List<DocBlocks> pages = new ArrayList<>();
    for (Path file : files) {
      DocBlocks page = DocBlocks.read(file);
      if (!page.blocks().isEmpty()) {
        pages.add(page);
      }
    }
    return pages;
  }

  void runPage(DocBlocks page, Path work, Path jar, Map<String, String> placeholders)
      throws Exception {
    Path scorer = work.resolve("scorer");
    Files.writeString(
        scorer,
        "#!/usr/bin/env bash\nexec '"
            + Path.of(System.getProperty("java.home"), "bin", "java")
            + "' -Xmx768m -jar '"
            + jar
            + "' \"$@\"\n");
    Files.setPosixFilePermissions(scorer, PosixFilePermissions.fromString("rwxr-xr-x"));
    List<Process> servers = new ArrayList<>();
    try {
      int n = 0;
      for (DocBlocks.Block block : page.blocks()) {
        String script = block.script();
        for (Map.Entry<String, String> placeholder : placeholders.entrySet()) {
          script = script.replace(placeholder.getKey(), placeholder.getValue());
        }
        Path output = work.resolve("block-" + (++n) + ".out");
        Process process =
            new ProcessBuilder("bash", "-euo", "pipefail", "-c", script)
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        String where = block.where(ROOT.relativize(page.page()));
        if (block.background()) {
          servers.add(process);
          awaitReady(process, output, block, where);
        } else {
          finish(process, output, block, where);
        }
      }
    } finally {
      for (Process server : servers) {
        stop(server);
      }
    }
  }

  static void finish(Process process, Path output, DocBlocks.Block block, String where)
      throws Exception {
    boolean done = process.waitFor(BLOCK_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    if (!done) {
      stop(process);
    }
    String text = Files.readString(output);
    assertThat(done).as("%s did not finish in %s:%n%s", where, BLOCK_TIMEOUT, tail(text)).isTrue();
    assertThat(process.exitValue())
        .as("%s exited %d:%n%s%n%s", where, process.exitValue(), block.script(), tail(text))
        .isZero();
    if (block.expect() != null) {
      assertThat(block.expect().matcher(text).find())
          .as("%s's output does not match %s:%n%s", where, block.expect(), tail(text))
          .isTrue();
    }
  }

  static void awaitReady(Process process, Path output, DocBlocks.Block block, String where) {
    await(where + " printing " + block.until())
        .atMost(READY_TIMEOUT)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              String text = Files.readString(output);
              if (!process.isAlive() && !block.until().matcher(text).find()) {
                throw new AssertionError(
                    where
                        + " stopped (exit "
                        + process.exitValue()
                        + ") before "
                        + block.until()
                        + ":\n"
                        + tail(text));
              }
              return block.until().matcher(text).find();
            });
  }

  /** SIGTERM to the block's processes, children first, as a person's Ctrl-C would stop them. */
  static void stop(Process process) throws InterruptedException {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }

  private static String tail(String text) {
    String[] lines = text.split("\n");
    return String.join("\n", List.of(lines).subList(Math.max(0, lines.length - 40), lines.length));
  }
}

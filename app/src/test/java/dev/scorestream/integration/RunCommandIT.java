package dev.scorestream.integration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.fixtures.CliRun;
import dev.scorestream.testkit.EmbeddedStack;
import dev.scorestream.testkit.OutputCollector;
import dev.scorestream.testkit.RealComponents;
import dev.scorestream.training.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scorer.jar run --config FILE} as operators start it, on the topics {@code scorer topics
 * create} made from the same file: scores what {@code scorer sample produce} sends (each event a
 * prediction or, malformed, a dead letter), then stops cleanly on SIGTERM.
 */
@ExtendWith(RealComponents.class)
class RunCommandIT {

  @TempDir Path dir;

  @Test
  void shouldRunOnTheTopicsItCreatedScoreSampleEventsAndStopCleanlyOnSigterm(EmbeddedStack stack)
      throws Exception {
    Path model = dir.resolve("model");
    TestModels.logistic().save(model);
    Path config =
        Files.writeString(
            dir.resolve("scorer.properties"),
            String.join(
                    "\n",
                    "bootstrap.servers=" + stack.kafka().bootstrapServers(),
                    "schema.registry.url=" + stack.registry().url(),
                    "model.dir=" + model,
                    "application.id=run-it",
                    "topic.events=run-events",
                    "topic.predictions=run-predictions",
                    "topic.dlq=run-dlq",
                    "topic.drift=run-drift",
                    "topic.labels=run-labels",
                    "topic.performance=run-performance",
                    "topic.training=run-training",
                    "http.port=0",
                    "grpc.port=0",
                    "management.port=0",
                    "state.dir=" + dir.resolve("state"))
                + "\n");
    // A newcomer's path: the topics from the configuration, then the pipeline, then sample events.
    CliRun topics =
        CliRun.of("topics", "create", "--config", config.toString(), "--partitions", "2");
    assertThat(topics.exit()).as(topics.out() + topics.err()).isZero();
    Path log = dir.resolve("run.log");
    Process scorer =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-jar",
                Path.of("target", "scorer.jar").toAbsolutePath().toString(),
                "run",
                "--config",
                config.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      CliRun produce =
          CliRun.of(
              "sample",
              "produce",
              "--topic",
              "run-events",
              "--events",
              "50",
              "--rate",
              "500",
              "--malformed-fraction",
              "0.2",
              "--seed",
              "12",
              "--bootstrap-server",
              stack.kafka().bootstrapServers(),
              "--registry",
              stack.registry().url());
      assertThat(produce.exit()).as(produce.out() + produce.err()).isZero();
      Matcher sent = Pattern.compile("\\((\\d+) malformed").matcher(produce.out());
      assertThat(sent.find()).as(produce.out()).isTrue();
      int malformed = Integer.parseInt(sent.group(1));
      assertThat(malformed).isPositive();
      try (OutputCollector deadLetters =
          new OutputCollector(stack.kafka().bootstrapServers(), List.of("run-dlq"))) {
        assertThat(
                deadLetters.pollUntil(
                    () -> deadLetters.records().size() >= malformed,
                    Duration.ofSeconds(90),
                    r -> {}))
            .as(Files.readString(log))
            .isTrue();
      }
      try (OutputCollector predictions =
          new OutputCollector(stack.kafka().bootstrapServers(), List.of("run-predictions"))) {
        assertThat(
                predictions.pollUntil(
                    () -> predictions.records().size() >= 50 - malformed,
                    Duration.ofSeconds(90),
                    r -> {}))
            .as(Files.readString(log))
            .isTrue();
      }
      assertThat(scorer.isAlive()).isTrue();

      scorer.destroy();
      assertThat(scorer.waitFor(60, TimeUnit.SECONDS))
          .as("stops within a minute of SIGTERM")
          .isTrue();
      String output = Files.readString(log);
      assertThat(output)
          .contains("stopping scorer")
          .contains("PENDING_SHUTDOWN -> NOT_RUNNING")
          .doesNotContain("Exception in thread");
    } finally {
      scorer.destroyForcibly();
    }
  }
}

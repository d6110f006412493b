package dev.scorestream.integration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.fixtures.CliRun;
import dev.scorestream.testkit.EmbeddedStack;
import dev.scorestream.testkit.RealComponents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scorer topics create} and {@code check} against a real broker: every topic the
 * configuration's pipeline uses is created as it needs to be, a check of that cluster passes, and a
 * check of a cluster set up wrong names each wrong topic with expected and actual.
 */
@ExtendWith(RealComponents.class)
class TopicsCommandIT {

  @TempDir Path dir;

  /** A configuration with every topic on (drift, feedback, schema changes, a reference table). */
  Path config(String prefix, String bootstrap) throws Exception {
    Path enrichment =
        Files.writeString(
            dir.resolve("enrichment.json"),
            "{\"references\": [{\"table\": \"customers\", \"topic\": \""
                + prefix
                + ".customers\", \"key\": \"customer_id\", \"fields\": [{\"name\": \"segment\","
                + " \"type\": \"string\", \"default\": \"unknown\"}]}]}");
    return Files.writeString(
        dir.resolve("scorer.properties"),
        String.join(
            "\n",
            "application.id=" + prefix + "-app",
            "bootstrap.servers=" + bootstrap,
            "schema.registry.url=http://127.0.0.1:1",
            "model.dir=" + dir.resolve("models"),
            "topic.events=" + prefix + ".events",
            "topic.predictions=" + prefix + ".predictions",
            "topic.dlq=" + prefix + ".dlq",
            "topic.drift=" + prefix + ".drift",
            "topic.labels=" + prefix + ".labels",
            "topic.performance=" + prefix + ".performance",
            "topic.training=" + prefix + ".training",
            "topic.schema.changes=" + prefix + ".schema-changes",
            "enrichment.spec.path=" + enrichment,
            ""));
  }

  @Test
  void shouldCreateEveryTopicOnAnEmptyClusterAndThenPassTheCheck(EmbeddedStack stack)
      throws Exception {
    Path config = config("fresh", stack.kafka().bootstrapServers());

    CliRun create =
        CliRun.of("topics", "create", "--config", config.toString(), "--partitions", "3");

    assertThat(create.exit()).as(create.out() + create.err()).isZero();
    List<String> created = lines(create.out(), "fresh.");
    assertThat(created).hasSize(9).allMatch(line -> line.endsWith("created"), "created");
    try (Admin admin = stack.kafka().admin()) {
      assertThat(partitions(admin, "fresh.events")).isEqualTo(3);
      assertThat(partitions(admin, "fresh.labels")).isEqualTo(3);
      assertThat(partitions(admin, "fresh.predictions")).isEqualTo(3);
      assertThat(partitions(admin, "fresh.schema-changes")).isEqualTo(1);
      assertThat(setting(admin, "fresh.customers", "cleanup.policy")).isEqualTo("compact");
      assertThat(setting(admin, "fresh.schema-changes", "cleanup.policy")).isEqualTo("compact");
      assertThat(setting(admin, "fresh.dlq", "cleanup.policy")).isEqualTo("delete");
      assertThat(Long.parseLong(setting(admin, "fresh.dlq", "max.message.bytes")))
          .isEqualTo(Long.parseLong(setting(admin, "fresh.events", "max.message.bytes")) + 16_384);
    }

    CliRun check = CliRun.of("topics", "check", "--config", config.toString());

    assertThat(check.exit()).as(check.out() + check.err()).isZero();
    assertThat(check.out()).startsWith("TOPIC").contains("topic.labels").contains("topic.dlq");
    assertThat(lines(check.out(), "fresh.")).hasSize(9).allMatch(line -> line.endsWith("  ok"));
  }

  @Test
  void shouldNameEachWrongTopicWithExpectedAndActual(EmbeddedStack stack) throws Exception {
    try (Admin admin = stack.kafka().admin()) {
      admin
          .createTopics(
              List.of(
                  new NewTopic("wrong.events", Optional.of(4), Optional.empty()),
                  new NewTopic("wrong.labels", Optional.of(2), Optional.empty()),
                  new NewTopic("wrong.customers", Optional.of(1), Optional.empty()),
                  new NewTopic("wrong.dlq", Optional.of(1), Optional.empty())
                      .configs(Map.of("cleanup.policy", "compact", "max.message.bytes", "1000"))))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    // The configuration's cluster is not there: --bootstrap-server wins, as for the other tools.
    Path config = config("wrong", "127.0.0.1:1");
    String bootstrap = stack.kafka().bootstrapServers();

    CliRun check =
        CliRun.of(
            "topics", "check", "--config", config.toString(), "--bootstrap-server", bootstrap);

    assertThat(check.exit()).as(check.out() + check.err()).isEqualTo(1);
    assertThat(line(check.out(), "wrong.labels"))
        .contains("WRONG: 2 partitions, expected 4 (those of wrong.events)");
    assertThat(line(check.out(), "wrong.customers"))
        .contains("WRONG: not compacted (cleanup.policy=delete), expected compact");
    assertThat(line(check.out(), "wrong.dlq"))
        .contains("WRONG: compacted (cleanup.policy=compact), expected delete")
        .contains("max.message.bytes 1000 too small, expected at least 16384");
    assertThat(line(check.out(), "wrong.predictions")).contains("WRONG: missing");
    assertThat(line(check.out(), "wrong.events")).endsWith("  ok");
    assertThat(check.err()).contains("8 of 9 topics are not as the pipeline needs them");

    CliRun create =
        CliRun.of(
            "topics",
            "create",
            "--config",
            config.toString(),
            "--bootstrap-server",
            bootstrap,
            "--partitions",
            "2");

    assertThat(create.exit()).as(create.out() + create.err()).isEqualTo(1);
    assertThat(line(create.out(), "wrong.predictions")).endsWith("created");
    assertThat(line(create.out(), "wrong.labels")).contains("WRONG: 2 partitions, expected 4");
    assertThat(create.err())
        .contains(
            "note: wrong.events already exists with 4 partitions; --partitions 2 applies only");
    try (Admin admin = stack.kafka().admin()) {
      assertThat(partitions(admin, "wrong.predictions")).isEqualTo(4);
      assertThat(partitions(admin, "wrong.labels")).isEqualTo(2);
    }
  }

  @Test
  void shouldPrintUsageAndExit2OnBadArguments() throws Exception {
    Path config = config("usage", "127.0.0.1:1");

    CliRun noConfig = CliRun.of("topics", "check");
    CliRun noPartitions =
        CliRun.of("topics", "create", "--config", config.toString(), "--partitions", "0");
    CliRun noSubcommand = CliRun.of("topics");

    assertThat(noConfig.exit()).isEqualTo(2);
    assertThat(noConfig.err()).contains("Missing required option: '--config=FILE'", "Usage:");
    assertThat(noPartitions.exit()).isEqualTo(2);
    assertThat(noPartitions.err()).contains("--partitions must be at least 1, got 0", "Usage:");
    assertThat(noSubcommand.exit()).isEqualTo(2);
    assertThat(noSubcommand.err()).contains("missing subcommand: create or check");
  }

  private static List<String> lines(String out, String prefix) {
    return Arrays.stream(out.split("\n")).filter(line -> line.startsWith(prefix)).toList();
  }

  private static String line(String out, String topic) {
    return lines(out, topic + " ").stream().findFirst().orElseThrow();
  }

  private static int partitions(Admin admin, String topic) throws Exception {
    return admin
        .describeTopics(List.of(topic))
        .allTopicNames()
        .get(30, TimeUnit.SECONDS)
        .get(topic)
        .partitions()
        .size();
  }

  private static String setting(Admin admin, String topic, String name) throws Exception {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    Config config =
        admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
    return config.get(name).value();
  }
}

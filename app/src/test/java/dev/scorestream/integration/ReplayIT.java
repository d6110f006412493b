package dev.scorestream.integration;

import static dev.scorestream.testkit.TopicCounts.endOffsets;
import static dev.scorestream.testkit.TopicCounts.lag;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.scorestream.cli.ScorerCli;
import dev.scorestream.codec.WireFormatEncoder;
import dev.scorestream.config.ScorerConfig;
import dev.scorestream.deadletter.DeadLetterFilter;
import dev.scorestream.deadletter.DeadLetterHeaders;
import dev.scorestream.deadletter.DeadLetterInspector;
import dev.scorestream.deadletter.InspectionReport;
import dev.scorestream.deadletter.ReplayEngine;
import dev.scorestream.deadletter.ReplayOptions;
import dev.scorestream.deadletter.ReplayResult;
import dev.scorestream.fixtures.RunningPipeline;
import dev.scorestream.fixtures.SyntheticDeadLetters;
import dev.scorestream.payments.PaymentGenerator;
import dev.scorestream.registry.RegistrySettings;
import dev.scorestream.registry.SchemaNotFoundException;
import dev.scorestream.registry.SchemaRegistryClient;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.schemas.Reason;
import dev.scorestream.testkit.EmbeddedStack;
import dev.scorestream.testkit.OutputCollector;
import dev.scorestream.testkit.RealComponents;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code scorer replay} against the real pipeline, broker and registry. */
@ExtendWith(RealComponents.class)
class ReplayIT {

  final EmbeddedStack stack;
  @TempDir Path dir;

  ReplayIT(EmbeddedStack stack) {
    this.stack = stack;
  }

  /** Runs the CLI like an operator; returns stdout, fails on a non-zero exit. */
  String scorer(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = ScorerCli.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    assertThat(code).as("scorer %s%n%s%n%s", String.join(" ", args), out, err).isZero();
    return out.toString();
  }

  Properties client() {
    Properties props = new Properties();
    props.put("bootstrap.servers", stack.kafka().bootstrapServers());
    return props;
  }

  @Test
  void shouldReplayUnknownSchemaIdOnceTheSchemaIsRegistered() throws Exception {
    try (RunningPipeline pipeline =
            RunningPipeline.start(
                stack.kafka(),
                stack.registry().url(),
                "replay-unknown-",
                dir,
                Map.of(ScorerConfig.REGISTRY_UNKNOWN_ID_CACHE, "500ms"));
        Admin admin = stack.kafka().admin()) {
      SchemaRegistryClient registry =
          new SchemaRegistryClient(RegistrySettings.of(stack.registry().url()));
      // The id the producer "meant": the next content id the registry will hand out.
      int probe = registry.register("replay-probe-value", Schema.create(Schema.Type.STRING));
      int meant = probe + 1;
      Schema writer = uniqueWriterSchema();
      WireFormatEncoder encoder = new WireFormatEncoder(writer, meant);
      PaymentGenerator payments = new PaymentGenerator(Contracts.paymentEvent(), 5);
      List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        GenericRecord payment = payments.next(System.currentTimeMillis()).record();
        records.add(
            new ProducerRecord<>(
                pipeline.events,
                ("u-" + i).getBytes(StandardCharsets.UTF_8),
                encoder.encode(payment)));
      }
      for (int i = 0; i < 20; i++) {
        records.add(
            new ProducerRecord<>(
                pipeline.events,
                ("json-" + i).getBytes(StandardCharsets.UTF_8),
                "{\"oops\":true}".getBytes(StandardCharsets.UTF_8)));
      }
      pipeline.produce(records);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> committedCount(pipeline.deadLetters) == 220);

      String inspect =
          scorer(
              "dlq",
              "inspect",
              "--bootstrap-server",
              stack.kafka().bootstrapServers(),
              "--dlq-topic",
              pipeline.deadLetters);
      assertThat(inspect)
          .containsPattern("UNKNOWN_SCHEMA_ID\\s+200")
          .containsPattern("NOT_WIRE_FORMAT\\s+20");

      assertThat(registry.register("replay-unknown-events-value", writer))
          .as("schema lands on the id producers used")
          .isEqualTo(meant);
      // The operator's procedure: wait schema.registry.unknown.id.cache before replaying, until the
      // running scorer resolves the id it remembered as unknown.
      await()
          .atMost(Duration.ofSeconds(10))
          .ignoreException(SchemaNotFoundException.class)
          .until(() -> pipeline.app().registry().schemaById(meant) != null);
      String replay =
          scorer(
              "replay",
              "--bootstrap-server",
              stack.kafka().bootstrapServers(),
              "--from", // the former spelling of --dlq-topic still works
              pipeline.deadLetters,
              "--reason",
              "UNKNOWN_SCHEMA_ID");
      assertThat(replay)
          .contains("UNKNOWN_SCHEMA_ID -> " + pipeline.events)
          .endsWith("replayed=200 skipped=20 refused=0\n");

      try (OutputCollector predictions =
          new OutputCollector(stack.kafka().bootstrapServers(), List.of(pipeline.predictions))) {
        assertThat(
                predictions.pollUntil(
                    () -> predictions.records().size() >= 200, Duration.ofSeconds(60), r -> {}))
            .isTrue();
        predictions.drain(Duration.ofSeconds(2), r -> {});
        Set<String> keys = new HashSet<>();
        predictions.records().forEach(r -> keys.add(new String(r.key(), StandardCharsets.UTF_8)));
        assertThat(keys).hasSize(200).allMatch(key -> key.startsWith("u-"));
        assertThat(predictions.records()).hasSize(200);
      }
      String group =
          ReplayOptions.defaultGroup(pipeline.deadLetters, filterReason(Reason.UNKNOWN_SCHEMA_ID));
      assertThat(replay).contains("group " + group);
      assertThat(lag(admin, group, pipeline.deadLetters)).isZero();
      assertThat(
              scorer(
                  "replay",
                  "--bootstrap-server",
                  stack.kafka().bootstrapServers(),
                  "--dlq-topic",
                  pipeline.deadLetters,
                  "--reason",
                  "UNKNOWN_SCHEMA_ID"))
          .endsWith("replayed=0 skipped=0 refused=0\n");
    }
  }

  @Test
  void shouldRefuseRecordsThatReachedMaxReplaysWithoutGrowingHeaders() throws Exception {
    try (RunningPipeline pipeline =
        RunningPipeline.start(
            stack.kafka(), stack.registry().url(), "replay-loop-", dir, Map.of())) {
      pipeline.produce(
          List.of(
              new ProducerRecord<>(
                  pipeline.events,
                  "poison".getBytes(StandardCharsets.UTF_8),
                  "not avro".getBytes(StandardCharsets.UTF_8))));
      List<Integer> headerCounts = new ArrayList<>();
      for (int round = 0; round < 3; round++) {
        int expected = round + 1;
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> committedCount(pipeline.deadLetters) == expected);
        ConsumerRecord<byte[], byte[]> latest = latestDeadLetter(pipeline.deadLetters);
        assertThat(DeadLetterHeaders.replayCount(latest.headers())).isEqualTo(round);
        headerCounts.add(latest.headers().toArray().length);
        assertThat(
                scorer(
                    "replay",
                    "--bootstrap-server",
                    stack.kafka().bootstrapServers(),
                    "--dlq-topic",
                    pipeline.deadLetters,
                    "--max-replays",
                    "3"))
            .endsWith("replayed=1 skipped=0 refused=0\n");
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> committedCount(pipeline.deadLetters) == 4);
      ConsumerRecord<byte[], byte[]> last = latestDeadLetter(pipeline.deadLetters);
      assertThat(DeadLetterHeaders.replayCount(last.headers())).isEqualTo(3);
      headerCounts.add(last.headers().toArray().length);
      assertThat(last.headers().headers(DeadLetterHeaders.REASON)).hasSize(1);

      assertThat(
              scorer(
                  "replay",
                  "--bootstrap-server",
                  stack.kafka().bootstrapServers(),
                  "--dlq-topic",
                  pipeline.deadLetters,
                  "--max-replays",
                  "3"))
          .endsWith("replayed=0 skipped=0 refused=1\n");
      assertThat(headerCounts)
          .as("headers never grow across replays")
          .containsOnly(headerCounts.get(0));
      assertThat(committedCount(pipeline.deadLetters)).isEqualTo(4);
    }
  }

  @Test
  void shouldWriteNothingOnDryRun() throws Exception {
    String dlq = "dry-run.dlq";
    String target = "dry-run.target";
    stack.kafka().createTopics(Map.of(dlq, 1, target, 1));
    SyntheticDeadLetters.write(
        stack.kafka().bootstrapServers(),
        dlq,
        List.of(
            SyntheticDeadLetters.letter(1, Reason.UNKNOWN_SCHEMA_ID, target),
            SyntheticDeadLetters.letter(2, Reason.UNKNOWN_SCHEMA_ID, target),
            SyntheticDeadLetters.letter(3, Reason.RULE_VIOLATION, target)));
    try (Admin admin = stack.kafka().admin()) {
      Map<?, Long> before = endOffsets(admin, target);

      String out =
          scorer(
              "replay",
              "--bootstrap-server",
              stack.kafka().bootstrapServers(),
              "--dlq-topic",
              dlq,
              "--dry-run");

      assertThat(out)
          .contains("dry run: nothing written")
          .contains("UNKNOWN_SCHEMA_ID -> dry-run.target")
          .containsPattern("RULE_VIOLATION -> dry-run.target\\s+1")
          .endsWith("replayed=3 skipped=0 refused=0\n");
      assertThat(endOffsets(admin, target)).isEqualTo(before);
      assertThat(lag(admin, ReplayOptions.defaultGroup(dlq, DeadLetterFilter.ALL), dlq))
          .as("nothing committed")
          .isEqualTo(3);
    }
  }

  @Test
  void shouldReplayEverySelectedRecordExactlyOnceAcrossAKilledRun() throws Exception {
    String dlq = "killed.dlq";
    String target = "killed.target";
    stack.kafka().createTopics(Map.of(dlq, 1, target, 1));
    List<SyntheticDeadLetters.Letter> letters =
        IntStream.range(0, 1200)
            .mapToObj(
                i ->
                    SyntheticDeadLetters.letter(
                        i, i % 4 == 0 ? Reason.RULE_VIOLATION : Reason.UNKNOWN_SCHEMA_ID, "events"))
            .toList();
    SyntheticDeadLetters.write(stack.kafka().bootstrapServers(), dlq, letters);
    ReplayOptions options =
        new ReplayOptions(
            dlq, target, "killed-replay", filterReason(Reason.UNKNOWN_SCHEMA_ID), 3, 0, false);

    assertThatThrownBy(
            () ->
                new ReplayEngine(client())
                    .replay(
                        options,
                        (read, total, replayed) -> {
                          if (read == 700) {
                            throw new IllegalStateException("operator pressed Ctrl-C");
                          }
                        }))
        .hasMessageContaining("Ctrl-C");
    ReplayResult resumed =
        new ReplayEngine(client()).replay(options, (read, total, replayed) -> {});

    try (OutputCollector collector =
        new OutputCollector(stack.kafka().bootstrapServers(), List.of(target))) {
      collector.pollUntil(() -> collector.records().size() >= 900, Duration.ofSeconds(30), r -> {});
      collector.drain(Duration.ofSeconds(2), r -> {});
      List<String> keys =
          collector.records().stream()
              .map(r -> new String(r.key(), StandardCharsets.UTF_8))
              .toList();
      assertThat(keys).hasSize(900).doesNotHaveDuplicates();
      assertThat(collector.records())
          .allSatisfy(
              r -> {
                assertThat(DeadLetterHeaders.replayCount(r.headers())).isEqualTo(1);
                assertThat(r.headers().lastHeader("origin")).isNotNull();
                for (Header header : r.headers()) {
                  assertThat(
                          header.key().equals(DeadLetterHeaders.REPLAY_COUNT)
                              || !DeadLetterHeaders.isDeadLetterHeader(header.key()))
                      .isTrue();
                }
              });
    }
    assertThat(resumed.replayed())
        .as("the first run committed one batch of 500 before it died")
        .isEqualTo(900 - 375);
    try (Admin admin = stack.kafka().admin()) {
      assertThat(lag(admin, "killed-replay", dlq)).isZero();
    }
  }

  @Test
  void shouldRefuseMissingTargetWithoutCommittingPastIt() throws Exception {
    String dlq = "missing-target.dlq";
    stack.kafka().createTopics(Map.of(dlq, 1));
    SyntheticDeadLetters.write(
        stack.kafka().bootstrapServers(),
        dlq,
        List.of(SyntheticDeadLetters.letter(1, Reason.UNKNOWN_SCHEMA_ID, "no-such-topic")));

    assertThatThrownBy(
            () ->
                new ReplayEngine(client())
                    .replay(
                        new ReplayOptions(dlq, "also-missing", null, null, 3, 0, false),
                        (read, total, replayed) -> {}))
        .hasMessageContaining("--to topic also-missing does not exist");
    assertThatThrownBy(
            () ->
                new ReplayEngine(client())
                    .replay(
                        new ReplayOptions(dlq, null, null, null, 3, 0, false),
                        (read, total, replayed) -> {}))
        .hasMessageContaining("target topic no-such-topic")
        .hasMessageContaining("does not exist");
    try (Admin admin = stack.kafka().admin()) {
      assertThat(lag(admin, ReplayOptions.defaultGroup(dlq, DeadLetterFilter.ALL), dlq))
          .as("nothing committed")
          .isEqualTo(1);
    }
  }

  @Test
  void shouldInspectAKnownMixExactly() throws Exception {
    String dlq = "inspect.dlq";
    stack.kafka().createTopics(Map.of(dlq, 1));
    List<SyntheticDeadLetters.Letter> letters = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      letters.add(
          SyntheticDeadLetters.letter(
              i,
              i < 17 ? Reason.RULE_VIOLATION : i < 25 ? Reason.UNDECODABLE : Reason.NOT_WIRE_FORMAT,
              i % 3 == 0 ? "events" : "payments"));
    }
    SyntheticDeadLetters.write(stack.kafka().bootstrapServers(), dlq, letters);

    InspectionReport report =
        new DeadLetterInspector(client()).inspect(dlq, DeadLetterFilter.ALL, read -> {});

    assertThat(report.read()).isEqualTo(30);
    assertThat(report.byReason())
        .containsOnlyKeys("RULE_VIOLATION", "UNDECODABLE", "NOT_WIRE_FORMAT");
    assertThat(report.byReason().get("RULE_VIOLATION").count()).isEqualTo(17);
    assertThat(report.byReason().get("UNDECODABLE").count()).isEqualTo(8);
    assertThat(report.byReason().get("NOT_WIRE_FORMAT").count()).isEqualTo(5);
    assertThat(report.byReason().get("UNDECODABLE").firstFailure())
        .isEqualTo(letters.get(17).failedAt());
    assertThat(report.byReason().get("UNDECODABLE").lastFailure())
        .isEqualTo(letters.get(24).failedAt());
    assertThat(report.byRule()).containsExactly(Map.entry("amount.max", 17L));
    assertThat(report.bySchemaId()).containsExactly(Map.entry("7", 30L));
    assertThat(report.bySource())
        .containsOnly(
            Map.entry("events-0", 5L),
            Map.entry("events-1", 5L),
            Map.entry("payments-0", 10L),
            Map.entry("payments-1", 10L));
    assertThat(report.byReason().get("NOT_WIRE_FORMAT").example().value())
        .isEqualTo("text \"value-25\"");
    assertThat(report.byReason().get("NOT_WIRE_FORMAT").example().headers())
        .containsEntry("origin", "test")
        .containsEntry(DeadLetterHeaders.REASON, "NOT_WIRE_FORMAT");

    String json =
        scorer(
            "dlq",
            "inspect",
            "--bootstrap-server",
            stack.kafka().bootstrapServers(),
            "--dlq-topic",
            dlq,
            "--json",
            "--reason",
            "UNDECODABLE");
    assertThat(json)
        .contains("\"matched\" : 8")
        .contains("\"UNDECODABLE\"")
        .doesNotContain("\"RULE_VIOLATION\" :");
  }

  static DeadLetterFilter filterReason(Reason reason) {
    return new DeadLetterFilter(
        Set.of(reason), Set.of(), Set.of(), null, null, Set.of(), null, null);
  }

  /**
   * A PaymentEvent writer schema with a unique doc, so the registry gives it a fresh content id.
   */
  static Schema uniqueWriterSchema() {
    Schema reader = Contracts.paymentEvent();
    List<Schema.Field> fields =
        reader.getFields().stream().map(f -> new Schema.Field(f, f.schema())).toList();
    return Schema.createRecord(
        reader.getName(), "replay test " + System.nanoTime(), reader.getNamespace(), false, fields);
  }

  long committedCount(String topic) {
    try (OutputCollector collector =
        new OutputCollector(stack.kafka().bootstrapServers(), List.of(topic))) {
      collector.drain(Duration.ofMillis(700), r -> {});
      return collector.records().size();
    }
  }

  ConsumerRecord<byte[], byte[]> latestDeadLetter(String topic) {
    try (OutputCollector collector =
        new OutputCollector(stack.kafka().bootstrapServers(), List.of(topic))) {
      collector.drain(Duration.ofMillis(700), r -> {});
      Comparator<ConsumerRecord<byte[], byte[]>> byOffset =
          Comparator.comparingLong(ConsumerRecord::offset);
      return collector.records().stream().max(byOffset).orElseThrow();
    }
  }
}

package dev.scorestream.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scorestream.codec.DecodeResult;
import dev.scorestream.codec.WireFormatDecoder;
import dev.scorestream.codec.WireFormatEncoder;
import dev.scorestream.config.ScorerConfig;
import dev.scorestream.fixtures.CliRun;
import dev.scorestream.fixtures.RunningPipeline;
import dev.scorestream.payments.PaymentGenerator;
import dev.scorestream.registry.RegistrySettings;
import dev.scorestream.registry.SchemaRegistryClient;
import dev.scorestream.samples.ProducerSchemas;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.testkit.EmbeddedStack;
import dev.scorestream.testkit.OutputCollector;
import dev.scorestream.testkit.RealComponents;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schema changes reported once per deployment, against a real broker and registry: two scorer
 * instances share the work, one of them restarts, the events of each writer schema arrive on every
 * partition and again after the restart, and still each change is one record on the compacted
 * topic. A version registered before any event uses it is found by the registry poll.
 */
@ExtendWith(RealComponents.class)
class SchemaChangesIT {

  static final String PREFIX = "changes-";
  static final String SUBJECT = PREFIX + "events-value";

  @TempDir Path dir;

  final List<Schema> steps = ProducerSchemas.steps();
  final PaymentGenerator payments = new PaymentGenerator(Contracts.paymentEvent(), 5);
  int sent;

  @Test
  void shouldReportEachChangeOnceAcrossTwoInstancesAndARestartAndPollVersionsBeforeEvents(
      EmbeddedStack stack) throws Exception {
    SchemaRegistryClient registry =
        new SchemaRegistryClient(RegistrySettings.of(stack.registry().url()));
    int[] ids = new int[4];
    ids[0] = registry.register(SUBJECT, steps.get(0));
    Path reader = dir.resolve("reader.avsc");
    Files.writeString(reader, steps.get(0).toString(true));
    Map<String, Object> extra =
        Map.of(
            ScorerConfig.READER_SCHEMA_PATH,
            reader.toString(),
            ScorerConfig.SCHEMA_CHANGES_POLL_INTERVAL,
            "500ms");
    RunningPipeline first = start(stack, "a", extra);
    try (RunningPipeline second = start(stack, "b", extra);
        OutputCollector changes =
            new OutputCollector(stack.kafka().bootstrapServers(), List.of(first.schemaChanges))) {
      ids[1] = registry.register(SUBJECT, steps.get(1));
      awaitReports(changes, 2);
      assertThat(report(changes, registry, ids[1]).get("detected_by").toString())
          .as("registered before any event: found by the poll")
          .isEqualTo("REGISTRY_POLL");

      ids[2] = registry.register(SUBJECT, steps.get(2));
      send(first, 0, ids[0], 40);
      send(first, 1, ids[1], 40);
      send(first, 2, ids[2], 40);
      awaitReports(changes, 3);

      first.close();
      first = start(stack, "a", extra);
      ids[3] = registry.register(SUBJECT, steps.get(3));
      send(first, 1, ids[1], 40);
      send(first, 3, ids[3], 40);
      awaitReports(changes, 4);
      changes.drain(Duration.ofSeconds(3), r -> {});

      Map<String, Integer> perKey = new HashMap<>();
      changes
          .records()
          .forEach(r -> perKey.merge(new String(r.key(), StandardCharsets.UTF_8), 1, Integer::sum));
      assertThat(perKey)
          .as("every change reported exactly once")
          .containsOnlyKeys(
              SUBJECT + "/" + ids[0],
              SUBJECT + "/" + ids[1],
              SUBJECT + "/" + ids[2],
              SUBJECT + "/" + ids[3])
          .allSatisfy((key, count) -> assertThat(count).as(key).isEqualTo(1));
      GenericRecord dropped = report(changes, registry, ids[3]);
      assertThat(dropped.get("severity").toString()).isEqualTo("WARN");
      assertThat(dropped.get("models").toString())
          .contains("\"feature\": \"card_present\"")
          .contains("\"consequence\": \"ALWAYS_DEFAULT\"");
      assertThat(dropped.get("previous_schema_id")).isEqualTo(ids[2]);
      CliRun history =
          CliRun.of(
              "schemas",
              "changes",
              "--bootstrap-server",
              stack.kafka().bootstrapServers(),
              "--registry",
              stack.registry().url(),
              "--topic",
              first.schemaChanges,
              "--dlq-topic",
              first.deadLetters);
      assertThat(history.exit()).as(history.err()).isZero();
      assertThat(history.out())
          .contains("4 schema changes on " + first.schemaChanges)
          .contains(SUBJECT + "/" + ids[1] + "  INFO  v2")
          .contains("found by REGISTRY_POLL")
          .containsPattern("card_present +card_present +ALWAYS_DEFAULT +was UNAFFECTED")
          .contains("dead letters (INCOMPATIBLE_SCHEMA): 0");
      String predictions = first.predictions;
      try (OutputCollector outputs =
          new OutputCollector(
              stack.kafka().bootstrapServers(), List.of(predictions, first.deadLetters))) {
        assertThat(
                outputs.pollUntil(
                    () -> outputs.records().size() >= sent, Duration.ofSeconds(60), r -> {}))
            .isTrue();
        assertThat(outputs.records())
            .as("every event predicted, none dead-lettered")
            .allMatch(r -> r.topic().equals(predictions))
            .hasSize(sent);
      }
    } finally {
      first.close();
    }
  }

  @Test
  void shouldRefuseAnUncompactedSchemaChangesTopicNamingTheKey(EmbeddedStack stack) {
    stack.kafka().createTopics(Map.of("uncompacted-schema-changes", 1));

    assertThatThrownBy(
            () ->
                RunningPipeline.start(
                    stack.kafka(),
                    stack.registry().url(),
                    "uncompacted-",
                    dir,
                    Map.of(ScorerConfig.TOPIC_SCHEMA_CHANGES, "uncompacted-schema-changes")))
        .hasMessageContaining(ScorerConfig.TOPIC_SCHEMA_CHANGES)
        .hasMessageContaining("not compacted (cleanup.policy=delete)");
  }

  /** One instance, with its own state directory (kept across its restart). */
  private RunningPipeline start(EmbeddedStack stack, String instance, Map<String, Object> extra)
      throws IOException {
    Path home = Files.createDirectories(dir.resolve(instance));
    return RunningPipeline.start(stack.kafka(), stack.registry().url(), PREFIX, home, extra, 4);
  }

  private void send(RunningPipeline pipeline, int step, int schemaId, int count) {
    WireFormatEncoder encoder = new WireFormatEncoder(steps.get(step), schemaId);
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      GenericRecord event =
          ProducerSchemas.as(
              steps.get(step), payments.next(System.currentTimeMillis()).record(), null);
      records.add(
          new ProducerRecord<>(
              pipeline.events,
              ("e" + sent++).getBytes(StandardCharsets.UTF_8),
              encoder.encode(event)));
    }
    pipeline.produce(records);
  }

  private static void awaitReports(OutputCollector changes, int keys) {
    BooleanSupplier enough =
        () -> changes.records().stream().map(r -> new String(r.key())).distinct().count() >= keys;
    assertThat(changes.pollUntil(enough, Duration.ofSeconds(60), r -> {}))
        .as("%d changes reported, got %d records", keys, changes.records().size())
        .isTrue();
  }

  private static GenericRecord report(
      OutputCollector changes, SchemaRegistryClient registry, int schemaId) {
    WireFormatDecoder decoder = new WireFormatDecoder(Contracts.schemaChange(), registry);
    for (ConsumerRecord<byte[], byte[]> record : changes.records()) {
      if (new String(record.key(), StandardCharsets.UTF_8).equals(SUBJECT + "/" + schemaId)) {
        return ((DecodeResult.Decoded) decoder.decode(record.value())).record();
      }
    }
    throw new AssertionError("no report of schema id " + schemaId);
  }
}

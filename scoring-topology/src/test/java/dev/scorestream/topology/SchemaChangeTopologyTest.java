package dev.scorestream.topology;

import static dev.scorestream.topology.TopologyFixture.EVOLVED_ID;
import static dev.scorestream.topology.TopologyFixture.LABEL_ID;
import static dev.scorestream.topology.TopologyFixture.NOW;
import static dev.scorestream.topology.TopologyFixture.NO_AMOUNT_ID;
import static dev.scorestream.topology.TopologyFixture.READER;
import static dev.scorestream.topology.TopologyFixture.READER_ID;
import static dev.scorestream.topology.TopologyFixture.SCHEMA_CHANGE_ID;
import static dev.scorestream.topology.TopologyFixture.WALLET_ID;
import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.codec.DecodeResult;
import dev.scorestream.codec.WireFormatDecoder;
import dev.scorestream.codec.WireFormatEncoder;
import dev.scorestream.deadletter.DeadLetterHeaders;
import dev.scorestream.drift.DriftThresholds;
import dev.scorestream.evolution.SchemaChangeRecords;
import dev.scorestream.evolution.SchemaChangeReport;
import dev.scorestream.features.FeatureExtractor;
import dev.scorestream.payments.PaymentGenerator;
import dev.scorestream.registry.RegistryUnavailableException;
import dev.scorestream.registry.SchemaNotFoundException;
import dev.scorestream.registry.SubjectVersion;
import dev.scorestream.registry.WriterHistory;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.serving.ServingModels;
import dev.scorestream.training.TestModels;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Schema-change detection and reporting through the real topology, with a registry stand-in whose
 * answers (and absence) the tests control: a first event and a registry poll each find a new writer
 * schema, the one reporting task writes each change once, and a registry outage delays a report
 * without touching scoring.
 */
class SchemaChangeTopologyTest {

  static final Duration TICK = Duration.ofSeconds(1);
  static final Duration POLL = Duration.ofSeconds(10);
  static final String EVENTS_SUBJECT = "events-value";
  static final String LABELS_SUBJECT = "events.labels-value";

  static final Map<Integer, Schema> SCHEMAS = TopologyFixture.SCHEMAS;

  final TopologyFixture fixture = new TopologyFixture(TestModels.logistic());
  final FakeRegistry registry = new FakeRegistry();
  final List<Integer> pending = new ArrayList<>();
  final List<SchemaChangeReport> reported = new ArrayList<>();
  final SchemaChangeListener listener =
      new SchemaChangeListener() {
        @Override
        public void reported(SchemaChangeReport report, SchemaChangeRecords.Detection detection) {
          reported.add(report);
        }

        @Override
        public void pending(int changes) {
          pending.add(changes);
        }
      };
  TopologyTestDriver driver;
  TestInputTopic<Bytes, byte[]> events;
  TestInputTopic<Bytes, byte[]> labels;
  TestOutputTopic<Bytes, byte[]> changes;
  TestOutputTopic<Bytes, byte[]> predictions;
  TestOutputTopic<Bytes, byte[]> deadLetters;
  final PaymentGenerator generator = new PaymentGenerator(READER, 11);
  long time = NOW.toEpochMilli();

  void start(Set<String> alreadyReported) {
    ScoringTopology.Analytics both = TopologyFixture.analytics(DriftThresholds.DEFAULTS);
    ScoringTopology.SchemaChangeSettings settings =
        new ScoringTopology.SchemaChangeSettings(
            "schema-changes",
            EVENTS_SUBJECT,
            LABELS_SUBJECT,
            POLL,
            TICK,
            READER,
            () -> ServingModels.of(fixture.model, FeatureExtractor.forSchema(READER), null),
            () -> registry,
            () -> new WireFormatEncoder(Contracts.schemaChange(), SCHEMA_CHANGE_ID),
            "scorer-0",
            alreadyReported,
            listener);
    driver =
        fixture.driver(
            new ScoringTopology.Analytics(both.drift(), both.feedback(), settings),
            OutcomeListener.NONE);
    events = TopologyFixture.input(driver, "events");
    labels = TopologyFixture.input(driver, "events.labels");
    changes = TopologyFixture.output(driver, "schema-changes");
    predictions = TopologyFixture.output(driver, "events.predictions");
    deadLetters = TopologyFixture.output(driver, "events.dlq");
  }

  @AfterEach
  void stop() {
    if (driver != null) {
      driver.close();
    }
  }

  @Test
  void shouldReportTheFirstEventOfEachNewWriterSchemaOnceWithItsVersionAndPredecessor() {
    registry.subject(EVENTS_SUBJECT, READER_ID, EVOLVED_ID);
    start(Set.of());

    send(READER_ID, 3);
    send(EVOLVED_ID, 5);
    driver.advanceWallClockTime(TICK);
    send(EVOLVED_ID, 5);
    driver.advanceWallClockTime(TICK);

    Map<String, GenericRecord> reports = reports();
    assertThat(reports).containsOnlyKeys("events-value/1", "events-value/2");
    GenericRecord evolved = reports.get("events-value/2");
    assertThat(evolved.get("detected_by").toString()).isEqualTo("FIRST_EVENT");
    assertThat(evolved.get("first_event_offset").toString()).isEqualTo("events-0@3");
    assertThat(evolved.get("version")).isEqualTo(2);
    assertThat(evolved.get("previous_schema_id")).isEqualTo(READER_ID);
    assertThat(evolved.get("topic").toString()).isEqualTo("events");
    assertThat(evolved.get("reported_by").toString()).isEqualTo("scorer-0");
    assertThat(evolved.get("severity").toString()).isEqualTo("INFO");
    assertThat(evolved.get("against_reader").toString()).contains("\"field\": \"device_id\"");
    assertThat(predictions.getQueueSize()).isEqualTo(13);
    assertThat(registry.histories).as("one registry read per new id").hasValue(2);
  }

  @Test
  void shouldFindARegisteredVersionByPollingBeforeAnyEventUsesItAndNotReportItAgain() {
    registry.subject(EVENTS_SUBJECT, READER_ID, EVOLVED_ID);
    start(Set.of());

    driver.advanceWallClockTime(TICK); // the poll is asked
    driver.advanceWallClockTime(TICK); // and its answer picked up

    Map<String, GenericRecord> reports = reports();
    assertThat(reports).containsOnlyKeys("events-value/1", "events-value/2");
    assertThat(reports.get("events-value/2").get("detected_by").toString())
        .isEqualTo("REGISTRY_POLL");
    assertThat(reports.get("events-value/2").get("previous_schema_id")).isEqualTo(READER_ID);
    assertThat(reports.get("events-value/2").get("first_event_offset")).isNull();

    send(EVOLVED_ID, 4);
    driver.advanceWallClockTime(POLL);
    driver.advanceWallClockTime(TICK);
    assertThat(changes.isEmpty())
        .as("neither the event nor the next poll reports it again")
        .isTrue();
    assertThat(registry.polls.get()).isEqualTo(2);
  }

  @Test
  void shouldNotReportWhatTheTopicAlreadyHeldAtStartUp() {
    registry.subject(EVENTS_SUBJECT, READER_ID, EVOLVED_ID);
    start(Set.of("events-value/1", "events-value/2"));

    send(EVOLVED_ID, 2);
    driver.advanceWallClockTime(TICK);
    driver.advanceWallClockTime(TICK);

    assertThat(changes.isEmpty()).isTrue();
    assertThat(registry.histories).hasValue(0);
  }

  @Test
  void shouldDelayAReportThroughARegistryOutageWithoutLosingItOrAnyEvent() {
    registry.subject(EVENTS_SUBJECT, READER_ID, EVOLVED_ID);
    registry.away = true;
    start(Set.of("events-value/1"));

    send(EVOLVED_ID, 20);
    for (int i = 0; i < 5; i++) {
      driver.advanceWallClockTime(TICK);
      send(EVOLVED_ID, 2);
    }

    assertThat(changes.isEmpty()).isTrue();
    assertThat(pending).last().isEqualTo(1);
    assertThat(predictions.getQueueSize()).as("scoring never waits for the analysis").isEqualTo(30);
    assertThat(deadLetters.isEmpty()).as("nothing is dead-lettered for the outage").isTrue();
    assertThat(registry.histories.get()).as("retried with backoff").isBetween(2, 5);

    registry.away = false;
    driver.advanceWallClockTime(Duration.ofSeconds(31));
    driver.advanceWallClockTime(TICK);

    assertThat(reports()).containsOnlyKeys("events-value/2");
    assertThat(pending).last().isEqualTo(0);
    driver.advanceWallClockTime(POLL);
    driver.advanceWallClockTime(TICK);
    assertThat(changes.isEmpty()).isTrue();
  }

  @Test
  void shouldKeepTheDeadLetterReasonOfEventsOfAnIncompatibleSchemaAndFlagTheModel() {
    registry.subject(EVENTS_SUBJECT, READER_ID, WALLET_ID, NO_AMOUNT_ID);
    start(Set.of("events-value/1"));

    send(WALLET_ID, 10);
    send(NO_AMOUNT_ID, 4);
    driver.advanceWallClockTime(TICK);

    Map<String, GenericRecord> reports = reports();
    GenericRecord wallet = reports.get("events-value/3");
    GenericRecord compatibility = (GenericRecord) wallet.get("compatibility");
    assertThat(compatibility.get("decodability").toString()).isEqualTo("SOME_EVENTS");
    assertThat(wallet.get("severity").toString()).isEqualTo("WARN");
    GenericRecord noAmount = reports.get("events-value/4");
    assertThat(((GenericRecord) noAmount.get("compatibility")).get("decodability").toString())
        .isEqualTo("NO_EVENTS");
    GenericRecord champion = (GenericRecord) ((List<?>) noAmount.get("models")).get(0);
    assertThat(champion.get("affected")).isEqualTo(true);
    assertThat(champion.get("features").toString()).contains("\"consequence\": \"DEAD_LETTERED\"");
    assertThat(reported).hasSize(2);
    List<String> reasons = new ArrayList<>();
    deadLetters
        .readRecordsToList()
        .forEach(
            r ->
                reasons.add(
                    new String(
                        r.headers().lastHeader(DeadLetterHeaders.REASON).value(),
                        StandardCharsets.UTF_8)));
    assertThat(reasons)
        .as("the 5 WALLET events of 10, and all 4 without amount")
        .hasSize(5 + 4)
        .containsOnly("INCOMPATIBLE_SCHEMA");
  }

  @Test
  void shouldReportALabelsWriterForTheLabelJoinAndIgnoreUnknownIds() {
    start(Set.of());
    WireFormatEncoder encoder = new WireFormatEncoder(Contracts.labelFeedback(), LABEL_ID);
    GenericRecord label = new GenericData.Record(Contracts.labelFeedback());
    label.put("event_id", "e-1");
    label.put("label", "FRAUD");
    label.put("label_time", time);
    labels.pipeInput(
        new TestRecord<>(key("e-1"), encoder.encode(label), new RecordHeaders(), time));
    byte[] unknown = new WireFormatEncoder(READER, 999).encode(generator.next(time).record());
    events.pipeInput(new TestRecord<>(key("u"), unknown, new RecordHeaders(), time));
    driver.advanceWallClockTime(TICK);

    Map<String, GenericRecord> reports = reports();
    assertThat(reports).containsOnlyKeys(LABELS_SUBJECT + "/" + LABEL_ID);
    GenericRecord feedback =
        (GenericRecord)
            ((List<?>) reports.get(LABELS_SUBJECT + "/" + LABEL_ID).get("models")).get(0);
    assertThat(feedback.get("role").toString()).isEqualTo("FEEDBACK");
    assertThat(pending).last().isEqualTo(0);
  }

  /** Sends {@code count} events written with writer schema {@code schemaId}. */
  private void send(int schemaId, int count) {
    Schema writer = SCHEMAS.get(schemaId);
    WireFormatEncoder encoder = new WireFormatEncoder(writer, schemaId);
    for (int i = 0; i < count; i++) {
      time += 1000;
      GenericRecord event = as(writer, generator.next(time).record(), i);
      events.pipeInput(
          new TestRecord<>(key("k" + time), encoder.encode(event), new RecordHeaders(), time));
    }
  }

  /** {@code payment} rewritten for {@code writer}: its fields by name; every other WALLET. */
  private static GenericRecord as(Schema writer, GenericRecord payment, int i) {
    GenericRecord record = new GenericData.Record(writer);
    for (Schema.Field field : writer.getFields()) {
      Object value =
          payment.getSchema().getField(field.name()) == null ? null : payment.get(field.name());
      if (value instanceof GenericData.EnumSymbol symbol) {
        Schema type = field.schema();
        String name =
            type.getEnumSymbols().contains("WALLET") && i % 2 == 0 ? "WALLET" : symbol.toString();
        value = new GenericData.EnumSymbol(type, name);
      }
      record.put(field.name(), value);
    }
    return record;
  }

  private Map<String, GenericRecord> reports() {
    WireFormatDecoder decoder =
        new WireFormatDecoder(Contracts.schemaChange(), TopologyFixture.REGISTRY);
    Map<String, GenericRecord> reports = new LinkedHashMap<>();
    for (TestRecord<Bytes, byte[]> record : changes.readRecordsToList()) {
      String key = new String(record.key().get(), StandardCharsets.UTF_8);
      GenericRecord report = ((DecodeResult.Decoded) decoder.decode(record.value())).record();
      assertThat(reports.put(key, report)).as("reported once: %s", key).isNull();
      assertThat(report.get("subject") + "/" + report.get("schema_id")).isEqualTo(key);
    }
    return reports;
  }

  private static Bytes key(String key) {
    return Bytes.wrap(key.getBytes(StandardCharsets.UTF_8));
  }

  /** The registry as the reporting task sees it: versions per subject, reachable or not. */
  static final class FakeRegistry implements SchemaFetcher {
    final Map<String, List<Integer>> subjects = new HashMap<>();
    final AtomicInteger histories = new AtomicInteger();
    final AtomicInteger polls = new AtomicInteger();
    volatile boolean away;

    void subject(String subject, Integer... ids) {
      subjects.put(subject, List.of(ids));
    }

    @Override
    public CompletableFuture<WriterHistory> history(String subject, int schemaId) {
      histories.incrementAndGet();
      if (away) {
        return CompletableFuture.failedFuture(new RegistryUnavailableException("away", null));
      }
      Schema writer = SCHEMAS.get(schemaId);
      if (writer == null) {
        return CompletableFuture.failedFuture(new SchemaNotFoundException(schemaId, "unknown"));
      }
      List<SubjectVersion> versions = versionsOf(subject);
      for (int i = 0; i < versions.size(); i++) {
        if (versions.get(i).id() == schemaId) {
          return CompletableFuture.completedFuture(
              new WriterHistory(schemaId, writer, i + 1, i == 0 ? null : versions.get(i - 1)));
        }
      }
      return CompletableFuture.completedFuture(new WriterHistory(schemaId, writer, null, null));
    }

    @Override
    public CompletableFuture<List<SubjectVersion>> versions(String subject) {
      polls.incrementAndGet();
      if (away) {
        return CompletableFuture.failedFuture(new RegistryUnavailableException("away", null));
      }
      return CompletableFuture.completedFuture(versionsOf(subject));
    }

    private List<SubjectVersion> versionsOf(String subject) {
      List<SubjectVersion> versions = new ArrayList<>();
      List<Integer> ids = subjects.getOrDefault(subject, List.of());
      for (int i = 0; i < ids.size(); i++) {
        versions.add(new SubjectVersion(subject, i + 1, ids.get(i), SCHEMAS.get(ids.get(i))));
      }
      return versions;
    }

    @Override
    public void close() {}
  }
}

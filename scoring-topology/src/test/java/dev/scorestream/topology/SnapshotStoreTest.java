package dev.scorestream.topology;

import static dev.scorestream.topology.TopologyFixture.READER;
import static dev.scorestream.topology.TopologyFixture.READER_ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scorestream.codec.WireFormatEncoder;
import dev.scorestream.drift.DriftThresholds;
import dev.scorestream.payments.PaymentGenerator;
import dev.scorestream.training.TestModels;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The snapshot store writes its changelog once per commit: every entry appended since the last
 * commit in chunk records under the size cap, in the commit's flush, after the flush of the
 * micro-batching store whose records reach it. TopologyTestDriver commits after every input record.
 */
class SnapshotStoreTest {

  static final String STORE = "snapshots";
  static final String CHANGELOG = "store-test-" + STORE + "-changelog";
  static final Duration RETENTION = Duration.ofDays(7);

  final AtomicLong maxRecordBytes = new AtomicLong(1_000_000);
  final AtomicLong now = new AtomicLong(1_800_000_000_000L);
  TopologyTestDriver driver;

  @AfterEach
  void close() {
    if (driver != null) {
      driver.close();
    }
  }

  /**
   * Input "append": value "N:prefix:value" appends N entries prefix0..prefixN-1, and then reads
   * "prefix0" back in the same call. Input "get": forwards what the store holds for the key. Input
   * "replace": value "a,b" appends a then b under the record's key, and forwards what it reads.
   */
  TopologyTestDriver driver() {
    Topology topology = new Topology();
    topology.addSource(
        "append-source", Serdes.String().deserializer(), Serdes.String().deserializer(), "append");
    topology.addSource(
        "get-source", Serdes.String().deserializer(), Serdes.String().deserializer(), "get");
    topology.addProcessor("append", Appender::new, "append-source");
    topology.addSource(
        "replace-source",
        Serdes.String().deserializer(),
        Serdes.String().deserializer(),
        "replace");
    topology.addProcessor("get", Getter::new, "get-source");
    topology.addProcessor("replace", Replacer::new, "replace-source");
    topology.addSink(
        "out",
        "out",
        Serdes.String().serializer(),
        Serdes.String().serializer(),
        "append",
        "get",
        "replace");
    topology.addStateStore(
        SnapshotStore.builder(STORE, RETENTION, maxRecordBytes::get, now::get),
        "append",
        "get",
        "replace");
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "store-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    driver = new TopologyTestDriver(topology, props);
    return driver;
  }

  /** A processor of the store. */
  private abstract static class OfTheStore implements Processor<String, String, String, String> {
    ProcessorContext<String, String> context;
    SnapshotStore store;

    @Override
    public void init(ProcessorContext<String, String> context) {
      this.context = context;
      this.store = SnapshotStore.of(context.getStateStore(STORE));
    }
  }

  private static final class Appender extends OfTheStore {

    @Override
    public void process(Record<String, String> record) {
      String[] parts = record.value().split(":", 3);
      for (int i = 0; i < Integer.parseInt(parts[0]); i++) {
        store.append(bytes(parts[1] + i), (parts[2] + i).getBytes(StandardCharsets.UTF_8));
      }
      byte[] first = store.get(bytes(parts[1] + 0));
      context.forward(record.withValue(new String(first, StandardCharsets.UTF_8)));
    }
  }

  private static final class Replacer extends OfTheStore {

    @Override
    public void process(Record<String, String> record) {
      for (String value : record.value().split(",")) {
        store.append(bytes(record.key()), value.getBytes(StandardCharsets.UTF_8));
      }
      byte[] found = store.get(bytes(record.key()));
      context.forward(record.withValue(new String(found, StandardCharsets.UTF_8)));
    }
  }

  private static final class Getter extends OfTheStore {

    @Override
    public void process(Record<String, String> record) {
      byte[] found = store.get(bytes(record.key()));
      context.forward(
          record.withValue(found == null ? "-" : new String(found, StandardCharsets.UTF_8)));
    }
  }

  static Bytes bytes(String text) {
    return Bytes.wrap(text.getBytes(StandardCharsets.UTF_8));
  }

  TestInputTopic<String, String> input(String topic) {
    return driver.createInputTopic(topic, new StringSerializer(), new StringSerializer());
  }

  List<KeyValue<byte[], byte[]>> changelog() {
    return driver
        .createOutputTopic(CHANGELOG, new ByteArrayDeserializer(), new ByteArrayDeserializer())
        .readKeyValuesToList();
  }

  static Map<String, String> entries(List<KeyValue<byte[], byte[]>> records) {
    Map<String, String> entries = new LinkedHashMap<>();
    for (KeyValue<byte[], byte[]> record : records) {
      assertThat(SnapshotChunks.isChunk(record.key))
          .as("every changelog record is a chunk")
          .isTrue();
      for (KeyValue<byte[], byte[]> entry : SnapshotChunks.decode(record.value).entries()) {
        entries.put(
            new String(entry.key, StandardCharsets.UTF_8),
            new String(entry.value, StandardCharsets.UTF_8));
      }
    }
    return entries;
  }

  @Test
  void shouldLogEverythingAppendedBeforeACommitInOneRecord() {
    driver();
    TestOutputTopic<String, String> out =
        driver.createOutputTopic(
            "out", Serdes.String().deserializer(), Serdes.String().deserializer());

    input("append").pipeInput("a", "5000:event-:snapshot-");

    assertThat(out.readValue())
        .as("an entry not yet committed is read back")
        .isEqualTo("snapshot-0");
    List<KeyValue<byte[], byte[]>> logged = changelog();
    assertThat(logged).hasSize(1);
    Map<String, String> entries = entries(logged);
    assertThat(entries).hasSize(5000).containsEntry("event-4999", "snapshot-4999");

    input("get").pipeInput("event-1234", "");
    assertThat(out.readValue())
        .as("read back from RocksDB after the commit")
        .isEqualTo("snapshot-1234");
    input("get").pipeInput("event-5000", "");
    assertThat(out.readValue()).isEqualTo("-");
    assertThat(changelog()).as("a commit with nothing appended logs nothing").isEmpty();
  }

  @Test
  void shouldReplaceAnEntryWithALaterOneAndLogBoth() {
    driver();
    TestOutputTopic<String, String> out =
        driver.createOutputTopic(
            "out", Serdes.String().deserializer(), Serdes.String().deserializer());

    input("append").pipeInput("a", "1:event-:snapshot-");
    input("append").pipeInput("a", "1:event-:labelled-");
    input("get").pipeInput("event-0", "");

    assertThat(out.readValuesToList()).containsExactly("snapshot-0", "labelled-0", "labelled-0");
    List<KeyValue<byte[], byte[]>> logged = changelog();
    assertThat(logged).hasSize(2);
    assertThat(entries(logged.subList(1, 2))).containsExactly(Map.entry("event-0", "labelled-0"));
    assertThat(new String(logged.get(0).key, 1, 1, StandardCharsets.ISO_8859_1))
        .as("chunk keys differ")
        .isNotEqualTo(new String(logged.get(1).key, StandardCharsets.ISO_8859_1));
  }

  @Test
  void shouldLogAnEntryReplacedWithinACommitTwiceInOrderAndKeepTheLater() {
    driver();
    TestOutputTopic<String, String> out =
        driver.createOutputTopic(
            "out", Serdes.String().deserializer(), Serdes.String().deserializer());

    input("replace").pipeInput("event-7", "snapshot,labelled");

    assertThat(out.readValue()).isEqualTo("labelled");
    List<KeyValue<byte[], byte[]>> logged = changelog();
    assertThat(logged).hasSize(1);
    assertThat(SnapshotChunks.decode(logged.get(0).value).entries())
        .as("a restore replays both, the later last")
        .extracting(entry -> new String(entry.value, StandardCharsets.UTF_8))
        .containsExactly("snapshot", "labelled");
    input("get").pipeInput("event-7", "");
    assertThat(out.readValue()).as("RocksDB keeps the later one").isEqualTo("labelled");
  }

  @Test
  void shouldSplitACommitIntoChunksUnderTheRecordLimit() {
    maxRecordBytes.set(10_000);
    driver();

    input("append").pipeInput("a", "1000:event-:snapshot-");

    List<KeyValue<byte[], byte[]>> logged = changelog();
    assertThat(logged).hasSizeGreaterThan(2);
    assertThat(logged)
        .allSatisfy(
            record ->
                assertThat(record.key.length + record.value.length).isLessThanOrEqualTo(10_000));
    assertThat(entries(logged)).hasSize(1000);
  }

  @Test
  void shouldUnpackChunksForRestoreAndSkipThoseOlderThanTheRetention() {
    List<KeyValue<Bytes, byte[]>> fresh =
        List.of(
            KeyValue.pair(bytes("e1"), new byte[] {1}), KeyValue.pair(bytes("e2"), new byte[] {2}));
    byte[] recent = SnapshotChunks.encode(fresh, now.get() - 1000, 1 << 20).get(0);
    byte[] old =
        SnapshotChunks.encode(
                List.of(KeyValue.pair(bytes("e0"), new byte[] {0})),
                now.get() - RETENTION.toMillis() - 1,
                1 << 20)
            .get(0);
    List<ConsumerRecord<byte[], byte[]>> records =
        List.of(
            new ConsumerRecord<>(CHANGELOG, 0, 7, SnapshotChunks.key(0, 1), old),
            new ConsumerRecord<>(CHANGELOG, 0, 8, SnapshotChunks.key(0, 2), recent));

    List<ConsumerRecord<byte[], byte[]>> unpacked =
        SnapshotStore.unpack(records, now.get() - RETENTION.toMillis());

    assertThat(unpacked)
        .extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
        .containsExactly("e1", "e2");
    assertThat(unpacked).extracting(ConsumerRecord::offset).containsOnly(8L);
  }

  @Test
  void shouldRefuseAChunkItCannotRead() {
    assertThatThrownBy(() -> SnapshotChunks.decode(new byte[] {9, 0, 0}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("layout 9");
    byte[] truncated =
        SnapshotChunks.encode(List.of(KeyValue.pair(bytes("e1"), new byte[] {1, 2, 3})), 0, 1 << 20)
            .get(0);
    assertThatThrownBy(
            () -> SnapshotChunks.decode(java.util.Arrays.copyOf(truncated, truncated.length - 2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("truncated");
  }

  @Test
  void shouldRefuseWritesThatWouldBypassTheChunks() {
    driver();
    org.apache.kafka.streams.state.KeyValueStore<Bytes, byte[]> store =
        driver.getKeyValueStore(STORE);

    assertThatThrownBy(() -> store.put(bytes("e1"), new byte[] {1}))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("append");
  }

  /**
   * A micro-batched record is scored in the commit's flush of the batching store; its snapshot must
   * be in the changelog of that same commit, so the snapshot store flushes after it.
   */
  @Test
  void shouldLogAMicroBatchedRecordsSnapshotInTheCommitThatScoresIt() {
    TopologyFixture fixture = new TopologyFixture(TestModels.logistic());
    fixture.batching =
        new ScoringTopology.Batching(
            ScoringTopology.Batching.Mode.ON, 1_000, Duration.ofMinutes(1));
    driver =
        fixture.driver(
            TopologyFixture.analytics(DriftThresholds.DEFAULTS, Duration.ZERO, Duration.ZERO, 1),
            OutcomeListener.NONE);
    GenericRecord event =
        new PaymentGenerator(READER, 17).next(TopologyFixture.NOW.toEpochMilli()).record();
    TopologyFixture.input(driver, "events")
        .pipeInput(
            TopologyFixture.key("k"), new WireFormatEncoder(READER, READER_ID).encode(event));

    List<KeyValue<byte[], byte[]>> logged =
        driver
            .createOutputTopic(
                "scoring-test-" + ScoringTopology.FEEDBACK_STORE + "-changelog",
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())
            .readKeyValuesToList();
    assertThat(entries(logged)).containsOnlyKeys(event.get("event_id").toString());
  }
}

package dev.scorestream.integration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.codec.WireFormatEncoder;
import dev.scorestream.deadletter.DeadLetterFilter;
import dev.scorestream.deadletter.DeadLetterFit;
import dev.scorestream.deadletter.DeadLetterHeaders;
import dev.scorestream.deadletter.RecordSize;
import dev.scorestream.deadletter.ReplayEngine;
import dev.scorestream.deadletter.ReplayOptions;
import dev.scorestream.deadletter.ReplayResult;
import dev.scorestream.fixtures.RunningPipeline;
import dev.scorestream.payments.PaymentGenerator;
import dev.scorestream.registry.RegistrySettings;
import dev.scorestream.registry.SchemaRegistryClient;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.testkit.EmbeddedStack;
import dev.scorestream.testkit.OutputCollector;
import dev.scorestream.testkit.RealComponents;
import dev.scorestream.topology.PredictionHeaders;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records at, below and above every limit through the real pipeline (real broker and registry,
 * exactly-once): the input topic takes 4 MiB records, the dead-letter topic 256 KiB, the
 * predictions topic 64 KiB, the scorer's producer 1 MiB requests. No record stops the pipeline,
 * every input is accounted for exactly once, and an omitted original is replayed from the input
 * topic.
 */
@ExtendWith(RealComponents.class)
class OutputLimitsIT {

  static final int DLQ_LIMIT = 256 * 1024;
  static final int PREDICTION_LIMIT = 64 * 1024;

  @TempDir Path dir;

  /** An input, where it landed, and what it must become. */
  record Input(String name, RecordMetadata at, byte[] key, byte[] value, boolean predicted) {}

  @Test
  void shouldAccountForEveryRecordAtBelowAndAboveEachLimitWithoutStopping(EmbeddedStack stack)
      throws Exception {
    String prefix = "limits-";
    createLimitedTopics(stack, prefix, 2);
    stack
        .kafka()
        .createTopics(Map.of(prefix + "replayed", 1), Map.of("max.message.bytes", "4194304"));
    SchemaRegistryClient registry =
        new SchemaRegistryClient(RegistrySettings.of(stack.registry().url()));
    int readerId = registry.register(prefix + "events-value", Contracts.paymentEvent());
    WireFormatEncoder encoder = new WireFormatEncoder(Contracts.paymentEvent(), readerId);
    PaymentGenerator payments = new PaymentGenerator(Contracts.paymentEvent(), 41);

    List<Input> inputs = new ArrayList<>();
    try (RunningPipeline pipeline =
            RunningPipeline.start(stack.kafka(), stack.registry().url(), prefix, dir, Map.of());
        KafkaProducer<byte[], byte[]> producer = producer(stack);
        OutputCollector outputs =
            new OutputCollector(
                stack.kafka().bootstrapServers(),
                List.of(pipeline.predictions, pipeline.deadLetters))) {
      for (int i = 0; i < 50; i++) {
        inputs.add(
            send(
                producer,
                pipeline.events,
                "before-" + i,
                key("b" + i),
                valid(encoder, payments),
                new RecordHeaders(),
                true));
      }
      // Undecodable values around the dead-letter topic's limit, and one larger than the producer's
      // request limit that the input topic still took.
      for (int size : new int[] {200_000, DLQ_LIMIT - 5_000, DLQ_LIMIT + 2_000, 1_500_000}) {
        inputs.add(
            send(
                producer,
                pipeline.events,
                "junk-" + size,
                key("j" + size),
                junk(size),
                new RecordHeaders(),
                false));
      }
      // A key too large for a prediction (and for a dead letter): OUTPUT_TOO_LARGE, key omitted.
      byte[] hugeKey = new byte[300_000];
      Arrays.fill(hugeKey, (byte) 'k');
      inputs.add(
          send(
              producer,
              pipeline.events,
              "huge-key",
              hugeKey,
              valid(encoder, payments),
              new RecordHeaders(),
              false));
      // 100 duplicate 1 KiB headers: the prediction leaves them behind.
      Headers many = new RecordHeaders();
      for (int i = 0; i < 100; i++) {
        many.add("note", new byte[1024]);
      }
      inputs.add(
          send(
              producer,
              pipeline.events,
              "many-headers",
              key("many"),
              valid(encoder, payments),
              many,
              true));
      // Binary and spoofed dead-letter headers: the prediction keeps the first, drops the others.
      Headers spoofed = new RecordHeaders();
      spoofed.add("bin", new byte[] {0, (byte) 0xFF, 0x10});
      spoofed.add(DeadLetterHeaders.REASON, "RULE_VIOLATION".getBytes(StandardCharsets.UTF_8));
      spoofed.add("__streams.errors.offset", "7".getBytes(StandardCharsets.UTF_8));
      inputs.add(
          send(
              producer,
              pipeline.events,
              "spoofed",
              key("spoofed"),
              valid(encoder, payments),
              spoofed,
              true));
      for (int i = 0; i < 50; i++) {
        inputs.add(
            send(
                producer,
                pipeline.events,
                "after-" + i,
                key("a" + i),
                valid(encoder, payments),
                new RecordHeaders(),
                true));
      }

      Map<String, ConsumerRecord<byte[], byte[]>> byInput = awaitOutputs(outputs, pipeline, inputs);
      assertThat(pipeline.app().streams().state()).isEqualTo(KafkaStreams.State.RUNNING);

      ConsumerRecord<byte[], byte[]> fits = byInput.get("junk-" + (DLQ_LIMIT - 5_000));
      assertThat(fits.value()).hasSize(DLQ_LIMIT - 5_000);
      ConsumerRecord<byte[], byte[]> above = byInput.get("junk-" + (DLQ_LIMIT + 2_000));
      assertThat(above.value()).isNull();
      assertThat(header(above, DeadLetterHeaders.DEGRADED)).contains("value");
      ConsumerRecord<byte[], byte[]> largest = byInput.get("junk-1500000");
      assertThat(header(largest, DeadLetterHeaders.VALUE_SIZE)).isEqualTo("1500000");
      assertThat(header(largest, DeadLetterHeaders.VALUE_SHA256))
          .isEqualTo(DeadLetterFit.sha256(junk(1_500_000)));
      ConsumerRecord<byte[], byte[]> hugeKeyed = byInput.get("huge-key");
      assertThat(header(hugeKeyed, DeadLetterHeaders.REASON)).isEqualTo("OUTPUT_TOO_LARGE");
      assertThat(hugeKeyed.key()).isNull();
      assertThat(header(hugeKeyed, DeadLetterHeaders.KEY_SHA256))
          .isEqualTo(DeadLetterFit.sha256(hugeKey));
      assertThat(names(byInput.get("many-headers").headers()))
          .containsExactly(PredictionHeaders.HEADERS_OMITTED);
      assertThat(names(byInput.get("spoofed").headers())).containsExactly("bin");
      for (ConsumerRecord<byte[], byte[]> record : byInput.values()) {
        long limit = record.topic().equals(pipeline.deadLetters) ? DLQ_LIMIT : PREDICTION_LIMIT;
        assertThat(RecordSize.upperBound(record.key(), record.value(), record.headers()))
            .isLessThanOrEqualTo(limit);
      }

      // The dead letter that omitted 1.5 MB is replayed from the input topic, byte for byte.
      ReplayResult replay =
          new ReplayEngine(client(stack))
              .replay(
                  new ReplayOptions(
                      pipeline.deadLetters,
                      prefix + "replayed",
                      prefix + "replay",
                      DeadLetterFilter.ALL,
                      3,
                      0,
                      false),
                  (read, total, replayed) -> {});
      assertThat(replay.refused()).isZero();
      try (OutputCollector replayed =
          new OutputCollector(stack.kafka().bootstrapServers(), List.of(prefix + "replayed"))) {
        int deadLetters = (int) inputs.stream().filter(input -> !input.predicted()).count();
        assertThat(
                replayed.pollUntil(
                    () -> replayed.records().size() >= deadLetters,
                    Duration.ofSeconds(60),
                    r -> {}))
            .isTrue();
        Input original =
            inputs.stream().filter(i -> i.name().equals("junk-1500000")).findFirst().orElseThrow();
        assertThat(replayed.records())
            .anySatisfy(r -> assertThat(r.value()).isEqualTo(original.value()));
        Input keyed =
            inputs.stream().filter(i -> i.name().equals("huge-key")).findFirst().orElseThrow();
        assertThat(replayed.records()).anySatisfy(r -> assertThat(r.key()).isEqualTo(keyed.key()));
      }
    }
  }

  @Test
  void shouldRecoverWhenATopicRefusesARecordItsLimitsSaidWouldFit(EmbeddedStack stack)
      throws Exception {
    String prefix = "shrunk-";
    stack
        .kafka()
        .createTopics(Map.of(prefix + "events", 1), Map.of("max.message.bytes", "4194304"));
    List<Input> inputs = new ArrayList<>();
    try (RunningPipeline pipeline =
            RunningPipeline.start(stack.kafka(), stack.registry().url(), prefix, dir, Map.of());
        KafkaProducer<byte[], byte[]> producer = producer(stack);
        OutputCollector outputs =
            new OutputCollector(
                stack.kafka().bootstrapServers(),
                List.of(pipeline.predictions, pipeline.deadLetters))) {
      // After start-up, the dead-letter topic is shrunk to 64 KiB: the scorer still believes 1 MiB
      // (its limits refresh every 5 minutes), so the broker refuses the next large dead letter.
      try (Admin admin = Admin.create(client(stack))) {
        admin
            .incrementalAlterConfigs(
                Map.of(
                    new ConfigResource(ConfigResource.Type.TOPIC, pipeline.deadLetters),
                    List.of(
                        new AlterConfigOp(
                            new ConfigEntry("max.message.bytes", "65536"),
                            AlterConfigOp.OpType.SET))))
            .all()
            .get(30, TimeUnit.SECONDS);
      }
      SchemaRegistryClient registry =
          new SchemaRegistryClient(RegistrySettings.of(stack.registry().url()));
      WireFormatEncoder encoder =
          new WireFormatEncoder(
              Contracts.paymentEvent(),
              registry.register(prefix + "events-value", Contracts.paymentEvent()));
      PaymentGenerator payments = new PaymentGenerator(Contracts.paymentEvent(), 5);
      inputs.add(
          send(
              producer,
              pipeline.events,
              "junk",
              key("junk"),
              junk(300_000),
              new RecordHeaders(),
              false));
      for (int i = 0; i < 20; i++) {
        inputs.add(
            send(
                producer,
                pipeline.events,
                "valid-" + i,
                key("v" + i),
                valid(encoder, payments),
                new RecordHeaders(),
                true));
      }

      Map<String, ConsumerRecord<byte[], byte[]>> byInput = awaitOutputs(outputs, pipeline, inputs);
      ConsumerRecord<byte[], byte[]> letter = byInput.get("junk");
      assertThat(letter.value()).isNull();
      assertThat(header(letter, DeadLetterHeaders.VALUE_SIZE)).isEqualTo("300000");
      assertThat(pipeline.app().streams().state()).isEqualTo(KafkaStreams.State.RUNNING);
    }
  }

  /**
   * Outputs decided inside a micro-batch: 40 valid events scored up to 16 to a model call. One has
   * a 100 KB key, so its prediction cannot fit the 64 KiB predictions topic and it becomes an
   * {@code OUTPUT_TOO_LARGE} dead letter; one has a 100 KB header its prediction leaves behind. The
   * dead letter names its own input's offset only if each held record is forwarded under its own
   * record context.
   */
  @Test
  void shouldWriteEachBatchedRecordsOutputUnderItsOwnInput(EmbeddedStack stack) throws Exception {
    String prefix = "batched-";
    createLimitedTopics(stack, prefix, 1);
    SchemaRegistryClient registry =
        new SchemaRegistryClient(RegistrySettings.of(stack.registry().url()));
    WireFormatEncoder encoder =
        new WireFormatEncoder(
            Contracts.paymentEvent(),
            registry.register(prefix + "events-value", Contracts.paymentEvent()));
    PaymentGenerator payments = new PaymentGenerator(Contracts.paymentEvent(), 9);
    Map<String, Object> batching =
        Map.of(
            "scoring.batch", "on",
            "scoring.batch.max.records", "16",
            "scoring.batch.max.wait", "1s");
    try (RunningPipeline pipeline =
            RunningPipeline.start(stack.kafka(), stack.registry().url(), prefix, dir, batching);
        KafkaProducer<byte[], byte[]> producer = producer(stack);
        OutputCollector outputs =
            new OutputCollector(
                stack.kafka().bootstrapServers(),
                List.of(pipeline.predictions, pipeline.deadLetters))) {
      List<java.util.concurrent.Future<RecordMetadata>> sent = new ArrayList<>();
      List<byte[]> keys = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("trace-id", key("t-" + i));
        if (i == 31) {
          headers.add("bulky", junk(100_000));
        }
        keys.add(i == 23 ? junk(100_000) : key("v" + i));
        sent.add(
            producer.send(
                new ProducerRecord<>(
                    pipeline.events, null, keys.get(i), valid(encoder, payments), headers)));
      }
      producer.flush();
      List<Input> inputs = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        inputs.add(
            new Input(
                "valid-" + i, sent.get(i).get(30, TimeUnit.SECONDS), keys.get(i), null, i != 23));
      }

      Map<String, ConsumerRecord<byte[], byte[]>> byInput = awaitOutputs(outputs, pipeline, inputs);
      assertThat(header(byInput.get("valid-23"), DeadLetterHeaders.REASON))
          .isEqualTo("OUTPUT_TOO_LARGE");
      assertThat(names(byInput.get("valid-31").headers()))
          .containsExactly(PredictionHeaders.HEADERS_OMITTED);
      for (int i = 0; i < 40; i++) {
        if (i != 23 && i != 31) {
          assertThat(header(byInput.get("valid-" + i), "trace-id"))
              .as("valid-%d", i)
              .isEqualTo("t-" + i);
        }
      }
      var batches = pipeline.app().meters().find("scorer.scoring.batch.records").summaries();
      double records = batches.stream().mapToDouble(b -> b.totalAmount()).sum();
      long calls = batches.stream().mapToLong(b -> b.count()).sum();
      assertThat(records / calls)
          .as("records per model call (%s records, %s calls)", records, calls)
          .isGreaterThan(1.0);
    }
  }

  /**
   * Waits for one output per input and checks the match: predictions by key, dead letters by their
   * source coordinates (a degraded one may have lost its key).
   */
  static Map<String, ConsumerRecord<byte[], byte[]>> awaitOutputs(
      OutputCollector outputs, RunningPipeline pipeline, List<Input> inputs) {
    assertThat(
            outputs.pollUntil(
                () -> outputs.records().size() >= inputs.size(), Duration.ofMinutes(2), r -> {}))
        .as("outputs: %d of %d", outputs.records().size(), inputs.size())
        .isTrue();
    outputs.drain(Duration.ofSeconds(3), r -> {});
    assertThat(outputs.records()).hasSize(inputs.size());
    Map<String, ConsumerRecord<byte[], byte[]>> byInput = new HashMap<>();
    for (Input input : inputs) {
      List<ConsumerRecord<byte[], byte[]>> matches =
          outputs.records().stream()
              .filter(
                  out ->
                      out.topic().equals(pipeline.predictions)
                          ? Arrays.equals(out.key(), input.key())
                          : header(out, DeadLetterHeaders.OFFSET)
                                  .equals(Long.toString(input.at().offset()))
                              && header(out, DeadLetterHeaders.PARTITION)
                                  .equals(Integer.toString(input.at().partition())))
              .toList();
      assertThat(matches).as("exactly one output for %s", input.name()).hasSize(1);
      assertThat(matches.get(0).topic())
          .as(input.name())
          .isEqualTo(input.predicted() ? pipeline.predictions : pipeline.deadLetters);
      byInput.put(input.name(), matches.get(0));
    }
    return byInput;
  }

  /** Input 4 MiB, dead letters {@link #DLQ_LIMIT}, predictions {@link #PREDICTION_LIMIT}. */
  static void createLimitedTopics(EmbeddedStack stack, String prefix, int partitions) {
    stack
        .kafka()
        .createTopics(
            Map.of(prefix + "events", partitions), Map.of("max.message.bytes", "4194304"));
    stack
        .kafka()
        .createTopics(
            Map.of(prefix + "events.dlq", partitions),
            Map.of("max.message.bytes", Integer.toString(DLQ_LIMIT)));
    stack
        .kafka()
        .createTopics(
            Map.of(prefix + "events.predictions", partitions),
            Map.of("max.message.bytes", Integer.toString(PREDICTION_LIMIT)));
  }

  static Input send(
      KafkaProducer<byte[], byte[]> producer,
      String topic,
      String name,
      byte[] key,
      byte[] value,
      Headers headers,
      boolean predicted)
      throws Exception {
    RecordMetadata at =
        producer
            .send(new ProducerRecord<>(topic, null, key, value, headers))
            .get(30, TimeUnit.SECONDS);
    return new Input(name, at, key, value, predicted);
  }

  static KafkaProducer<byte[], byte[]> producer(EmbeddedStack stack) {
    Properties props = client(stack);
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 5 * 1024 * 1024);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }

  static Properties client(EmbeddedStack stack) {
    Properties props = new Properties();
    props.put("bootstrap.servers", stack.kafka().bootstrapServers());
    return props;
  }

  static byte[] valid(WireFormatEncoder encoder, PaymentGenerator payments) {
    return encoder.encode(payments.next(System.currentTimeMillis()).record());
  }

  /** Not the wire format's magic byte, then filler: NOT_WIRE_FORMAT. */
  static byte[] junk(int size) {
    byte[] value = new byte[size];
    Arrays.fill(value, (byte) 'j');
    return value;
  }

  static byte[] key(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static String header(ConsumerRecord<byte[], byte[]> record, String key) {
    return DeadLetterHeaders.get(record.headers(), key).orElse("");
  }

  static List<String> names(Headers headers) {
    return Arrays.stream(headers.toArray()).map(Header::key).toList();
  }
}

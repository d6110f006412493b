package dev.scorestream.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.schemas.Reason;
import dev.scorestream.testkit.EmbeddedStack;
import dev.scorestream.testkit.OutputCollector;
import dev.scorestream.testkit.RealComponents;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Replay of dead letters that left their original out to fit their topic: the original comes back
 * from the source topic, byte for byte, or is refused with the reason when it is gone.
 */
@ExtendWith(RealComponents.class)
class ReplayEngineIT {

  final EmbeddedStack stack;

  ReplayEngineIT(EmbeddedStack stack) {
    this.stack = stack;
  }

  Properties client() {
    Properties props = new Properties();
    props.put("bootstrap.servers", stack.kafka().bootstrapServers());
    return props;
  }

  RecordMetadata send(ProducerRecord<byte[], byte[]> record) throws Exception {
    Properties props = client();
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024);
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      return producer.send(record).get(30, TimeUnit.SECONDS);
    }
  }

  /** The dead letter the pipeline would write for {@code original} if its topic took 32 KiB. */
  ProducerRecord<byte[], byte[]> degradedDeadLetter(
      String dlq, ProducerRecord<byte[], byte[]> original, RecordMetadata at) {
    Headers headers = new RecordHeaders(original.headers().toArray());
    DeadLetterHeaders.write(
        headers,
        new DeadLetter(
            Reason.UNDECODABLE,
            List.of(),
            "corrupt",
            null,
            at.topic(),
            at.partition(),
            at.offset(),
            -1,
            "test",
            "v1",
            Instant.now()));
    DeadLetterFit.Fitted fitted =
        DeadLetterFit.fit(original.key(), original.value(), headers, 32 * 1024, false);
    assertThat(fitted.degraded()).contains("value");
    return new ProducerRecord<>(dlq, null, fitted.key(), fitted.value(), fitted.headers());
  }

  static ProducerRecord<byte[], byte[]> original(String topic, int partition, int size) {
    byte[] value = new byte[size];
    Arrays.fill(value, (byte) 'v');
    Headers headers = new RecordHeaders();
    headers.add("trace-id", "t-1".getBytes(StandardCharsets.UTF_8));
    headers.add("blob", new byte[] {0, (byte) 0xFF});
    return new ProducerRecord<>(
        topic, partition, "order-17".getBytes(StandardCharsets.UTF_8), value, headers);
  }

  @Test
  void shouldReplayTheOriginalOfADeadLetterThatOmittedItsValue() throws Exception {
    stack.kafka().createTopics(Map.of("omit-events", 2, "omit-dlq", 1, "omit-replayed", 1));
    ProducerRecord<byte[], byte[]> original = original("omit-events", 1, 300_000);
    RecordMetadata at = send(original);
    send(degradedDeadLetter("omit-dlq", original, at));

    ReplayResult result =
        new ReplayEngine(client())
            .replay(
                new ReplayOptions(
                    "omit-dlq", "omit-replayed", "omit-replay", DeadLetterFilter.ALL, 3, 0, false),
                (read, total, replayed) -> {});

    assertThat(result.replayed()).isEqualTo(1);
    try (OutputCollector replayed =
        new OutputCollector(stack.kafka().bootstrapServers(), List.of("omit-replayed"))) {
      assertThat(
              replayed.pollUntil(
                  () -> replayed.records().size() == 1, Duration.ofSeconds(30), r -> {}))
          .isTrue();
      ConsumerRecord<byte[], byte[]> back = replayed.records().get(0);
      assertThat(back.key()).isEqualTo(original.key());
      assertThat(back.value()).isEqualTo(original.value());
      assertThat(names(back.headers()))
          .containsExactly("trace-id", "blob", DeadLetterHeaders.REPLAY_COUNT);
      assertThat(back.headers().lastHeader("blob").value()).containsExactly(0, 0xFF);
      assertThat(DeadLetterHeaders.replayCount(back.headers())).isEqualTo(1);
    }
  }

  @Test
  void shouldRefuseADeadLetterWhoseOriginalIsNoLongerRetainedOrDiffers() throws Exception {
    stack.kafka().createTopics(Map.of("gone-events", 1, "gone-dlq", 1, "gone-replayed", 1));
    ProducerRecord<byte[], byte[]> deleted = original("gone-events", 0, 100_000);
    RecordMetadata deletedAt = send(deleted);
    ProducerRecord<byte[], byte[]> kept = original("gone-events", 0, 120_000);
    RecordMetadata keptAt = send(kept);
    send(degradedDeadLetter("gone-dlq", deleted, deletedAt));
    ProducerRecord<byte[], byte[]> forged = original("gone-events", 0, 120_001);
    send(degradedDeadLetter("gone-dlq", forged, keptAt)); // claims the kept record, hash differs
    try (Admin admin = Admin.create(client())) {
      admin
          .deleteRecords(
              Map.of(
                  new TopicPartition("gone-events", 0),
                  RecordsToDelete.beforeOffset(deletedAt.offset() + 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }

    ReplayResult result =
        new ReplayEngine(client())
            .replay(
                new ReplayOptions(
                    "gone-dlq", "gone-replayed", "gone-replay", DeadLetterFilter.ALL, 3, 0, false),
                (read, total, replayed) -> {});

    assertThat(result.replayed()).isZero();
    assertThat(result.refusedBy())
        .containsEntry("original no longer retained", 1L)
        .containsEntry("original differs", 1L);
    try (OutputCollector replayed =
        new OutputCollector(stack.kafka().bootstrapServers(), List.of("gone-replayed"))) {
      replayed.drain(Duration.ofSeconds(2), r -> {});
      assertThat(replayed.records()).isEmpty();
    }
  }

  static List<String> names(Headers headers) {
    return Arrays.stream(headers.toArray()).map(Header::key).toList();
  }
}

package dev.scorestream.testkit;

import dev.scorestream.deadletter.DeadLetter;
import dev.scorestream.deadletter.DeadLetterHeaders;
import dev.scorestream.deadletter.Reason;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Writes dead letters with the real header contract straight to a topic, for tests of the replay tools. */
public final class SyntheticDeadLetters {

  /** One dead letter to write. */
  public record Letter(String key, byte[] value, Reason reason, List<String> rules, int schemaId, String sourceTopic,
      int sourcePartition, Instant failedAt) {
  }

  private SyntheticDeadLetters() {
  }

  public static Letter letter(int i, Reason reason, String sourceTopic) {
    return new Letter("k-" + i, ("value-" + i).getBytes(StandardCharsets.UTF_8), reason,
        reason == Reason.RULE_VIOLATION ? List.of("amount.max") : List.of(), 7, sourceTopic, i % 2,
        Instant.parse("2026-11-26T10:00:00Z").plusSeconds(i));
  }

  public static void write(String bootstrap, String topic, List<Letter> letters) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      long offset = 0;
      for (Letter letter : letters) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("origin", "test".getBytes(StandardCharsets.UTF_8));
        DeadLetterHeaders.write(headers, new DeadLetter(letter.reason(), letter.rules(), "synthetic " + letter.reason(),
            null, letter.sourceTopic(), letter.sourcePartition(), offset++, letter.schemaId(), "test", "m1",
            letter.failedAt()));
        producer.send(new ProducerRecord<>(topic, 0, letter.failedAt().toEpochMilli(),
            letter.key().getBytes(StandardCharsets.UTF_8), letter.value(), headers));
      }
      producer.flush();
    }
  }
}

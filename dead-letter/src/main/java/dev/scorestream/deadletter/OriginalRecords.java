package dev.scorestream.deadletter;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the original of a dead letter that left its value, key or headers out ({@link
 * DeadLetterFit}) back from the source topic, by the coordinates in {@code __streams.errors.*}, and
 * checks it against the SHA-256 the dead letter kept. One consumer without a group, reused for a
 * whole replay run.
 */
final class OriginalRecords implements AutoCloseable {

  /** The original record, or why it cannot be had. */
  sealed interface Lookup {}

  record Found(ConsumerRecord<byte[], byte[]> record) implements Lookup {}

  /**
   * @param reason a short, stable reason for counting ({@code original no longer retained})
   * @param detail the same with the record's coordinates, for the log
   */
  record Gone(String reason, String detail) implements Lookup {}

  private static final Duration POLL = Duration.ofMillis(500);
  private static final int EMPTY_POLLS = 20;

  private final KafkaConsumer<byte[], byte[]> consumer;

  OriginalRecords(Properties clientProperties) {
    Properties props = new Properties();
    props.putAll(clientProperties);
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
    // The dead letter was written because its input was read: whatever isolation the source topic
    // needs, the original is a record the scorer consumed, so read it as the scorer did.
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    this.consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  Lookup find(Headers deadLetter) {
    Optional<String> topic = DeadLetterHeaders.get(deadLetter, DeadLetterHeaders.TOPIC);
    Optional<Integer> partition =
        DeadLetterHeaders.get(deadLetter, DeadLetterHeaders.PARTITION)
            .flatMap(OriginalRecords::integer);
    Optional<Long> offset =
        DeadLetterHeaders.get(deadLetter, DeadLetterHeaders.OFFSET)
            .flatMap(OriginalRecords::number);
    if (topic.isEmpty() || partition.isEmpty() || offset.isEmpty()) {
      return new Gone("source coordinates missing", "it has no source coordinates");
    }
    String where = topic.get() + "-" + partition.get() + "@" + offset.get();
    TopicPartition source = new TopicPartition(topic.get(), partition.get());
    if (consumer.partitionsFor(topic.get()).stream()
        .noneMatch(p -> p.partition() == partition.get())) {
      return new Gone("source partition missing", "its source " + where + " does not exist");
    }
    long start = consumer.beginningOffsets(List.of(source)).get(source);
    long end = consumer.endOffsets(List.of(source)).get(source);
    if (offset.get() < start) {
      return new Gone(
          "original no longer retained",
          "its original "
              + where
              + " is no longer retained (the partition starts at "
              + start
              + ")");
    }
    if (offset.get() >= end) {
      return new Gone(
          "original past the end",
          "its original " + where + " is past the end of the partition (" + end + ")");
    }
    consumer.assign(List.of(source));
    consumer.seek(source, offset.get());
    int empty = 0;
    while (empty < EMPTY_POLLS) {
      List<ConsumerRecord<byte[], byte[]>> records = consumer.poll(POLL).records(source);
      if (records.isEmpty()) {
        empty++;
        if (consumer.position(source) > offset.get()) {
          break;
        }
        continue;
      }
      ConsumerRecord<byte[], byte[]> record = records.get(0);
      if (record.offset() != offset.get()) {
        break; // compacted away, or a transaction marker: the record itself is gone
      }
      return matches(deadLetter, record, where);
    }
    return new Gone(
        "original unreadable",
        "its original " + where + " could not be read (compacted or aborted)");
  }

  private static Lookup matches(
      Headers deadLetter, ConsumerRecord<byte[], byte[]> record, String where) {
    Optional<String> valueHash = DeadLetterHeaders.get(deadLetter, DeadLetterHeaders.VALUE_SHA256);
    if (valueHash.isPresent()
        && (record.value() == null
            || !valueHash.get().equals(DeadLetterFit.sha256(record.value())))) {
      return new Gone(
          "original differs",
          "the record at " + where + " is not its original (value SHA-256 differs)");
    }
    Optional<String> keyHash = DeadLetterHeaders.get(deadLetter, DeadLetterHeaders.KEY_SHA256);
    if (keyHash.isPresent()
        && (record.key() == null || !keyHash.get().equals(DeadLetterFit.sha256(record.key())))) {
      return new Gone(
          "original differs",
          "the record at " + where + " is not its original (key SHA-256 differs)");
    }
    return new Found(record);
  }

  private static Optional<Integer> integer(String text) {
    return number(text).filter(n -> n <= Integer.MAX_VALUE).map(Long::intValue);
  }

  private static Optional<Long> number(String text) {
    try {
      long value = Long.parseLong(text.strip());
      return value < 0 ? Optional.empty() : Optional.of(value);
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}

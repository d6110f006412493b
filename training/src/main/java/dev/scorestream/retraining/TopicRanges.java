package dev.scorestream.retraining;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Exact offset ranges of one topic, read under {@code read_committed} without a consumer group: the
 * training window a candidate is made from, the labelled events a shadow is judged on, the reports
 * a trigger reads. A range recorded in the audit trail reads the same records again, for as long as
 * the topic keeps them.
 */
final class TopicRanges implements AutoCloseable {

  private static final Duration POLL = Duration.ofMillis(200);

  private final KafkaConsumer<byte[], byte[]> consumer;

  TopicRanges(Properties clientProperties) {
    Properties props = new Properties();
    props.putAll(clientProperties);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    props.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    this.consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /**
   * Every partition from the first record at or after {@code since} (the beginning when null) to
   * the last stable offset now: everything committed before this moment, nothing after.
   */
  List<ModelEvent.OffsetRange> upToNow(String topic, Instant since) {
    List<TopicPartition> partitions = partitions(topic);
    Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
    Map<TopicPartition, Long> starts = consumer.beginningOffsets(partitions);
    if (since != null) {
      Map<TopicPartition, Long> query = new HashMap<>();
      partitions.forEach(p -> query.put(p, since.toEpochMilli()));
      Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query);
      partitions.forEach(
          p -> starts.put(p, found.get(p) == null ? ends.get(p) : found.get(p).offset()));
    }
    List<ModelEvent.OffsetRange> ranges = new ArrayList<>();
    for (TopicPartition partition : partitions) {
      ranges.add(
          new ModelEvent.OffsetRange(
              partition.partition(), starts.get(partition), ends.get(partition)));
    }
    return ranges;
  }

  /** Empty ranges at the last stable offsets now: where records from this moment on begin. */
  List<ModelEvent.OffsetRange> endsNow(String topic) {
    List<ModelEvent.OffsetRange> ranges = new ArrayList<>();
    consumer
        .endOffsets(partitions(topic))
        .forEach(
            (partition, end) ->
                ranges.add(new ModelEvent.OffsetRange(partition.partition(), end, end)));
    ranges.sort(Comparator.comparingInt(ModelEvent.OffsetRange::partition));
    return ranges;
  }

  /** From each range's start to the last stable offset now. */
  List<ModelEvent.OffsetRange> extendedToNow(String topic, List<ModelEvent.OffsetRange> from) {
    Map<TopicPartition, Long> ends = consumer.endOffsets(partitions(topic));
    List<ModelEvent.OffsetRange> ranges = new ArrayList<>();
    for (ModelEvent.OffsetRange range : from) {
      long end = ends.getOrDefault(new TopicPartition(topic, range.partition()), range.toOffset());
      ranges.add(new ModelEvent.OffsetRange(range.partition(), range.fromOffset(), end));
    }
    return ranges;
  }

  /**
   * The first offset each range still has: a range whose start the topic's retention deleted begins
   * later, and a rebuild from it would not be the same.
   */
  boolean stillHeld(String topic, List<ModelEvent.OffsetRange> ranges) {
    Map<TopicPartition, Long> beginnings = consumer.beginningOffsets(partitions(topic));
    for (ModelEvent.OffsetRange range : ranges) {
      Long first = beginnings.get(new TopicPartition(topic, range.partition()));
      if (range.fromOffset() < range.toOffset() && (first == null || first > range.fromOffset())) {
        return false;
      }
    }
    return true;
  }

  /** Reads every committed record of the ranges, partition by partition in offset order. */
  void read(
      String topic,
      List<ModelEvent.OffsetRange> ranges,
      Consumer<ConsumerRecord<byte[], byte[]>> handler) {
    for (ModelEvent.OffsetRange range : ranges) {
      if (range.fromOffset() >= range.toOffset()) {
        continue;
      }
      TopicPartition partition = new TopicPartition(topic, range.partition());
      consumer.assign(List.of(partition));
      consumer.seek(partition, range.fromOffset());
      while (consumer.position(partition) < range.toOffset()) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL).records(partition)) {
          if (record.offset() < range.toOffset()) {
            handler.accept(record);
          }
        }
      }
    }
    consumer.assign(List.of());
  }

  /**
   * Waits until a {@code read_committed} reader sees {@code written}: a transaction's commit
   * returns before its markers reach the partition, and until they do the record stays invisible.
   *
   * @throws IllegalStateException when it is still invisible after {@code timeout}
   */
  void awaitVisible(RecordMetadata written, Duration timeout) {
    TopicPartition partition = new TopicPartition(written.topic(), written.partition());
    long deadline = System.nanoTime() + timeout.toNanos();
    while (consumer.endOffsets(List.of(partition)).get(partition) <= written.offset()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the record written to "
                + partition
                + " at "
                + written.offset()
                + " is not readable after "
                + timeout);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + partition, e);
      }
    }
  }

  /** Whether {@code topic} exists now. */
  boolean exists(String topic) {
    List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
    return infos != null && !infos.isEmpty();
  }

  private List<TopicPartition> partitions(String topic) {
    List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
    if (infos == null || infos.isEmpty()) {
      throw new IllegalArgumentException("topic " + topic + " does not exist");
    }
    List<TopicPartition> partitions = new ArrayList<>();
    infos.forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
    partitions.sort(Comparator.comparingInt(TopicPartition::partition));
    return partitions;
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}

package dev.scorestream.deadletter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads the partitions of one topic from given start positions up to the end offsets seen when
 * reading began, so inspection, replay and training from a topic finish even while new records keep
 * arriving.
 */
public final class BoundedTopicReader {

  private static final Duration POLL = Duration.ofMillis(500);

  private final Consumer<byte[], byte[]> consumer;
  private final Map<TopicPartition, Long> ends = new HashMap<>();
  private final Map<TopicPartition, Long> starts = new HashMap<>();

  /**
   * @param start where to begin per partition: a committed offset, or null for the beginning
   */
  public BoundedTopicReader(
      Consumer<byte[], byte[]> consumer,
      String topic,
      DeadLetterFilter filter,
      Function<TopicPartition, OffsetAndMetadata> start) {
    this.consumer = consumer;
    List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
    if (infos == null || infos.isEmpty()) {
      throw new IllegalArgumentException("topic " + topic + " does not exist");
    }
    List<TopicPartition> partitions = new ArrayList<>();
    for (PartitionInfo info : infos) {
      if (filter.readsPartition(info.partition())) {
        partitions.add(new TopicPartition(topic, info.partition()));
      }
    }
    if (partitions.isEmpty()) {
      throw new IllegalArgumentException(
          "topic " + topic + " has none of the partitions " + filter.partitions());
    }
    consumer.assign(partitions);
    Map<TopicPartition, Long> beginnings = consumer.beginningOffsets(partitions);
    ends.putAll(consumer.endOffsets(partitions));
    for (TopicPartition partition : partitions) {
      OffsetAndMetadata committed = start.apply(partition);
      long from = Math.max(beginnings.get(partition), committed == null ? 0L : committed.offset());
      if (filter.offsetFrom() != null) {
        from = Math.max(from, filter.offsetFrom());
      }
      consumer.seek(partition, from);
      starts.put(partition, from);
    }
  }

  /**
   * Records between the start positions and the end offsets (an upper bound: transaction markers
   * count).
   */
  long remaining() {
    long total = 0;
    for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
      total += Math.max(0, end.getValue() - starts.get(end.getKey()));
    }
    return total;
  }

  Map<TopicPartition, Long> ends() {
    return ends;
  }

  /**
   * Polls until every partition's position reached its end offset, handing each non-empty batch
   * over.
   */
  public void forEachBatch(java.util.function.Consumer<ConsumerRecords<byte[], byte[]>> handler) {
    while (!done()) {
      ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
      if (!records.isEmpty()) {
        handler.accept(records);
      }
    }
  }

  private boolean done() {
    for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
      if (consumer.position(end.getKey()) < end.getValue()) {
        return false;
      }
    }
    return true;
  }
}

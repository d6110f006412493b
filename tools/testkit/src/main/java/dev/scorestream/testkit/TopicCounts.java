package dev.scorestream.testkit;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/** End offsets and consumer-group lag, read with the admin client. */
public final class TopicCounts {

  private TopicCounts() {}

  /** The topic's partition count. */
  public static int partitions(Admin admin, String topic) throws Exception {
    return admin
        .describeTopics(List.of(topic))
        .allTopicNames()
        .get(10, TimeUnit.SECONDS)
        .get(topic)
        .partitions()
        .size();
  }

  public static Map<TopicPartition, Long> endOffsets(Admin admin, String topic) throws Exception {
    int partitions = partitions(admin, topic);
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    for (int p = 0; p < partitions; p++) {
      request.put(new TopicPartition(topic, p), OffsetSpec.latest());
    }
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> result =
        admin.listOffsets(request).all().get(10, TimeUnit.SECONDS);
    return result.entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
  }

  /**
   * Sum over partitions of end offset minus the group's committed offset (0 committed when none).
   */
  public static long lag(Admin admin, String group, String topic) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin
            .listConsumerGroupOffsets(group)
            .partitionsToOffsetAndMetadata()
            .get(10, TimeUnit.SECONDS);
    long lag = 0;
    for (Map.Entry<TopicPartition, Long> end : endOffsets(admin, topic).entrySet()) {
      OffsetAndMetadata offset = committed.get(end.getKey());
      lag += end.getValue() - (offset == null ? 0 : offset.offset());
    }
    return lag;
  }

  /**
   * Records a group has yet to consume on every topic it committed offsets for (its input and the
   * repartition topics between its sub-topologies), against the last stable offsets. A partition
   * one record behind counts as consumed: under exactly-once the last offset of a partition is
   * often a transaction marker, which a consumer never commits past until it fetches again.
   */
  public static long groupLag(Admin admin, String group) throws Exception {
    Map<TopicPartition, Long> committed = new HashMap<>();
    admin
        .listConsumerGroupOffsets(group)
        .partitionsToOffsetAndMetadata()
        .get(10, TimeUnit.SECONDS)
        .forEach(
            (partition, offset) -> {
              if (offset != null) {
                committed.put(partition, offset.offset());
              }
            });
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    committed.keySet().forEach(p -> request.put(p, OffsetSpec.latest()));
    Map<TopicPartition, Long> ends = new HashMap<>();
    admin
        .listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
        .all()
        .get(10, TimeUnit.SECONDS)
        .forEach((partition, info) -> ends.put(partition, info.offset()));
    long lag = 0;
    for (Map.Entry<TopicPartition, Long> entry : committed.entrySet()) {
      long behind = ends.getOrDefault(entry.getKey(), 0L) - entry.getValue();
      lag += behind > 1 ? behind : 0;
    }
    return lag;
  }

  public static long sum(Collection<Long> values) {
    return values.stream().mapToLong(Long::longValue).sum();
  }
}

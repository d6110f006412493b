package dev.scorestream.bench;

import dev.scorestream.testkit.TopicCounts;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** What the harness asks of the broker: produce, count, offsets and lag of a consumer group. */
final class BenchKafka {

  private final String bootstrap;
  private final Admin admin;

  BenchKafka(String bootstrap, Admin admin) {
    this.bootstrap = bootstrap;
    this.admin = admin;
  }

  String bootstrap() {
    return bootstrap;
  }

  /** A producer for the harness's own records: idempotent, acks=all, {@code lingerMs}. */
  KafkaProducer<byte[], byte[]> producer(int lingerMs, int batchBytes) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, batchBytes);
    return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** Sends every record and waits for all of them; fails naming the first error if any failed. */
  void produce(String topic, List<? extends Keyed> records) {
    AtomicLong failed = new AtomicLong();
    AtomicReference<Exception> firstError = new AtomicReference<>();
    try (KafkaProducer<byte[], byte[]> producer = producer(20, 262_144)) {
      for (Keyed record : records) {
        producer.send(
            new ProducerRecord<>(topic, record.key(), record.value()),
            (metadata, error) -> {
              if (error != null) {
                failed.incrementAndGet();
                firstError.compareAndSet(null, error);
              }
            });
      }
      producer.flush();
    }
    if (failed.get() > 0) {
      throw new IllegalStateException(
          failed.get() + " of " + records.size() + " records could not be sent to " + topic,
          firstError.get());
    }
  }

  /** A record the harness sends: events and labels alike. */
  interface Keyed {
    byte[] key();

    byte[] value();
  }

  /** A read_committed consumer without a group. */
  KafkaConsumer<byte[], byte[]> consumer() {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /** Offsets a group has committed, by partition (absent where it committed nothing). */
  Map<TopicPartition, Long> committed(String group) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> offsets =
        admin
            .listConsumerGroupOffsets(group)
            .partitionsToOffsetAndMetadata()
            .get(10, TimeUnit.SECONDS);
    Map<TopicPartition, Long> committed = new HashMap<>();
    offsets.forEach(
        (partition, offset) -> {
          if (offset != null) {
            committed.put(partition, offset.offset());
          }
        });
    return committed;
  }

  /** The sum of a group's committed offsets on one topic. */
  long committed(String group, String topic) throws Exception {
    return committed(group).entrySet().stream()
        .filter(e -> e.getKey().topic().equals(topic))
        .mapToLong(Map.Entry::getValue)
        .sum();
  }

  /** End offsets of the partitions, as a read_committed consumer sees them (the LSO). */
  Map<TopicPartition, Long> endOffsets(Iterable<TopicPartition> partitions) throws Exception {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    partitions.forEach(p -> request.put(p, OffsetSpec.latest()));
    Map<TopicPartition, Long> ends = new HashMap<>();
    admin
        .listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
        .all()
        .get(10, TimeUnit.SECONDS)
        .forEach((tp, info) -> ends.put(tp, info.offset()));
    return ends;
  }

  /** As {@link TopicCounts#groupLag}. */
  long lag(String group) throws Exception {
    return TopicCounts.groupLag(admin, group);
  }

  /** Committed records in a topic: read_committed from the beginning to the last stable offset. */
  long count(String topic) throws Exception {
    int partitions = TopicCounts.partitions(admin, topic);
    List<TopicPartition> all = new java.util.ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      all.add(new TopicPartition(topic, p));
    }
    Map<TopicPartition, Long> ends = endOffsets(all);
    long count = 0;
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      consumer.assign(ends.keySet());
      consumer.seekToBeginning(ends.keySet());
      while (ends.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
        count += consumer.poll(Duration.ofMillis(500)).count();
      }
    }
    return count;
  }

  /** Waits until the consumer group of a Streams app is stable with every member assigned. */
  void awaitStableGroup(String group, Child child) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (System.nanoTime() < deadline && child.alive()) {
      ConsumerGroupDescription description;
      try {
        description =
            admin.describeConsumerGroups(List.of(group)).all().get(10, TimeUnit.SECONDS).get(group);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof GroupIdNotFoundException)) {
          throw e;
        }
        Thread.sleep(200); // not created yet
        continue;
      }
      if (description.groupState() == GroupState.STABLE
          && !description.members().isEmpty()
          && description.members().stream()
              .allMatch(m -> !m.assignment().topicPartitions().isEmpty())) {
        return;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(
        group + " did not join its group within 2 minutes:\n" + child.tail());
  }
}

package dev.scorestream.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads topics from the beginning as a downstream consumer would ({@code read_committed}, so
 * aborted transactions are invisible), without a consumer group, collecting every record it sees.
 */
public final class OutputCollector implements AutoCloseable {

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();

  public OutputCollector(String bootstrapServers, List<String> topics) {
    this(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), topics);
  }

  /**
   * @param client bootstrap servers and any security settings, e.g. {@link
   *     EmbeddedKafka#clientProperties()}
   */
  public OutputCollector(Map<String, Object> client, List<String> topics) {
    Properties props = new Properties();
    props.putAll(client);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "scorestream-collector-" + UUID.randomUUID());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> partitions = new ArrayList<>();
    Map<String, List<PartitionInfo>> all = consumer.listTopics(Duration.ofSeconds(30));
    for (String topic : topics) {
      List<PartitionInfo> infos = all.get(topic);
      if (infos == null) {
        throw new IllegalStateException("topic " + topic + " does not exist");
      }
      infos.forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
  }

  /**
   * Polls until {@code done} is true or {@code timeout} passes; calls {@code onRecord} for each new
   * record.
   */
  public boolean pollUntil(
      BooleanSupplier done, Duration timeout, Consumer<ConsumerRecord<byte[], byte[]>> onRecord) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
        records.add(record);
        onRecord.accept(record);
      }
    }
    return true;
  }

  /** Polls for {@code quiet} more, so duplicates written after the expected count would be seen. */
  public void drain(Duration quiet, Consumer<ConsumerRecord<byte[], byte[]>> onRecord) {
    pollUntil(() -> false, quiet, onRecord);
  }

  public List<ConsumerRecord<byte[], byte[]>> records() {
    return records;
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}

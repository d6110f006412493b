package dev.scorestream.app;

import dev.scorestream.deadletter.BoundedTopicReader;
import dev.scorestream.deadletter.DeadLetterFilter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The {@code schema-changes} topic read back: the history {@code scorer schemas changes} prints,
 * and the keys a starting scorer never reports again. Read from the beginning to the end seen at
 * the start, committed records only, without a consumer group.
 *
 * @param latest the last report of each key ({@code subject/schema id}), in the order written
 * @param records every record read, so a reader can tell a key written twice (before compaction)
 */
public record SchemaChangeLog(Map<String, ConsumerRecord<byte[], byte[]>> latest, long records) {

  /**
   * @param client Kafka client properties (bootstrap servers, security settings)
   */
  public static SchemaChangeLog read(Properties client, String topic) {
    Properties props = new Properties();
    props.putAll(client);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    Map<String, ConsumerRecord<byte[], byte[]>> latest = new LinkedHashMap<>();
    long[] records = {0};
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      new BoundedTopicReader(consumer, topic, DeadLetterFilter.ALL, partition -> null)
          .forEachBatch(
              batch ->
                  batch.forEach(
                      record -> {
                        records[0]++;
                        if (record.key() != null) {
                          String key = new String(record.key(), StandardCharsets.UTF_8);
                          latest.remove(key);
                          latest.put(key, record);
                        }
                      }));
    }
    return new SchemaChangeLog(latest, records[0]);
  }
}

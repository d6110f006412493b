package dev.scorestream.training;

import dev.scorestream.codec.DecodeResult;
import dev.scorestream.codec.WireFormatDecoder;
import dev.scorestream.deadletter.BoundedTopicReader;
import dev.scorestream.deadletter.DeadLetterFilter;
import dev.scorestream.feedback.TrainingExamples;
import dev.scorestream.registry.SchemaLookup;
import dev.scorestream.schemas.LabelledRecord;
import dev.scorestream.validation.RecordValidator;
import dev.scorestream.validation.Violation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a training topic of wire-format {@link TrainingExamples} (as the feedback join writes them)
 * from a start time to its current end, without a consumer group, decoding through the registry
 * onto the current reader schema and re-checking each event against the rules. Undecodable or
 * rule-breaking examples are skipped and counted.
 */
public final class TopicTrainingSource {

  private final Properties clientProperties;
  private final SchemaLookup registry;
  private final TrainingExamples examples;
  private final RecordValidator validator;

  public TopicTrainingSource(
      Properties clientProperties,
      SchemaLookup registry,
      TrainingExamples examples,
      RecordValidator validator) {
    this.clientProperties = clientProperties;
    this.registry = registry;
    this.examples = examples;
    this.validator = validator;
  }

  /**
   * @param since only examples whose record timestamp is at or after this; null for all
   * @param progress called with the number of records read so far
   */
  public TrainingData.Loaded read(String topic, Instant since, LongConsumer progress) {
    Properties props = new Properties();
    props.putAll(clientProperties);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    WireFormatDecoder decoder = new WireFormatDecoder(examples.schema(), registry);
    List<LabelledRecord> rows = new ArrayList<>();
    Map<String, Long> skippedBy = new TreeMap<>();
    long[] read = {0};
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      BoundedTopicReader reader =
          new BoundedTopicReader(
              consumer, topic, DeadLetterFilter.ALL, startAt(consumer, topic, since));
      reader.forEachBatch(
          batch -> {
            for (ConsumerRecord<byte[], byte[]> record : batch) {
              read[0]++;
              DecodeResult result = decoder.decode(record.value());
              if (result instanceof DecodeResult.Failed failed) {
                skippedBy.merge(failed.failure().name(), 1L, Long::sum);
                continue;
              }
              LabelledRecord row =
                  TrainingExamples.toLabelled(((DecodeResult.Decoded) result).record());
              List<Violation> violations = validator.sanitizeAndValidate(row.record());
              if (!violations.isEmpty()) {
                violations.forEach(v -> skippedBy.merge(v.ruleId(), 1L, Long::sum));
                continue;
              }
              rows.add(row);
            }
            progress.accept(read[0]);
          });
    }
    long skipped = read[0] - rows.size();
    return new TrainingData.Loaded(rows, skipped, skippedBy);
  }

  /**
   * Where each partition starts: the first offset at or after {@code since}, the beginning without
   * it.
   */
  private static Function<TopicPartition, OffsetAndMetadata> startAt(
      KafkaConsumer<byte[], byte[]> consumer, String topic, Instant since) {
    if (since == null) {
      return partition -> null;
    }
    List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
    if (infos == null || infos.isEmpty()) {
      throw new IllegalArgumentException("training topic " + topic + " does not exist");
    }
    Map<TopicPartition, Long> query = new HashMap<>();
    infos.forEach(
        info -> query.put(new TopicPartition(topic, info.partition()), since.toEpochMilli()));
    Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query);
    Map<TopicPartition, Long> ends = consumer.endOffsets(query.keySet());
    return partition -> {
      OffsetAndTimestamp offset = found.get(partition);
      return new OffsetAndMetadata(offset == null ? ends.get(partition) : offset.offset());
    };
  }
}

package dev.scorestream.training;

import dev.scorestream.codec.DecodeResult;
import dev.scorestream.codec.WireFormatDecoder;
import dev.scorestream.enrichment.Enricher;
import dev.scorestream.enrichment.EnrichmentSpec;
import dev.scorestream.enrichment.EntityHistory;
import dev.scorestream.enrichment.InMemoryContext;
import dev.scorestream.registry.SchemaLookup;
import dev.scorestream.validation.RecordValidator;
import dev.scorestream.validation.Violation;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Recomputes the enriched events of a topic's history with the stream's own code: each event is
 * decoded, sanitized and checked, looked up in the reference tables, and given its entity's
 * features from the events before it, exactly as the scoring task does, so a model can be trained
 * on what the stream will serve before any label has met a prediction.
 *
 * <p>The order is the stream's: each partition in offset order, the partitions merged by the
 * timestamp of their next record (as a stream task picks its next record). For an events topic
 * keyed by the entity each entity lives in one partition, and its features are the ones the stream
 * computed, to the bit. Reference tables are read as they are now (the stream reads them as they
 * were when each event was processed).
 */
public final class FeatureBackfill {

  private static final Duration POLL = Duration.ofMillis(500);
  private static final Duration STALL = Duration.ofSeconds(60);

  private final Properties clientProperties;
  private final SchemaLookup registry;
  private final Schema reader;
  private final RecordValidator validator;
  private final EnrichmentSpec spec;

  /** What a backfill read and did. */
  public record Summary(
      long read,
      long enriched,
      long afterUntil,
      Map<String, Long> skippedBy,
      Map<EntityHistory.Recorded, Long> histories,
      int entities,
      Map<String, Long> referenceRows) {}

  public FeatureBackfill(
      Properties clientProperties,
      SchemaLookup registry,
      Schema reader,
      RecordValidator validator,
      EnrichmentSpec spec) {
    this.clientProperties = clientProperties;
    this.registry = registry;
    this.reader = reader;
    this.validator = validator;
    this.spec = spec;
  }

  /**
   * Enriches the events of {@code topic} with a timestamp before {@code until}, handing each
   * enriched record (of the enriched schema) and its timestamp to {@code sink} in processing order.
   */
  public Summary run(String topic, Instant until, Sink sink) {
    InMemoryContext context = new InMemoryContext();
    Map<String, Long> referenceRows = new TreeMap<>();
    for (EnrichmentSpec.Reference reference : spec.references()) {
      long[] rows = {0};
      readAll(
          reference.topic(),
          record -> {
            context.put(
                reference.table(),
                record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8),
                record.value());
            rows[0]++;
          });
      referenceRows.put(reference.table(), rows[0]);
    }
    Map<EntityHistory.Recorded, Long> histories = new EnumMap<>(EntityHistory.Recorded.class);
    Enricher enricher =
        new Enricher(
            spec,
            reader.getFields().size(),
            registry,
            new Enricher.Listener() {
              @Override
              public void looked(String table, Enricher.Found found) {}

              @Override
              public void recorded(String entity, EntityHistory.Recorded recorded) {
                histories.merge(recorded, 1L, Long::sum);
              }
            });
    WireFormatDecoder decoder = new WireFormatDecoder(reader, registry);
    Map<String, Long> skippedBy = new TreeMap<>();
    long[] counts = new long[3]; // read, enriched, after until
    long limit = until.toEpochMilli();
    merged(
        topic,
        record -> {
          counts[0]++;
          if (record.timestamp() >= limit) {
            counts[2]++;
            return;
          }
          DecodeResult decoded = decoder.decode(record.value());
          if (decoded instanceof DecodeResult.Failed failed) {
            skippedBy.merge(failed.failure().name(), 1L, Long::sum);
            return;
          }
          GenericRecord event = ((DecodeResult.Decoded) decoded).record();
          List<Violation> violations = validator.sanitizeAndValidate(event);
          if (!violations.isEmpty()) {
            skippedBy.merge("RULE_VIOLATION", 1L, Long::sum);
            return;
          }
          Enricher.Result result = enricher.enrich(event, record.timestamp(), context);
          if (result instanceof Enricher.Missing) {
            skippedBy.merge("REFERENCE_MISSING", 1L, Long::sum);
            return;
          }
          counts[1]++;
          sink.accept(((Enricher.Enriched) result).record(), record.timestamp());
        });
    return new Summary(
        counts[0], counts[1], counts[2], skippedBy, histories, context.entities(), referenceRows);
  }

  /** Where enriched events go. */
  @FunctionalInterface
  public interface Sink {
    void accept(GenericRecord enriched, long timestamp);
  }

  private Properties consumerProperties() {
    Properties props = new Properties();
    props.putAll(clientProperties);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    return props;
  }

  /** Every record of {@code topic} up to its end offsets now, partition after partition. */
  private void readAll(String topic, Consumer<ConsumerRecord<byte[], byte[]>> each) {
    for (TopicPartition partition : partitions(topic)) {
      try (PartitionReader one = new PartitionReader(partition)) {
        for (ConsumerRecord<byte[], byte[]> r = one.next(); r != null; r = one.next()) {
          each.accept(r);
        }
      }
    }
  }

  /**
   * Every record of {@code topic} up to its end offsets now: each partition in offset order, the
   * next record always from the partition whose next record has the smallest timestamp (ties: the
   * lower partition).
   */
  private void merged(String topic, Consumer<ConsumerRecord<byte[], byte[]>> each) {
    List<PartitionReader> readers = new ArrayList<>();
    try {
      for (TopicPartition partition : partitions(topic)) {
        readers.add(new PartitionReader(partition));
      }
      PriorityQueue<PartitionReader> heads =
          new PriorityQueue<>(
              Comparator.comparingLong((PartitionReader r) -> r.head.timestamp())
                  .thenComparingInt(r -> r.partition.partition()));
      for (PartitionReader reader : readers) {
        reader.head = reader.next();
        if (reader.head != null) {
          heads.add(reader);
        }
      }
      while (!heads.isEmpty()) {
        PartitionReader reader = heads.poll();
        each.accept(reader.head);
        reader.head = reader.next();
        if (reader.head != null) {
          heads.add(reader);
        }
      }
    } finally {
      readers.forEach(PartitionReader::close);
    }
  }

  private List<TopicPartition> partitions(String topic) {
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            consumerProperties(), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
      if (infos == null || infos.isEmpty()) {
        throw new IllegalArgumentException("topic " + topic + " does not exist");
      }
      return infos.stream()
          .map(info -> new TopicPartition(topic, info.partition()))
          .sorted(Comparator.comparingInt(TopicPartition::partition))
          .toList();
    }
  }

  /** One partition, from its beginning to its end offset when reading began. */
  private final class PartitionReader implements AutoCloseable {
    final TopicPartition partition;
    final KafkaConsumer<byte[], byte[]> consumer;
    final long end;
    final ArrayDeque<ConsumerRecord<byte[], byte[]>> buffer = new ArrayDeque<>();
    ConsumerRecord<byte[], byte[]> head;

    PartitionReader(TopicPartition partition) {
      this.partition = partition;
      this.consumer =
          new KafkaConsumer<>(
              consumerProperties(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      this.end = consumer.endOffsets(List.of(partition)).get(partition);
    }

    /** The next record, or null after the end offset. */
    ConsumerRecord<byte[], byte[]> next() {
      long lastProgress = System.nanoTime();
      while (buffer.isEmpty()) {
        if (consumer.position(partition) >= end) {
          return null;
        }
        Iterator<ConsumerRecord<byte[], byte[]>> polled =
            consumer.poll(POLL).records(partition).iterator();
        while (polled.hasNext()) {
          ConsumerRecord<byte[], byte[]> record = polled.next();
          if (record.offset() < end) {
            buffer.add(record);
          }
        }
        if (!buffer.isEmpty()) {
          break;
        }
        if (System.nanoTime() - lastProgress > STALL.toNanos()) {
          throw new IllegalStateException(
              "no progress reading "
                  + partition
                  + " for "
                  + STALL.toSeconds()
                  + " s at offset "
                  + consumer.position(partition)
                  + " of "
                  + end);
        }
      }
      return buffer.poll();
    }

    @Override
    public void close() {
      consumer.close();
    }
  }
}

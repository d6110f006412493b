package dev.scorestream.deadletter;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-publishes dead letters: original key, value bytes and non-dead-letter headers go back to the
 * original topic (or another one), with {@code scorestream.dlq.replay.count} set to the previous
 * count plus one.
 *
 * <p>Exactly once and resumable: each polled batch is written in one Kafka transaction together
 * with the replay group's offsets ({@code sendOffsetsToTransaction}), so a run killed at any point
 * leaves either the whole batch written and committed or none of it, and the next run continues
 * where the last commit left off. Records the filter passes over are committed too, so a second run
 * over the same topic replays nothing. A dry run reads from the group's position and writes and
 * commits nothing.
 *
 * <p>A dead letter that left its value, key or headers out to fit its topic ({@link DeadLetterFit})
 * is replayed from its original, read back from the source topic by its coordinates and checked
 * against the SHA-256 it kept. An original that is no longer retained (or differs) is refused and
 * counted, never replayed as the empty dead letter.
 */
public final class ReplayEngine {

  private static final Logger LOG = LoggerFactory.getLogger(ReplayEngine.class);

  /** Told about progress: records read so far out of an upper bound. */
  @FunctionalInterface
  public interface Progress {
    void update(long read, long total, long replayed);
  }

  private final Properties clientProperties;

  /**
   * @param clientProperties Kafka client properties (bootstrap.servers, security settings)
   */
  public ReplayEngine(Properties clientProperties) {
    this.clientProperties = clientProperties;
  }

  public ReplayResult replay(ReplayOptions options, Progress progress) {
    Set<String> topics = existingTopics();
    if (options.to() != null && !topics.contains(options.to())) {
      throw new IllegalArgumentException(
          "--to topic " + options.to() + " does not exist; create it first");
    }
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(options.group());
        OriginalRecords originals = new OriginalRecords(clientProperties);
        KafkaProducer<byte[], byte[]> producer = options.dryRun() ? null : producer(options)) {
      if (producer != null) {
        producer.initTransactions();
      }
      BoundedTopicReader reader =
          new BoundedTopicReader(
              consumer,
              options.from(),
              options.filter(),
              partition -> consumer.committed(Set.of(partition)).get(partition));
      Run run =
          new Run(options, consumer, producer, reader.remaining(), progress, topics, originals);
      reader.forEachBatch(run::batch);
      run.commitPositions();
      progress.update(run.read, run.total, run.replayed);
      return new ReplayResult(
          run.replayed, run.skipped, run.refused, run.byReasonAndTarget, run.refusedBy);
    }
  }

  /** One replay run's state. */
  private static final class Run {
    private final ReplayOptions options;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Map<TopicPartition, Long> committed = new HashMap<>();
    private final Set<String> topics;
    private final ConsumerGroupMetadata group;
    private final long total;
    private final Progress progress;
    private final RatePacer pacer;
    private final OriginalRecords originals;
    private final Map<String, Long> byReasonAndTarget = new TreeMap<>();
    private final Map<String, Long> refusedBy = new TreeMap<>();
    private long read;
    private long replayed;
    private long skipped;
    private long refused;

    Run(
        ReplayOptions options,
        KafkaConsumer<byte[], byte[]> consumer,
        KafkaProducer<byte[], byte[]> producer,
        long total,
        Progress progress,
        Set<String> topics,
        OriginalRecords originals) {
      this.options = options;
      this.originals = originals;
      this.topics = topics;
      this.consumer = consumer;
      this.producer = producer;
      this.group = new ConsumerGroupMetadata(options.group());
      this.total = total;
      this.progress = progress;
      this.pacer = new RatePacer(options.ratePerSecond());
    }

    void batch(ConsumerRecords<byte[], byte[]> records) {
      if (producer != null) {
        producer.beginTransaction();
      }
      try {
        for (ConsumerRecord<byte[], byte[]> record : records) {
          handle(record);
          read++;
          progress.update(read, total, replayed);
        }
        if (producer != null) {
          sendPositions();
          producer.commitTransaction();
        }
      } catch (RuntimeException e) {
        if (producer != null) {
          // Nothing of this batch becomes visible or committed; the run ends with the exception.
          abortQuietly();
        }
        throw e;
      }
    }

    /**
     * Commits the consumer's positions with the open transaction. Positions, not last offset + 1:
     * they step over transaction markers, which the pipeline's exactly-once writes leave in the
     * dead-letter topic, so a fully replayed topic shows zero lag.
     */
    private void sendPositions() {
      Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
      for (TopicPartition partition : consumer.assignment()) {
        long position = consumer.position(partition);
        if (!Long.valueOf(position).equals(committed.get(partition))) {
          offsets.put(partition, new OffsetAndMetadata(position));
        }
      }
      if (!offsets.isEmpty()) {
        producer.sendOffsetsToTransaction(offsets, group);
        offsets.forEach((partition, offset) -> committed.put(partition, offset.offset()));
      }
    }

    /**
     * After the last batch: positions may have moved over trailing markers without records; commit
     * them.
     */
    void commitPositions() {
      if (producer == null) {
        return;
      }
      producer.beginTransaction();
      sendPositions();
      producer.commitTransaction();
    }

    private void refuse(String why) {
      refused++;
      refusedBy.merge(why, 1L, Long::sum);
    }

    private void abortQuietly() {
      try {
        producer.abortTransaction();
      } catch (RuntimeException abortFailure) {
        LOG.warn(
            "could not abort the replay transaction; the broker aborts it on timeout: {}",
            abortFailure.toString());
      }
    }

    private void handle(ConsumerRecord<byte[], byte[]> record) {
      if (!options.filter().matches(record)) {
        skipped++;
        return;
      }
      String target =
          options.to() != null
              ? options.to()
              : DeadLetterHeaders.get(record.headers(), DeadLetterHeaders.TOPIC)
                  .filter(t -> !t.isBlank())
                  .orElse(null);
      if (target == null) {
        LOG.warn(
            "dead letter {}-{}@{} has no {} header and no --to was given; skipped",
            record.topic(),
            record.partition(),
            record.offset(),
            DeadLetterHeaders.TOPIC);
        skipped++;
        return;
      }
      if (!topics.contains(target)) {
        // Fail the batch (its transaction aborts, nothing is committed past this record) rather
        // than skip it.
        throw new IllegalStateException(
            "target topic "
                + target
                + " of dead letter "
                + record.topic()
                + "-"
                + record.partition()
                + "@"
                + record.offset()
                + " does not exist; create it or replay with --to");
      }
      int count = DeadLetterHeaders.replayCount(record.headers());
      if (count >= options.maxReplays()) {
        refuse("replay limit reached");
        return;
      }
      ConsumerRecord<byte[], byte[]> original = record;
      if (DeadLetterHeaders.omittedOriginal(record.headers())) {
        OriginalRecords.Lookup lookup = originals.find(record.headers());
        if (lookup instanceof OriginalRecords.Gone gone) {
          LOG.warn(
              "dead letter {}-{}@{} not replayed: {}",
              record.topic(),
              record.partition(),
              record.offset(),
              gone.detail());
          refuse(gone.reason());
          return;
        }
        // The dead letter left the original out to fit its topic: replay the original itself.
        original = ((OriginalRecords.Found) lookup).record();
      }
      String reason =
          DeadLetterHeaders.get(record.headers(), DeadLetterHeaders.REASON).orElse("(no reason)");
      byReasonAndTarget.merge(reason + " -> " + target, 1L, Long::sum);
      replayed++;
      if (producer != null) {
        producer.send(
            new ProducerRecord<>(
                target,
                null,
                record.timestamp(),
                original.key(),
                original.value(),
                replayHeaders(original.headers(), count + 1)));
        pacer.pace(replayed);
      }
    }
  }

  /**
   * The original headers without dead-letter headers, plus the new replay count. The original is
   * the dead letter itself, or the record read back from the source when the dead letter omitted
   * it.
   */
  static Headers replayHeaders(Headers deadLetterHeaders, int replayCount) {
    Headers headers = new RecordHeaders(deadLetterHeaders.toArray());
    DeadLetterHeaders.strip(headers);
    headers.add(
        DeadLetterHeaders.REPLAY_COUNT,
        Integer.toString(replayCount).getBytes(StandardCharsets.UTF_8));
    return headers;
  }

  private Set<String> existingTopics() {
    Properties props = new Properties();
    props.putAll(clientProperties);
    try (Admin admin = Admin.create(props)) {
      return admin.listTopics().names().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "cannot list topics at " + clientProperties.get("bootstrap.servers") + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while listing topics", e);
    }
  }

  private KafkaConsumer<byte[], byte[]> consumer(String group) {
    Properties props = new Properties();
    props.putAll(clientProperties);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
    return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  private KafkaProducer<byte[], byte[]> producer(ReplayOptions options) {
    Properties props = new Properties();
    props.putAll(clientProperties);
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    // One transactional id per replay group: a new run fences a zombie one and aborts its open
    // transaction.
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, options.group() + "-producer");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    // What the source topic took, replay must be able to write back (an original read back for a
    // dead letter that omitted it can be larger than the producer's 1 MiB default): the topic's own
    // max.message.bytes is the limit that matters.
    props.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 64 * 1024 * 1024);
    props.putIfAbsent(ProducerConfig.BUFFER_MEMORY_CONFIG, 128L * 1024 * 1024);
    return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }
}

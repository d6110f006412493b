package dev.scorestream.app;

import dev.scorestream.config.ScorerConfig;
import dev.scorestream.topology.OutputFailureHandler;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The Kafka Streams (and admin client) properties a configuration stands for: the scorer's choices
 * first, each with its reason, then every {@code kafka.*} pass-through key, which wins.
 */
public final class StreamsProperties {

  private StreamsProperties() {}

  /** Producer batch.size of every scorer (see {@link #streamsProperties}). */
  public static final int PRODUCER_BATCH_BYTES = 131_072;

  /** Kafka Streams properties: ours first, then every {@code kafka.*} pass-through key. */
  public static Properties of(ScorerConfig config) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.getString(ScorerConfig.APPLICATION_ID));
    props.put(
        StreamsConfig.BOOTSTRAP_SERVERS_CONFIG,
        String.join(",", config.getList(ScorerConfig.BOOTSTRAP_SERVERS)));
    props.put(
        StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
        config.getString(ScorerConfig.PROCESSING_GUARANTEE));
    props.put(
        StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.getInt(ScorerConfig.NUM_STREAM_THREADS));
    props.put(
        StreamsConfig.COMMIT_INTERVAL_MS_CONFIG,
        config.getDuration(ScorerConfig.COMMIT_INTERVAL).toMillis());
    // A failed produce that belongs to one record is handled per record (the input is written
    // again,
    // degraded); infrastructure failures are retried or fail the thread, never dead-lettered.
    props.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, OutputFailureHandler.class);
    // A task waiting out a registry outage keeps its transaction open; the Streams default (10 s)
    // would let the broker abort it underneath and fence the producer. Give it the outage wait plus
    // a margin.
    if (StreamsConfig.EXACTLY_ONCE_V2.equals(config.getString(ScorerConfig.PROCESSING_GUARANTEE))) {
      props.put(
          StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG),
          (int)
              Math.min(
                  Integer.MAX_VALUE,
                  config.getDuration(ScorerConfig.REGISTRY_OUTAGE_MAX_BLOCK).toMillis() + 30_000));
    }
    // A task whose partition is momentarily empty (the drift merger, most of the time) otherwise
    // costs a String.format per stream-thread loop in PartitionGroup.readyToProcess (its
    // wait-for-data bookkeeping): 11% of the stream thread in the benchmark profile. Nothing here
    // needs cross-partition idling: the feedback join waits for overtaken labels itself.
    props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
    // Kafka's 16 KB producer batches fill in a few milliseconds at benchmark rates, so the producer
    // sends many small requests: its network thread cost 2.6 us per record, 1.2 us with 128 KB
    // batches (linger stays the Streams default; a transaction commit flushes whatever is batched).
    // kafka.producer.batch.size overrides it.
    props.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), PRODUCER_BATCH_BYTES);
    // No global stores here; opting in now silences a deprecation warning and matches Kafka 5.0's
    // default. The partition assignor builds its own StreamsConfig from the main consumer's
    // settings, and warns again unless they carry the setting too.
    props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    props.put(
        StreamsConfig.mainConsumerPrefix(
            StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG),
        true);
    boolean exactlyOnce =
        StreamsConfig.EXACTLY_ONCE_V2.equals(config.getString(ScorerConfig.PROCESSING_GUARANTEE));
    // KIP-892: stores keep uncommitted writes in a transaction buffer, so after a crash under
    // exactly-once a task keeps its local state and replays only what followed the last commit,
    // instead of wiping the store and restoring the whole changelog.
    props.put(StreamsConfig.TRANSACTIONAL_STATE_STORES_CONFIG, exactlyOnce);
    String instanceId = config.getString(ScorerConfig.INSTANCE_ID);
    if (!instanceId.isBlank()) {
      // Static membership: a restarted instance takes its tasks back under the same name without a
      // rebalance or waiting out the session timeout (Kafka Streams appends each thread's index).
      props.put(
          StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), instanceId);
    }
    props.put(
        StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, config.getInt(ScorerConfig.STANDBY_REPLICAS));
    props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDb.class);
    props.put(
        BoundedRocksDb.MEMORY_BYTES, config.getInt(ScorerConfig.ROCKSDB_MEMORY_MB) * 1024L * 1024L);
    props.put(
        BoundedRocksDb.SNAPSHOT_TTL_SECONDS,
        Long.toString(
            Math.max(1, config.getDuration(ScorerConfig.FEEDBACK_RETENTION).toSeconds())));
    String stateDir = config.getString(ScorerConfig.STATE_DIR);
    if (!stateDir.isEmpty()) {
      props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
    }
    props.putAll(config.kafkaOverrides());
    return props;
  }

  /** Admin client properties: bootstrap servers and every {@code kafka.*} pass-through key. */
  /**
   * What every Kafka client the tools and the retraining controller make shares: the bootstrap
   * servers and the {@code kafka.*} settings (security, timeouts).
   */
  public static Properties clients(ScorerConfig config) {
    Properties props = new Properties();
    props.putAll(config.kafkaOverrides());
    props.put(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
        String.join(",", config.getList(ScorerConfig.BOOTSTRAP_SERVERS)));
    return props;
  }

  static Properties admin(ScorerConfig config) {
    Properties props = new Properties();
    props.putAll(config.kafkaOverrides());
    props.put(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
        String.join(",", config.getList(ScorerConfig.BOOTSTRAP_SERVERS)));
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
    return props;
  }

  /** The producer's {@code max.request.size} as Kafka Streams will configure it. */
  static long maxRequestSize(Properties streams) {
    Object value =
        streams.getOrDefault(
            StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
            streams.getOrDefault(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1_048_576));
    return Long.parseLong(value.toString());
  }

  /**
   * Hands the production exception handler what it shares with the topology, and keeps producer
   * batches below the smallest output topic's limit (a batch over a topic's max.message.bytes is
   * refused whole, with every record in it).
   */
  static void wireOutputs(
      Properties props, Map<String, Object> handlerSettings, long smallestTopicLimit) {
    props.putAll(handlerSettings);
    String batchSize = StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG);
    long configured = Long.parseLong(props.get(batchSize).toString());
    if (smallestTopicLimit < configured + 1024) {
      props.put(batchSize, (int) Math.max(1024, smallestTopicLimit - 1024));
    }
  }
}

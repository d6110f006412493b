package dev.scorestream.retraining;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may act for one model, decided through Kafka, never through a file lock.
 *
 * <ul>
 *   <li><b>Who leads</b>: the member of the consumer group {@code <prefix>-<model>} that is
 *       assigned the one partition of {@code model-events}. Sticky assignment: a standby that joins
 *       never takes it from a live leader; a leader that dies loses it when its session expires.
 *   <li><b>Who may write</b>: a transactional producer with the fixed id {@code <prefix>-<model>}.
 *       A new leader's {@code initTransactions} fences the previous one (its open transaction is
 *       aborted, its next write fails), and each write also commits the group's offset in the same
 *       transaction, which a member of a stale generation cannot (KIP-447).
 * </ul>
 *
 * A person's action ({@code scorer models promote}, ...) takes the same producer id for one write,
 * which fences the leader for as long; the leader notices on its next write, steps back and takes
 * the lease again after {@code fenceBackoff}, reading the trail anew.
 */
final class ControllerLease implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ControllerLease.class);

  private final Properties clientProperties;
  private final String topic;
  private final String id;

  /** The group membership; null for a person's one action. */
  private final KafkaConsumer<byte[], byte[]> consumer;

  private final TopicPartition partition;
  private KafkaProducer<byte[], byte[]> producer;
  private volatile boolean assigned;

  /**
   * A person's lease for one action: no group membership, only the producer id, which fences the
   * leader until it takes the lease again.
   */
  static ControllerLease forPerson(Properties clientProperties, String topic, String id) {
    return new ControllerLease(clientProperties, topic, id);
  }

  private ControllerLease(Properties clientProperties, String topic, String id) {
    this.clientProperties = clientProperties;
    this.topic = topic;
    this.id = id;
    this.partition = new TopicPartition(topic, 0);
    this.consumer = null;
    this.assigned = true;
  }

  /**
   * @param id the group id and transactional id: {@code <prefix>-<model>}
   * @param sessionTimeout how long a dead leader holds the lease
   * @param stepTimeout how long a leader may go without polling (one step of the loop, training the
   *     longest) before the group counts it as stuck and a standby takes over
   */
  ControllerLease(
      Properties clientProperties,
      String topic,
      String id,
      Duration sessionTimeout,
      Duration stepTimeout) {
    this.clientProperties = clientProperties;
    this.topic = topic;
    this.id = id;
    this.partition = new TopicPartition(topic, 0);
    Properties props = new Properties();
    props.putAll(clientProperties);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, id);
    props.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(
        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
        CooperativeStickyAssignor.class.getName());
    props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) sessionTimeout.toMillis());
    props.put(
        ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
        (int) Math.max(100, sessionTimeout.toMillis() / 5));
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
    props.put(
        ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG,
        (int) Math.min(Integer.MAX_VALUE, stepTimeout.toMillis()));
    this.consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    List<?> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
    if (infos == null || infos.isEmpty()) {
      consumer.close();
      throw new IllegalArgumentException(
          "the model-events topic " + topic + " does not exist; create it with 1 partition");
    }
    if (infos.size() != 1) {
      consumer.close();
      throw new IllegalArgumentException(
          "the model-events topic "
              + topic
              + " has "
              + infos.size()
              + " partitions; it needs exactly 1, so that one controller leads");
    }
    consumer.subscribe(
        List.of(topic),
        new ConsumerRebalanceListener() {
          @Override
          public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (partitions.contains(partition)) {
              assigned = true;
            }
          }

          @Override
          public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.contains(partition)) {
              stepDown("revoked");
            }
          }

          @Override
          public void onPartitionsLost(Collection<TopicPartition> partitions) {
            if (partitions.contains(partition)) {
              stepDown("lost");
            }
          }
        });
  }

  /**
   * Keeps the group membership alive (call at least every few seconds); true while this member
   * holds the lease. The records it polls are ignored: the trail is read separately, whole.
   */
  boolean poll(Duration timeout) {
    if (consumer != null) {
      consumer.poll(timeout);
    }
    return assigned;
  }

  /** Whether this member holds the lease and its producer is live (not fenced). */
  boolean leads() {
    return assigned && producer != null;
  }

  /**
   * Takes the writer's side of the lease: a new transactional producer, whose initialization fences
   * every earlier holder of the id and aborts its open transaction.
   */
  void fence() {
    closeProducer();
    Properties props = new Properties();
    props.putAll(clientProperties);
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id);
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    producer.initTransactions();
    LOG.info("holding the retraining lease {} (fenced every earlier holder)", id);
  }

  /**
   * Writes records in one transaction, with the group's position on the trail.
   *
   * @return where the last record landed (null for none)
   * @throws LeaseLostException when another holder fenced this one, or the group moved on
   */
  RecordMetadata write(List<ProducerRecord<byte[], byte[]>> records) {
    if (producer == null) {
      throw new LeaseLostException("this controller does not hold the lease " + id);
    }
    try {
      producer.beginTransaction();
      Future<RecordMetadata> last = null;
      for (ProducerRecord<byte[], byte[]> record : records) {
        last = producer.send(record);
      }
      if (consumer != null) {
        producer.sendOffsetsToTransaction(
            Map.of(partition, new OffsetAndMetadata(Math.max(0, position()))),
            consumer.groupMetadata());
      }
      producer.commitTransaction();
      return last == null ? null : last.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted while writing to the trail", e);
    } catch (ExecutionException e) {
      // commitTransaction succeeded, so every send did: this cannot fail with a cause of its own
      throw new KafkaException("cannot read where the trail's record landed", e.getCause());
    } catch (ProducerFencedException
        | InvalidProducerEpochException
        | CommitFailedException
        | FencedInstanceIdException e) {
      closeProducer();
      throw new LeaseLostException("lost the retraining lease " + id + ": " + e, e);
    } catch (KafkaException e) {
      try {
        producer.abortTransaction();
      } catch (KafkaException abort) {
        closeProducer();
      }
      throw e;
    }
  }

  private long position() {
    try {
      return assigned ? consumer.position(partition, Duration.ofSeconds(10)) : 0;
    } catch (KafkaException e) {
      return 0;
    }
  }

  private void stepDown(String why) {
    if (assigned) {
      LOG.info("retraining lease {} {}: standing by", id, why);
    }
    assigned = false;
    closeProducer();
  }

  private void closeProducer() {
    if (producer != null) {
      try {
        producer.close(Duration.ofSeconds(5));
      } catch (KafkaException e) {
        LOG.debug("closing a fenced producer: {}", e.toString());
      }
      producer = null;
    }
  }

  @Override
  public void close() {
    closeProducer();
    if (consumer != null) {
      consumer.close(Duration.ofSeconds(5));
    }
  }
}

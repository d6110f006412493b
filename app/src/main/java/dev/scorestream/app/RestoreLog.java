package dev.scorestream.app;

import dev.scorestream.metrics.PipelineMetrics;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs and measures each state restore: which store, how many records, how long. After a crash
 * under exactly-once with transactional stores, the feedback store restores only what followed its
 * last commit; this is where that shows.
 */
final class RestoreLog implements StateRestoreListener {

  private static final Logger LOG = LoggerFactory.getLogger(RestoreLog.class);

  private final PipelineMetrics metrics;
  private final Map<TopicPartition, Long> started = new ConcurrentHashMap<>();

  RestoreLog(PipelineMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void onRestoreStart(
      TopicPartition partition, String store, long startingOffset, long endingOffset) {
    started.put(partition, System.nanoTime());
    long atMost = Math.max(0, endingOffset - startingOffset);
    if (atMost == 0 && !LOG.isDebugEnabled()) {
      return; // nothing to restore: a first start, or a clean restart
    }
    String message = "restoring store {} from {}: offsets {} to {} ({} records at most)";
    if (atMost == 0) {
      LOG.debug(message, store, partition, startingOffset, endingOffset, atMost);
    } else {
      LOG.info(message, store, partition, startingOffset, endingOffset, atMost);
    }
  }

  @Override
  public void onBatchRestored(
      TopicPartition partition, String store, long batchEndOffset, long numRestored) {}

  @Override
  public void onRestoreEnd(TopicPartition partition, String store, long totalRestored) {
    Long start = started.remove(partition);
    Duration took = Duration.ofNanos(start == null ? 0 : System.nanoTime() - start);
    metrics.stateRestored(store, totalRestored, took);
    String message = "restored store {} from {}: {} records in {} ms";
    if (totalRestored == 0) {
      LOG.debug(message, store, partition, totalRestored, took.toMillis());
    } else {
      LOG.info(message, store, partition, totalRestored, took.toMillis());
    }
  }
}

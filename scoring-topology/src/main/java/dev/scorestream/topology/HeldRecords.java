package dev.scorestream.topology;

import dev.scorestream.serving.EventScorer;
import dev.scorestream.serving.Outcome;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.ProcessorNode;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;

/**
 * Valid records a scoring task holds for one model call (a micro-batch), each with the record
 * context it arrived in. {@link #flush} predicts them in one call and hands each back under its own
 * context (source topic, partition, offset, headers, raw bytes), as Kafka Streams' own caches
 * forward at a flush, so everything downstream sees the record it would have seen unbatched.
 */
final class HeldRecords {

  /** A valid record waiting for its batch. */
  record Held(
      FixedKeyRecord<Bytes, byte[]> record,
      ProcessorRecordContext recordContext,
      EventScorer.Ready ready,
      int schemaId,
      long preparedNanos,
      long arrivedNanos) {}

  /** What to do with each held record once its answer is known. */
  @FunctionalInterface
  interface Release {
    /**
     * @param ownStartNanos when the record's own work began, so that its cost is preparing it, its
     *     share of the model call, and writing it
     */
    void release(Held held, EventScorer.Evaluated evaluated, long ownStartNanos);
  }

  private final InternalProcessorContext<Bytes, Outcome> internal;
  private final ProcessorNode<?, ?, ?, ?> node;
  private final List<Held> held = new ArrayList<>();

  /**
   * @param context the scoring processor's context, during its {@code init} (Kafka Streams sets the
   *     current node to that processor then)
   */
  @SuppressWarnings("unchecked")
  HeldRecords(FixedKeyProcessorContext<Bytes, Outcome> context) {
    if (!(context instanceof InternalProcessorContext<?, ?> kafkas)) {
      throw new IllegalStateException(
          "micro-batching needs Kafka Streams' own processor context, not "
              + context.getClass().getName());
    }
    this.internal = (InternalProcessorContext<Bytes, Outcome>) kafkas;
    this.node = internal.currentNode();
  }

  void hold(
      FixedKeyRecord<Bytes, byte[]> record,
      EventScorer.Ready ready,
      int schemaId,
      long preparedNanos,
      long arrivedNanos) {
    held.add(
        new Held(record, internal.recordContext(), ready, schemaId, preparedNanos, arrivedNanos));
  }

  int size() {
    return held.size();
  }

  /** When the oldest held record arrived (nanoTime); only while {@link #size} is positive. */
  long oldestArrivedNanos() {
    return held.get(0).arrivedNanos();
  }

  /** Forgets what is held (a task closing without a commit processes it again). */
  void clear() {
    held.clear();
  }

  /**
   * Predicts what is held in one call and releases each under its own record context; returns how
   * many.
   */
  int flush(EventScorer scorer, Release release) {
    if (held.isEmpty()) {
      return 0;
    }
    List<Held> batch = List.copyOf(held);
    held.clear();
    long started = System.nanoTime();
    List<EventScorer.Evaluated> evaluated =
        scorer.scoreAll(batch.stream().map(Held::ready).toList());
    long share = (System.nanoTime() - started) / batch.size();
    ProcessorRecordContext previousContext = internal.recordContext();
    ProcessorNode<?, ?, ?, ?> previousNode = internal.currentNode();
    try {
      internal.setCurrentNode(node);
      for (int i = 0; i < batch.size(); i++) {
        Held one = batch.get(i);
        internal.setRecordContext(one.recordContext());
        long begun = System.nanoTime();
        release.release(one, evaluated.get(i), begun - one.preparedNanos() - share);
      }
    } finally {
      internal.setRecordContext(previousContext);
      internal.setCurrentNode(previousNode);
    }
    return batch.size();
  }
}

package dev.scorestream.topology;

import dev.scorestream.deadletter.RecordSize;
import dev.scorestream.enrichment.Enricher;
import dev.scorestream.feedback.PredictionSnapshots;
import dev.scorestream.model.ModelScorer;
import dev.scorestream.serving.EventScorer;
import dev.scorestream.serving.Outcome;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Takes a snapshot of what the feedback join will need of a scored event, at event time, keyed by
 * its event id, and puts it where the event's labels will be joined. Labels are partitioned by the
 * murmur2 hash of their event id over the input topic's partitions, Kafka's default for a key. When
 * the event is on this task's partition (its producer keyed it by event id with Kafka's default
 * partitioner, and no entity repartition moved it) this processor stores the snapshot in the join's
 * store itself; otherwise it forwards it, to travel through the repartition topic to the task its
 * labels will reach. A label that came first finds it at the join's next check for waiting labels.
 */
final class SnapshotProcessor implements Processor<Bytes, Outcome.Scored, Bytes, byte[]> {

  private final PredictionSnapshots snapshots;
  private final Enricher enricher;
  private final OutputGuards guards;
  private final OutcomeListener listener;
  private final int partitions;
  private ProcessorContext<Bytes, byte[]> context;
  private SnapshotStore predictions;

  private SnapshotProcessor(
      PredictionSnapshots snapshots,
      Enricher enricher,
      OutputGuards guards,
      OutcomeListener listener,
      int partitions) {
    this.snapshots = snapshots;
    this.enricher = enricher;
    this.guards = guards;
    this.listener = listener;
    this.partitions = partitions;
  }

  /**
   * @param enricher the pipeline's enrichment, whose values each snapshot keeps; or null
   * @param partitions partitions of the join: the input topic's
   */
  static ProcessorSupplier<Bytes, Outcome.Scored, Bytes, byte[]> supplier(
      Supplier<PredictionSnapshots> snapshots,
      Enricher enricher,
      OutputGuards guards,
      OutcomeListener listener,
      int partitions) {
    return () -> new SnapshotProcessor(snapshots.get(), enricher, guards, listener, partitions);
  }

  private static PredictionSnapshots.Challenger challenger(EventScorer.Challenged challenged) {
    if (challenged == null) {
      return null;
    }
    return challenged.failed()
        ? new PredictionSnapshots.Challenger(challenged.version(), null, Map.of())
        : new PredictionSnapshots.Challenger(
            challenged.version(), challenged.result().label(), challenged.result().scores());
  }

  /**
   * The partition whose task joins the labels of the event id {@code key}: Kafka's default
   * partitioner's choice for that key among {@code partitions}.
   */
  static int home(byte[] key, int partitions) {
    return Utils.toPositive(Utils.murmur2(key)) % partitions;
  }

  @Override
  public void init(ProcessorContext<Bytes, byte[]> context) {
    this.context = context;
    this.predictions = SnapshotStore.of(context.getStateStore(ScoringTopology.FEEDBACK_STORE));
  }

  @Override
  public void process(Record<Bytes, Outcome.Scored> record) {
    Outcome.Scored scored = record.value();
    Map<String, Double> scores = scored.result().scores();
    Double value = scores.size() == 1 ? scores.get(ModelScorer.VALUE) : null;
    byte[] snapshot =
        snapshots.encode(
            new PredictionSnapshots.Answer(
                scored.modelVersion(),
                scored.result().label(),
                value,
                scores,
                scored.eventTime(),
                challenger(scored.challenger())),
            scored.input(),
            enricher == null ? null : enricher.context(scored.event()));
    byte[] key = scored.eventId().getBytes(StandardCharsets.UTF_8);
    // The snapshot may go through a repartition topic, and goes into a chunk of the join's
    // changelog, both created with the broker's default limit: one that would not fit alone is
    // left out (its label will find nothing), so it cannot stop the pipeline. The prediction itself
    // is written as usual.
    if (RecordSize.upperBound(key, snapshot, null)
                + SnapshotChunks.OVERHEAD_BYTES
                + SnapshotChunks.ENTRY_OVERHEAD_BYTES
            > guards.limits().maxInternalRecordBytes()
        || guards.refused().refusedAny(OutputFailureHandler.source(context))) {
      listener.outputSkipped("feedback_snapshot");
      return;
    }
    int home = home(key, partitions);
    // The task's partition, not the record's: after the entity repartition a record carries its
    // source coordinates, but it is the task that meets the labels of its partition.
    int here = context.taskId().partition();
    Bytes id = Bytes.wrap(key);
    if (home == here) {
      predictions.append(id, snapshot);
      return;
    }
    // No input headers: the internal topic needs none.
    context.forward(new Record<>(id, snapshot, scored.eventTime()));
  }
}

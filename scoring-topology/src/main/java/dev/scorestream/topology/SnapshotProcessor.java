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
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Re-keys a scored event by its event id, with a snapshot of what the feedback join will need, at
 * event time, and says where the snapshot belongs. Labels are partitioned by the murmur2 hash of
 * their event id over the input topic's partitions, Kafka's default for a key. When the event is on
 * this task's partition (its producer keyed it by event id with Kafka's default partitioner, and no
 * entity repartition moved it) the snapshot stays on this task, and this processor stores it itself
 * unless a label for it is already waiting (then the join gets it); otherwise it travels through
 * the repartition topic to the task its labels will reach.
 */
final class SnapshotProcessor
    implements Processor<Bytes, Outcome.Scored, Bytes, SnapshotProcessor.Placed> {

  /** A snapshot, and whether it belongs to this task. */
  record Placed(byte[] snapshot, boolean local) {}

  private final PredictionSnapshots snapshots;
  private final Enricher enricher;
  private final OutputGuards guards;
  private final OutcomeListener listener;
  private final int partitions;
  private ProcessorContext<Bytes, Placed> context;
  private SnapshotStore predictions;
  private KeyValueStore<Bytes, byte[]> waiting;

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
  static ProcessorSupplier<Bytes, Outcome.Scored, Bytes, Placed> supplier(
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
  public void init(ProcessorContext<Bytes, Placed> context) {
    this.context = context;
    this.predictions = SnapshotStore.of(context.getStateStore(ScoringTopology.FEEDBACK_STORE));
    this.waiting = context.getStateStore(ScoringTopology.LABEL_WAIT_STORE);
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
    if (home == here && FeedbackJoiner.appendUnlessAwaited(predictions, waiting, id, snapshot)) {
      return;
    }
    // No input headers: the store and the internal topic need none.
    context.forward(new Record<>(id, new Placed(snapshot, home == here), scored.eventTime()));
  }
}

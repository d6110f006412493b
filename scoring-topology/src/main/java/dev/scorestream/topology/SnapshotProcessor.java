package dev.scorestream.topology;

import dev.scorestream.deadletter.RecordSize;
import dev.scorestream.feedback.PredictionSnapshots;
import dev.scorestream.model.ModelScorer;
import dev.scorestream.serving.Outcome;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Re-keys a scored event by its event id, with a snapshot of what the feedback join will need, at
 * event time.
 */
final class SnapshotProcessor implements Processor<Bytes, Outcome.Scored, Bytes, byte[]> {

  /** What the window store's changelog adds to the key: timestamp and sequence number. */
  static final int WINDOW_KEY_BYTES = 12;

  private final PredictionSnapshots snapshots;
  private final OutputGuards guards;
  private final OutcomeListener listener;
  private ProcessorContext<Bytes, byte[]> context;

  private SnapshotProcessor(
      PredictionSnapshots snapshots, OutputGuards guards, OutcomeListener listener) {
    this.snapshots = snapshots;
    this.guards = guards;
    this.listener = listener;
  }

  static ProcessorSupplier<Bytes, Outcome.Scored, Bytes, byte[]> supplier(
      Schema reader, OutputGuards guards, OutcomeListener listener) {
    return () -> new SnapshotProcessor(new PredictionSnapshots(reader), guards, listener);
  }

  @Override
  public void init(ProcessorContext<Bytes, byte[]> context) {
    this.context = context;
  }

  @Override
  public void process(Record<Bytes, Outcome.Scored> record) {
    Outcome.Scored scored = record.value();
    Map<String, Double> scores = scored.result().scores();
    Double value = scores.size() == 1 ? scores.get(ModelScorer.VALUE) : null;
    byte[] snapshot =
        snapshots.encode(
            new PredictionSnapshots.Snapshot(
                scored.eventId(),
                scored.modelVersion(),
                scored.result().label(),
                value,
                scores,
                scored.eventTime(),
                scored.event()));
    byte[] key = scored.eventId().getBytes(StandardCharsets.UTF_8);
    // The snapshot goes through a repartition topic and the join's changelog, both created with the
    // broker's default limit: one that would not fit is left out (its label will find nothing), so
    // it cannot stop the pipeline. The prediction itself is written as usual.
    if (RecordSize.upperBound(key, snapshot, null) + WINDOW_KEY_BYTES
            > guards.limits().maxInternalRecordBytes()
        || guards.refused().refusedAny(OutputFailureHandler.source(context))) {
      listener.outputSkipped("feedback_snapshot");
      return;
    }
    // No input headers: the internal topic needs none.
    context.forward(new Record<>(Bytes.wrap(key), snapshot, scored.eventTime()));
  }
}

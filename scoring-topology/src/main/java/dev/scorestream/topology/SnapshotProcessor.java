package dev.scorestream.topology;

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

  private final PredictionSnapshots snapshots;
  private ProcessorContext<Bytes, byte[]> context;

  private SnapshotProcessor(PredictionSnapshots snapshots) {
    this.snapshots = snapshots;
  }

  static ProcessorSupplier<Bytes, Outcome.Scored, Bytes, byte[]> supplier(Schema reader) {
    return () -> new SnapshotProcessor(new PredictionSnapshots(reader));
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
    context.forward(
        new Record<>(
            Bytes.wrap(scored.eventId().getBytes(StandardCharsets.UTF_8)),
            snapshot,
            scored.eventTime(),
            record.headers()));
  }
}

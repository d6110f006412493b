package dev.scorestream.topology;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Keys a valid label by its event id and says whether it is already on the task that holds its
 * prediction: the task of partition {@link SnapshotProcessor#home}. A label produced by a Java
 * client keyed by its event id, on a labels topic with the input's partition count, always is, and
 * goes straight to the join; any other (another partitioner, another key, another partition count)
 * takes the {@code feedback-labels} repartition topic there.
 */
final class LabelPlacementProcessor
    implements Processor<Bytes, FeedbackInput, Bytes, LabelPlacementProcessor.Placed> {

  /** A label, and whether it belongs to this task. */
  record Placed(FeedbackInput.Label label, boolean local) {}

  private final int partitions;
  private ProcessorContext<Bytes, Placed> context;

  private LabelPlacementProcessor(int partitions) {
    this.partitions = partitions;
  }

  /**
   * @param partitions partitions of the join: the input topic's
   */
  static ProcessorSupplier<Bytes, FeedbackInput, Bytes, Placed> supplier(int partitions) {
    return () -> new LabelPlacementProcessor(partitions);
  }

  @Override
  public void init(ProcessorContext<Bytes, Placed> context) {
    this.context = context;
  }

  @Override
  public void process(Record<Bytes, FeedbackInput> record) {
    FeedbackInput.Label label = (FeedbackInput.Label) record.value();
    byte[] key = label.eventId().getBytes(StandardCharsets.UTF_8);
    boolean local = SnapshotProcessor.home(key, partitions) == context.taskId().partition();
    context.forward(record.withKey(Bytes.wrap(key)).withValue(new Placed(label, local)));
  }
}

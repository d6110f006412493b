package dev.scorestream.topology;

import dev.scorestream.codec.WireFormatEncoder;
import dev.scorestream.deadletter.RecordSize;
import dev.scorestream.feedback.FeedbackResult;
import dev.scorestream.feedback.PredictionSnapshots;
import dev.scorestream.feedback.TrainingExamples;
import java.util.function.Supplier;
import org.apache.avro.Schema;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/** A matched label as a {@code TrainingExample} (wire format, registered schema). */
final class TrainingExampleProcessor implements FixedKeyProcessor<Bytes, FeedbackResult, byte[]> {

  private final TrainingExamples examples;
  private final WireFormatEncoder encoder;
  private final String topic;
  private final OutputGuards guards;
  private final OutcomeListener listener;
  private FixedKeyProcessorContext<Bytes, byte[]> context;

  private TrainingExampleProcessor(
      TrainingExamples examples,
      WireFormatEncoder encoder,
      String topic,
      OutputGuards guards,
      OutcomeListener listener) {
    this.examples = examples;
    this.encoder = encoder;
    this.topic = topic;
    this.guards = guards;
    this.listener = listener;
  }

  static FixedKeyProcessorSupplier<Bytes, FeedbackResult, byte[]> supplier(
      Schema reader,
      Supplier<WireFormatEncoder> encoders,
      String topic,
      OutputGuards guards,
      OutcomeListener listener) {
    return () ->
        new TrainingExampleProcessor(
            new TrainingExamples(reader), encoders.get(), topic, guards, listener);
  }

  @Override
  public void init(FixedKeyProcessorContext<Bytes, byte[]> context) {
    this.context = context;
  }

  @Override
  public void process(FixedKeyRecord<Bytes, FeedbackResult> record) {
    FeedbackResult.Matched matched = (FeedbackResult.Matched) record.value();
    PredictionSnapshots.Snapshot prediction = matched.prediction();
    if (prediction.event() == null) {
      // Its stored bytes no longer decode (the writer schema left the registry, or the reader
      // schema changed incompatibly): the label still counts for live accuracy.
      listener.outputSkipped("training_example_undecodable");
      return;
    }
    byte[] example =
        encoder.encode(examples.create(prediction, matched.label(), matched.labelTime()));
    byte[] key = record.key() == null ? null : record.key().get();
    if (RecordSize.upperBound(key, example, record.headers())
            > guards.limits().maxRecordBytes(topic)
        || guards.refused().refused(OutputFailureHandler.source(context), topic)) {
      listener.outputSkipped("training_example");
      return;
    }
    context.forward(record.withValue(example));
  }
}

package dev.scorestream.topology;

import dev.scorestream.feedback.FeedbackResult;
import dev.scorestream.feedback.PredictionSnapshots;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Joins labels with stored predictions by event id. Predictions are kept in a changelogged window store
 * (RocksDB) for the configured retention, stamped with their event time. A joined prediction is replaced
 * by a small "labelled" marker, so a second label for the same event is counted as a duplicate and never
 * yields a second training example.
 */
final class FeedbackJoiner implements Processor<Bytes, FeedbackInput, Bytes, FeedbackResult> {

  /** First byte of a marker; snapshots start with the wire-format magic byte 0. */
  private static final byte LABELLED = 1;

  private final String storeName;
  private final PredictionSnapshots snapshots;
  private final OutcomeListener listener;
  private ProcessorContext<Bytes, FeedbackResult> context;
  private WindowStore<Bytes, byte[]> store;

  FeedbackJoiner(String storeName, PredictionSnapshots snapshots, OutcomeListener listener) {
    this.storeName = storeName;
    this.snapshots = snapshots;
    this.listener = listener;
  }

  @Override
  public void init(ProcessorContext<Bytes, FeedbackResult> context) {
    this.context = context;
    this.store = context.getStateStore(storeName);
  }

  @Override
  public void process(Record<Bytes, FeedbackInput> record) {
    if (record.value() instanceof FeedbackInput.Prediction prediction) {
      store.put(record.key(), prediction.snapshot(), record.timestamp());
      return;
    }
    FeedbackInput.Label label = (FeedbackInput.Label) record.value();
    KeyValue<Long, byte[]> stored = newest(record.key());
    FeedbackResult result;
    if (stored == null) {
      result = new FeedbackResult.Unmatched(label.eventId(), label.labelTime());
    } else if (stored.value.length > 0 && stored.value[0] == LABELLED) {
      result = new FeedbackResult.Duplicate(label.eventId(),
          new String(stored.value, 1, stored.value.length - 1, StandardCharsets.UTF_8), label.labelTime());
    } else {
      PredictionSnapshots.Snapshot snapshot = snapshots.decode(stored.value);
      String truth = label.label() != null ? label.label() : Double.toString(label.value());
      result = new FeedbackResult.Matched(snapshot, truth, label.value(), label.labelTime());
      store.put(record.key(), marker(snapshot.modelVersion()), stored.key);
    }
    listener.label(result);
    context.forward(new Record<>(record.key(), result, record.timestamp()));
  }

  private KeyValue<Long, byte[]> newest(Bytes key) {
    KeyValue<Long, byte[]> newest = null;
    try (WindowStoreIterator<byte[]> found = store.fetch(key, 0L, Long.MAX_VALUE)) {
      while (found.hasNext()) {
        newest = found.next();
      }
    }
    return newest;
  }

  private static byte[] marker(String modelVersion) {
    byte[] version = modelVersion.getBytes(StandardCharsets.UTF_8);
    byte[] marker = Arrays.copyOf(new byte[] {LABELLED}, version.length + 1);
    System.arraycopy(version, 0, marker, 1, version.length);
    return marker;
  }
}

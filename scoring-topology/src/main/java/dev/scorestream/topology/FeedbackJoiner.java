package dev.scorestream.topology;

import dev.scorestream.feedback.FeedbackResult;
import dev.scorestream.feedback.PredictionSnapshots;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Joins labels with stored predictions by event id. Predictions are kept in the {@link
 * SnapshotStore} (RocksDB, changelogged once per commit) for the configured retention. A joined
 * prediction is replaced by a small "labelled" marker, so a second label for the same event is
 * counted as a duplicate and never yields a second training example.
 *
 * <p>Labels and predictions that were on another partition reach this task through repartition
 * topics, and labels come from their own topic, so a label can overtake the prediction it judges. A
 * label that finds nothing waits in a changelogged buffer for {@code labelWait} (wall clock). Every
 * second (or every {@code labelWait}, if shorter) each waiting label looks again: once its
 * prediction is stored, they join; a label still alone after the wait counts as unmatched. The
 * predictions themselves never look for waiting labels: most are stored by the {@link
 * SnapshotProcessor} directly, and a store's count of entries cannot say whether a label is waiting
 * (Kafka Streams' transactional stores count only committed entries).
 */
final class FeedbackJoiner implements Processor<Bytes, FeedbackInput, Bytes, FeedbackResult> {

  /**
   * First byte of a marker; snapshots start with 0 (layout 1, the wire-format magic byte) or {@link
   * PredictionSnapshots#LAYOUT_2}.
   */
  private static final byte LABELLED = 1;

  private final String predictionStoreName;
  private final String labelStoreName;
  private final Duration labelWait;
  private final PredictionSnapshots snapshots;
  private final OutcomeListener listener;
  private ProcessorContext<Bytes, FeedbackResult> context;
  private SnapshotStore predictions;
  private KeyValueStore<Bytes, byte[]> waiting;

  FeedbackJoiner(
      String predictionStoreName,
      String labelStoreName,
      Duration labelWait,
      PredictionSnapshots snapshots,
      OutcomeListener listener) {
    this.predictionStoreName = predictionStoreName;
    this.labelStoreName = labelStoreName;
    this.labelWait = labelWait;
    this.snapshots = snapshots;
    this.listener = listener;
  }

  @Override
  public void init(ProcessorContext<Bytes, FeedbackResult> context) {
    this.context = context;
    this.predictions = SnapshotStore.of(context.getStateStore(predictionStoreName));
    this.waiting = context.getStateStore(labelStoreName);
    Duration every =
        labelWait.compareTo(Duration.ofSeconds(1)) < 0 ? labelWait : Duration.ofSeconds(1);
    context.schedule(
        every.isZero() ? Duration.ofMillis(1) : every,
        PunctuationType.WALL_CLOCK_TIME,
        this::checkWaitingLabels);
  }

  @Override
  public void process(Record<Bytes, FeedbackInput> record) {
    if (record.value() instanceof FeedbackInput.Prediction prediction) {
      predictions.append(record.key(), prediction.snapshot());
      return;
    }
    FeedbackInput.Label label = (FeedbackInput.Label) record.value();
    byte[] stored = predictions.get(record.key());
    if (stored == null) {
      if (waiting.get(record.key()) != null) {
        emit(record.key(), new FeedbackResult.Duplicate(label.eventId(), "", label.labelTime()));
      } else {
        waiting.put(record.key(), Waiting.encode(label, context.currentSystemTimeMs()));
      }
    } else {
      judge(record.key(), stored, label);
    }
  }

  /** A label whose event has something stored: its prediction (a join) or a marker (a repeat). */
  private void judge(Bytes key, byte[] stored, FeedbackInput.Label label) {
    if (stored.length > 0 && stored[0] == LABELLED) {
      emit(
          key,
          new FeedbackResult.Duplicate(
              label.eventId(),
              new String(stored, 1, stored.length - 1, StandardCharsets.UTF_8),
              label.labelTime()));
    } else {
      join(key, stored, label);
    }
  }

  private void join(Bytes key, byte[] snapshotBytes, FeedbackInput.Label label) {
    PredictionSnapshots.Snapshot snapshot = snapshots.decode(label.eventId(), snapshotBytes);
    String truth = label.label() != null ? label.label() : Double.toString(label.value());
    predictions.append(key, marker(snapshot.modelVersion()));
    emit(key, new FeedbackResult.Matched(snapshot, truth, label.value(), label.labelTime()));
  }

  private void emit(Bytes key, FeedbackResult result) {
    listener.label(result);
    context.forward(new Record<>(key, result, result.labelTime()));
  }

  /**
   * Joins each waiting label whose prediction has been stored since; counts as unmatched those that
   * waited {@code labelWait} for nothing.
   */
  private void checkWaitingLabels(long now) {
    List<KeyValue<Bytes, Waiting>> waited = new ArrayList<>();
    try (KeyValueIterator<Bytes, byte[]> all = waiting.all()) {
      while (all.hasNext()) {
        KeyValue<Bytes, byte[]> entry = all.next();
        waited.add(KeyValue.pair(entry.key, Waiting.decode(entry.value)));
      }
    }
    for (KeyValue<Bytes, Waiting> entry : waited) {
      FeedbackInput.Label label = entry.value.label();
      byte[] stored = predictions.get(entry.key);
      if (stored != null) {
        waiting.delete(entry.key);
        judge(entry.key, stored, label);
      } else if (now - entry.value.since() >= labelWait.toMillis()) {
        waiting.delete(entry.key);
        emit(entry.key, new FeedbackResult.Unmatched(label.eventId(), label.labelTime()));
      }
    }
  }

  private static byte[] marker(String modelVersion) {
    byte[] version = modelVersion.getBytes(StandardCharsets.UTF_8);
    byte[] marker = Arrays.copyOf(new byte[] {LABELLED}, version.length + 1);
    System.arraycopy(version, 0, marker, 1, version.length);
    return marker;
  }

  /** A label waiting for its prediction, since a wall-clock time. */
  record Waiting(FeedbackInput.Label label, long since) {

    /** Bytes of the encoded label besides its event id and text. */
    static final int FIXED_BYTES = 8 + 8 + 1 + 8 + 4 + 4;

    static byte[] encode(FeedbackInput.Label label, long since) {
      byte[] id = label.eventId().getBytes(StandardCharsets.UTF_8);
      byte[] text =
          label.label() == null ? new byte[0] : label.label().getBytes(StandardCharsets.UTF_8);
      return ByteBuffer.allocate(FIXED_BYTES + id.length + text.length)
          .putLong(since)
          .putLong(label.labelTime())
          .put((byte) (label.value() == null ? 0 : 1))
          .putDouble(label.value() == null ? 0 : label.value())
          .putInt(id.length)
          .put(id)
          .putInt(label.label() == null ? -1 : text.length)
          .put(text)
          .array();
    }

    static Waiting decode(byte[] bytes) {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      long since = buffer.getLong();
      long labelTime = buffer.getLong();
      boolean hasValue = buffer.get() == 1;
      double value = buffer.getDouble();
      byte[] id = new byte[buffer.getInt()];
      buffer.get(id);
      int textLength = buffer.getInt();
      String text = null;
      if (textLength >= 0) {
        byte[] bytesOfText = new byte[textLength];
        buffer.get(bytesOfText);
        text = new String(bytesOfText, StandardCharsets.UTF_8);
      }
      return new Waiting(
          new FeedbackInput.Label(
              new String(id, StandardCharsets.UTF_8), text, hasValue ? value : null, labelTime),
          since);
    }
  }
}

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
 * label that finds nothing waits in a changelogged buffer for {@code labelWait} (wall clock): the
 * prediction, when it arrives, joins it; a label still alone after the wait counts as unmatched.
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
        this::expireWaitingLabels);
  }

  @Override
  public void process(Record<Bytes, FeedbackInput> record) {
    if (record.value() instanceof FeedbackInput.Prediction prediction) {
      store(record.key(), prediction.snapshot());
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
    } else if (stored.length > 0 && stored[0] == LABELLED) {
      emit(
          record.key(),
          new FeedbackResult.Duplicate(
              label.eventId(),
              new String(stored, 1, stored.length - 1, StandardCharsets.UTF_8),
              label.labelTime()));
    } else {
      join(record.key(), stored, label);
    }
  }

  /** Stores a prediction, or joins it at once with a label that arrived first. */
  private void store(Bytes key, byte[] snapshot) {
    if (appendUnlessAwaited(predictions, waiting, key, snapshot)) {
      return;
    }
    byte[] early = waiting.delete(key);
    join(key, snapshot, Waiting.decode(early).label());
  }

  /**
   * Appends a prediction's snapshot unless a label for it is waiting, in which case nothing is
   * stored and the prediction must go to the join.
   *
   * @return whether the snapshot was stored
   */
  static boolean appendUnlessAwaited(
      SnapshotStore predictions, KeyValueStore<Bytes, byte[]> waiting, Bytes key, byte[] snapshot) {
    // Labels rarely overtake their predictions: most of the time none waits, and no lookup is due.
    if (waiting.approximateNumEntries() != 0 && waiting.get(key) != null) {
      return false;
    }
    predictions.append(key, snapshot);
    return true;
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

  private void expireWaitingLabels(long now) {
    List<KeyValue<Bytes, Waiting>> expired = new ArrayList<>();
    try (KeyValueIterator<Bytes, byte[]> all = waiting.all()) {
      while (all.hasNext()) {
        KeyValue<Bytes, byte[]> entry = all.next();
        Waiting label = Waiting.decode(entry.value);
        if (now - label.since() >= labelWait.toMillis()) {
          expired.add(KeyValue.pair(entry.key, label));
        }
      }
    }
    for (KeyValue<Bytes, Waiting> entry : expired) {
      waiting.delete(entry.key);
      emit(
          entry.key,
          new FeedbackResult.Unmatched(
              entry.value.label().eventId(), entry.value.label().labelTime()));
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

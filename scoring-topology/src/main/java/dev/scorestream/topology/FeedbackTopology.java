package dev.scorestream.topology;

import dev.scorestream.codec.DecodeResult;
import dev.scorestream.codec.WireFormatDecoder;
import dev.scorestream.codec.WireFormatEncoder;
import dev.scorestream.feedback.FeedbackResult;
import dev.scorestream.feedback.PerformancePartial;
import dev.scorestream.feedback.PerformanceReports;
import dev.scorestream.feedback.PredictionSnapshots;
import dev.scorestream.model.Evaluation;
import dev.scorestream.model.ModelScorer;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.serving.EventScorer;
import dev.scorestream.serving.Outcome;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * The feedback part of the scoring topology: labels joined with what the stream answered, live
 * performance and training examples. It runs on the input's tasks.
 *
 * <pre>
 *   scored -> prediction snapshots, keyed by event id
 *               local     -> stored in the join's store here
 *               elsewhere -> [feedback-predictions, input's partitions] ----+
 *   events.labels -> decode, check -> invalid -> events.dlq                 |
 *                                  -> valid, by event id                    |
 *                                       local     --------------------------+--> join (store)
 *                                       elsewhere -> [feedback-labels] -----+
 *   join -> matched -> events.training (TrainingExample)
 *        -> all     -> performance partials -> [1 partition] -> merge -> events.performance
 * </pre>
 */
final class FeedbackTopology {

  private final StreamsBuilder builder;
  private final ScoringTopology.FeedbackSettings feedback;
  private final ScoringTopology.Settings settings;
  private final ScoringTopology.Collaborators with;
  private final SchemaChangeTopology schemaChanges;

  /**
   * @param schemaChanges watches the labels' writer schemas too, or null
   */
  FeedbackTopology(
      StreamsBuilder builder,
      ScoringTopology.FeedbackSettings feedback,
      ScoringTopology.Settings settings,
      ScoringTopology.Collaborators with,
      SchemaChangeTopology schemaChanges) {
    this.builder = builder;
    this.feedback = feedback;
    this.settings = settings;
    this.with = with;
    this.schemaChanges = schemaChanges;
  }

  void add(KStream<Bytes, Outcome.Scored> scored) {
    // Before the processors that use them: the snapshot processor appends to them too.
    addStores();
    Supplier<PredictionSnapshots> snapshots =
        () -> snapshots(with.codecs().decoders().get(), with.scorer());
    KStream<Bytes, FeedbackResult> joined =
        join(predictions(scored, snapshots), validLabels(), snapshots);
    trainingExamples(joined);
    performance(joined);
  }

  /**
   * Snapshots of the answers. One whose event sits on the partition its labels will reach is stored
   * by the snapshot processor itself (all of them when the input is keyed by event id); the rest
   * travel there through a repartition topic, and come out here to be stored by the join.
   */
  private KStream<Bytes, FeedbackInput> predictions(
      KStream<Bytes, Outcome.Scored> scored, Supplier<PredictionSnapshots> snapshots) {
    KStream<Bytes, byte[]> elsewhere =
        scored.process(
            SnapshotProcessor.supplier(
                snapshots,
                with.scorer().enricher(),
                settings.guards(),
                with.listener(),
                feedback.partitions()),
            Named.as("prediction-snapshots"),
            ScoringTopology.FEEDBACK_STORE);
    return toTheJoin(elsewhere, "feedback-predictions")
        .mapValues(
            snapshot -> (FeedbackInput) new FeedbackInput.Prediction(snapshot),
            Named.as("feedback-prediction"));
  }

  /** Labels decoded and checked: the invalid ones become dead letters, the valid ones go on. */
  private KStream<Bytes, FeedbackInput> validLabels() {
    KStream<Bytes, byte[]> raw =
        builder.stream(feedback.labelsTopic(), Consumed.with(Serdes.Bytes(), Serdes.ByteArray()));
    if (schemaChanges != null) {
      schemaChanges.watchLabels(raw, feedback.labelsTopic());
    }
    KStream<Bytes, FeedbackInput> labels =
        raw.processValues(
            () ->
                new LabelDecodingProcessor(
                    feedback.labelDecoders().get(),
                    () -> with.scorer().model().current().version(),
                    settings.guards().limits()),
            Named.as("label-decode"));
    Map<String, KStream<Bytes, FeedbackInput>> checked =
        labels
            .split(Named.as("label-"))
            .branch((key, input) -> input instanceof FeedbackInput.Invalid, Branched.as("invalid"))
            .defaultBranch(Branched.as("valid"));
    checked
        .get("label-invalid")
        .mapValues(
            input -> (Outcome) ((FeedbackInput.Invalid) input).rejected(),
            Named.as("label-rejected"))
        .process(
            () -> new DeadLetterProcessor(settings, with.clock(), with.listener()),
            Named.as("label-dead-letter"))
        .to(settings.deadLetters().name(), settings.deadLetters().produced());
    return labelsByEventId(checked.get("label-valid"));
  }

  /**
   * Valid labels, keyed by their event id, on the task that holds their prediction. A label already
   * there (keyed by its event id with Kafka's default partitioner, on a labels topic with the
   * input's partition count) goes straight to the join; any other is repartitioned like the
   * prediction snapshots, so each meets its prediction whatever partitioner (or key) its producer
   * used: a label written by a client whose default partitioner is not Kafka's murmur2
   * (librdkafka's, say) would otherwise wait on a task that never sees its prediction.
   */
  private KStream<Bytes, FeedbackInput> labelsByEventId(KStream<Bytes, FeedbackInput> labels) {
    Map<String, KStream<Bytes, LabelPlacementProcessor.Placed>> placed =
        labels
            .process(
                LabelPlacementProcessor.supplier(feedback.partitions()),
                Named.as("label-placement"))
            .split(Named.as("label-placed-"))
            .branch((key, label) -> label.local(), Branched.as("local"))
            .defaultBranch(Branched.as("elsewhere"));
    KStream<Bytes, byte[]> elsewhere =
        placed
            .get("label-placed-elsewhere")
            .mapValues(label -> LabelCodec.encode(label.label()), Named.as("label-by-event-id"));
    KStream<Bytes, FeedbackInput> travelled =
        toTheJoin(elsewhere, "feedback-labels")
            .mapValues(
                bytes -> (FeedbackInput) LabelCodec.decode(bytes), Named.as("feedback-label"));
    return placed
        .get("label-placed-local")
        .mapValues(label -> (FeedbackInput) label.label(), Named.as("feedback-label-local"))
        .merge(travelled, Named.as("feedback-labels-all"));
  }

  /** Records sent through the repartition topic {@code name} to the join's partitions. */
  private KStream<Bytes, byte[]> toTheJoin(KStream<Bytes, byte[]> records, String name) {
    return records.repartition(
        Repartitioned.with(Serdes.Bytes(), Serdes.ByteArray())
            .withName(name)
            .withNumberOfPartitions(feedback.partitions()));
  }

  private void addStores() {
    builder.addStateStore(
        SnapshotStore.builder(
            ScoringTopology.FEEDBACK_STORE,
            feedback.retention(),
            () -> settings.guards().limits().maxInternalRecordBytes(),
            with.clock()::millis));
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore(ScoringTopology.LABEL_WAIT_STORE),
            Serdes.Bytes(),
            Serdes.ByteArray()));
  }

  private KStream<Bytes, FeedbackResult> join(
      KStream<Bytes, FeedbackInput> predictions,
      KStream<Bytes, FeedbackInput> labels,
      Supplier<PredictionSnapshots> snapshots) {
    return predictions
        .merge(labels, Named.as("feedback-inputs"))
        .process(
            () ->
                new FeedbackJoiner(
                    ScoringTopology.FEEDBACK_STORE,
                    ScoringTopology.LABEL_WAIT_STORE,
                    feedback.labelWait(),
                    snapshots.get(),
                    with.listener()),
            Named.as("feedback-join"),
            ScoringTopology.FEEDBACK_STORE,
            ScoringTopology.LABEL_WAIT_STORE);
  }

  private void trainingExamples(KStream<Bytes, FeedbackResult> joined) {
    joined
        .filter(
            (key, result) -> result instanceof FeedbackResult.Matched, Named.as("feedback-matched"))
        .processValues(
            TrainingExampleProcessor.supplier(
                with.scorer().extractor().schema(),
                feedback.trainingEncoders(),
                feedback.trainingTopic(),
                settings.guards(),
                with.listener()),
            Named.as("training-example"))
        .to(feedback.trainingTopic(), Produced.with(Serdes.Bytes(), Serdes.ByteArray()));
  }

  private void performance(KStream<Bytes, FeedbackResult> joined) {
    Supplier<PartialMerger.Reporter<PerformancePartial>> reporters =
        () -> {
          PerformanceReports reports = new PerformanceReports(Contracts.performanceReport());
          WireFormatEncoder encoder = feedback.performanceEncoders().get();
          return (start, end, version, merged, late) -> {
            Double baseline =
                with.scorer()
                    .model()
                    .byVersion(version)
                    .map(ModelScorer::artifact)
                    .map(a -> a.metadata().evaluation())
                    .map(Evaluation::accuracy)
                    .orElse(null);
            PerformanceReports.Report report =
                reports.build(start, end, version, merged, baseline, late);
            with.listener().performance(report.summary());
            return KeyValue.pair(WindowedReports.windowKey(start), encoder.encode(report.record()));
          };
        };
    new WindowedReports<>(
            new PerformanceWindows(feedback.window(), feedback.grace()),
            ScoringTopology.PERFORMANCE_PARTIALS_STORE,
            ScoringTopology.PERFORMANCE_WINDOWS_STORE,
            new WindowedReports.Timing(
                feedback.flushInterval(), Duration.ZERO, feedback.idleTimeout()))
        .add(builder, joined, reporters)
        .to(feedback.performanceTopic(), Produced.with(Serdes.Bytes(), Serdes.ByteArray()));
  }

  /**
   * Snapshots for one task: the answer plus the input bytes, which a join decodes with that task's
   * decoder and sanitizes as the stream does. An input that no longer decodes joins without its
   * event (its training example is skipped and counted).
   */
  private static PredictionSnapshots snapshots(WireFormatDecoder decoder, EventScorer scorer) {
    return new PredictionSnapshots(
        decoder.readerSchema(),
        input -> {
          if (decoder.decode(input) instanceof DecodeResult.Decoded decoded) {
            scorer.validator().sanitizeAndValidate(decoded.record());
            return decoded.record();
          }
          return null;
        },
        scorer.enricher());
  }
}

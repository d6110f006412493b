package dev.scorestream.topology;

import dev.scorestream.codec.DecodeResult;
import dev.scorestream.codec.WireFormat;
import dev.scorestream.codec.WireFormatDecoder;
import dev.scorestream.deadletter.RecordSize;
import dev.scorestream.enrichment.Enricher;
import dev.scorestream.model.ModelScorer;
import dev.scorestream.schemas.Reason;
import dev.scorestream.serving.EventScorer;
import dev.scorestream.serving.Outcome;
import dev.scorestream.serving.PredictionBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns each input record (bytes) into an {@link Outcome}. One instance per stream task, so the
 * decoder and prediction writer it reuses are never shared between threads.
 *
 * <p>A registry outage blocks the task with backoff (the record is not the problem) up to {@code
 * outageMaxBlock}; after that it throws {@link RegistryWait.RegistryOutageException} so the stream
 * thread is replaced and resumes from the last commit.
 *
 * <p><b>Micro-batches.</b> For a model that {@linkplain ScoringTopology.Batching#batches batches},
 * a valid record is prepared (decoded, sanitized, checked, its example built) and held; the held
 * records are predicted in one call and forwarded in their input order when the batch is full, when
 * the oldest has waited {@code maxWait}, and before every commit (the hook of the {@link
 * ScoringTopology#SCORE_BATCH_STORE} store, which Kafka Streams flushes before it flushes the
 * producer and commits). Each held record is forwarded under its own record context (source topic,
 * partition, offset, headers, raw bytes), as Kafka Streams' own caches forward at a flush, so dead
 * letters, the production exception handler and everything downstream see the record they would
 * have seen unbatched. Records that are not valid never wait.
 */
final class ScoringProcessor implements FixedKeyProcessor<Bytes, byte[], Outcome> {

  private static final Logger LOG = LoggerFactory.getLogger(ScoringProcessor.class);

  private final WireFormatDecoder decoder;
  private final EventScorer scorer;
  private final PredictionBuilder predictions;
  private final PredictionBuilder.Writer writer;
  private final Clock clock;
  private final RegistryWait registryWait;
  private final OutcomeListener listener;
  private final String predictionsTopic;
  private final OutputGuards guards;
  private final ScoringTopology.Batching batching;
  private FixedKeyProcessorContext<Bytes, Outcome> context;
  private Enricher.Lookup references = (reference, key) -> null;

  /** The entity's upkeep in this task, when there are entity features; null otherwise. */
  private final EntityUpkeep entities;

  /** Records waiting for their batch; null when no model could be batched. */
  private HeldRecords held;

  /** One per task: its own decoder and prediction encoder from {@code with}'s codecs. */
  ScoringProcessor(ScoringTopology.Settings settings, ScoringTopology.Collaborators with) {
    this.decoder = with.codecs().decoders().get();
    this.scorer = with.scorer();
    this.predictions = with.predictions();
    this.writer = predictions.writer(with.codecs().predictionEncoders().get());
    this.clock = with.clock();
    this.registryWait = new RegistryWait(with.health(), clock, settings.outageMaxBlock());
    this.listener = with.listener();
    this.predictionsTopic = settings.predictions().name();
    this.guards = settings.guards();
    this.batching = settings.batching();
    this.entities =
        scorer.enricher() == null
            ? null
            : scorer
                .enricher()
                .spec()
                .entity()
                .map(e -> new EntityUpkeep(e, listener))
                .orElse(null);
  }

  @Override
  public void init(FixedKeyProcessorContext<Bytes, Outcome> context) {
    this.context = context;
    if (scorer.enricher() != null) {
      this.references = ContextStores.lookup(context::getStateStore);
    }
    if (entities != null) {
      entities.scheduleCleanUp(context);
    }
    if (!batching.possible()) {
      return;
    }
    this.held = new HeldRecords(context);
    CommitHookStore.of(context.getStateStore(ScoringTopology.SCORE_BATCH_STORE))
        .beforeCommit(() -> flush(OutcomeListener.BatchTrigger.COMMIT));
    Duration check = batching.maxWait().dividedBy(4);
    context.schedule(
        check.toMillis() < 1 ? Duration.ofMillis(1) : check,
        PunctuationType.WALL_CLOCK_TIME,
        now -> {
          if (held.size() > 0
              && System.nanoTime() - held.oldestArrivedNanos() >= batching.maxWait().toNanos()) {
            flush(OutcomeListener.BatchTrigger.WAIT);
          }
        });
  }

  @Override
  public void process(FixedKeyRecord<Bytes, byte[]> record) {
    long started = System.nanoTime();
    byte[] value = record.value();
    DecodeResult decoded = waitingOutOutage(() -> decoder.decode(value));
    if (decoded instanceof DecodeResult.Failed failed) {
      emit(
          record,
          new Outcome.Rejected(
              reasonFor(failed),
              List.of(),
              failed.message(),
              failed.cause(),
              failed.schemaId(),
              scorer.model().current().version(),
              value),
          started);
      return;
    }
    GenericRecord event = ((DecodeResult.Decoded) decoded).record();
    if (entities != null) {
      entities.checkKey(record, event);
    }
    // Reference rows decode through the registry too: a writer schema not yet cached waits out an
    // outage like the event's own.
    EventScorer.Prepared prepared =
        waitingOutOutage(
            () -> scorer.prepare(event, scorer.model().current(), references, record.timestamp()));
    if (prepared instanceof EventScorer.Invalid invalid) {
      emit(record, rejected(record, invalid, decoded.schemaId()), started);
      return;
    }
    EventScorer.Ready ready = (EventScorer.Ready) prepared;
    if (batching.batches(ready.scorer())) {
      long now = System.nanoTime();
      held.hold(record, ready, decoded.schemaId(), now - started, now);
      if (held.size() >= batching.maxRecords()) {
        flush(OutcomeListener.BatchTrigger.FULL);
      }
      return;
    }
    // After a swap to a model that is not batched, what its predecessor held goes first.
    flush(OutcomeListener.BatchTrigger.MODEL);
    EventScorer.Evaluated evaluated = scorer.scoreAll(List.of(ready)).get(0);
    emit(record, outcome(record, evaluated, ready.record(), decoded.schemaId()), started);
  }

  @Override
  public void close() {
    if (held != null && held.size() > 0) {
      // Kafka Streams commits before it closes a task cleanly, so only a task closed without a
      // commit gets here, and its records are processed again from the last commit.
      LOG.info(
          "{} records held for a batch were not scored when the task closed; they are processed"
              + " again from the last commit",
          held.size());
      held.clear();
    }
  }

  /** Predicts what is held in one call and forwards each under its own record context. */
  private void flush(OutcomeListener.BatchTrigger trigger) {
    if (held == null) {
      return;
    }
    int flushed =
        held.flush(
            scorer,
            (one, evaluated, ownStart) ->
                emit(
                    one.record(),
                    outcome(one.record(), evaluated, one.ready().record(), one.schemaId()),
                    ownStart));
    if (flushed > 0) {
      listener.batch(flushed, trigger);
    }
  }

  /** Reports and forwards; {@code started} is when the record's own work began (nanoTime). */
  private void emit(FixedKeyRecord<Bytes, byte[]> record, Outcome outcome, long started) {
    if (outcome instanceof Outcome.Scored scored) {
      outcome = fitPrediction(record, scored);
    }
    if (outcome instanceof Outcome.Rejected rejected) {
      listener.rejected(rejected.reason());
    } else {
      listener.scored(
          System.nanoTime() - started, Math.max(0, clock.millis() - record.timestamp()));
    }
    context.forward(record.withValue(outcome));
  }

  private static Outcome.Rejected rejected(
      FixedKeyRecord<Bytes, byte[]> record, EventScorer.Invalid invalid, int schemaId) {
    return new Outcome.Rejected(
        invalid.reason(),
        invalid.rules(),
        invalid.message(),
        invalid.cause(),
        schemaId,
        invalid.scorer().version(),
        record.value());
  }

  private Outcome outcome(
      FixedKeyRecord<Bytes, byte[]> record,
      EventScorer.Evaluated evaluated,
      GenericRecord event,
      int schemaId) {
    if (evaluated instanceof EventScorer.Invalid invalid) {
      return rejected(record, invalid, schemaId);
    }
    EventScorer.Valid valid = (EventScorer.Valid) evaluated;
    ModelScorer model = valid.scorer();
    byte[] key = record.key() == null ? null : record.key().get();
    PredictionBuilder.Answer answer =
        predictions.answer(event, key, valid, clock.millis(), record.timestamp());
    return new Outcome.Scored(
        writer.encode(answer),
        model,
        event,
        valid.result(),
        answer.eventId(),
        // Windows and the label join run on it as a record timestamp, which Kafka refuses before
        // 1970: an event time from before then (a schema without rules on it) counts as unknown.
        answer.eventTime() == null || answer.eventTime() < 0
            ? record.timestamp()
            : answer.eventTime(),
        record.value(),
        valid.challenger());
  }

  /**
   * A prediction copies the input's key and (by policy) its headers, and carries its event id: a
   * huge one would be refused by the predictions topic, and under exactly-once refused again on
   * every retry. It first leaves the input headers behind; if even that does not fit (or the topic
   * refused it before), the event becomes an {@code OUTPUT_TOO_LARGE} dead letter instead.
   */
  private Outcome fitPrediction(FixedKeyRecord<Bytes, byte[]> record, Outcome.Scored scored) {
    Headers headers = record.headers();
    byte[] key = record.key() == null ? null : record.key().get();
    long bare = RecordSize.upperBound(key, scored.prediction(), null);
    long limit = guards.limits().maxRecordBytes(predictionsTopic);
    boolean refusedBefore =
        guards.refused().refused(OutputFailureHandler.source(context), predictionsTopic);
    long headerBytes = guards.predictionHeaders().keptBytes(headers);
    if (!refusedBefore && bare + headerBytes <= limit) {
      guards.predictionHeaders().apply(headers);
      return scored;
    }
    long marker = RecordSize.HEADER_OVERHEAD + PredictionHeaders.HEADERS_OMITTED.length() + 10;
    if (!refusedBefore && bare + marker <= limit) {
      int omitted = headers.toArray().length;
      for (Header header : headers.toArray()) {
        headers.remove(header.key());
      }
      headers.add(
          PredictionHeaders.HEADERS_OMITTED,
          Integer.toString(omitted).getBytes(StandardCharsets.UTF_8));
      return scored;
    }
    return new Outcome.Rejected(
        Reason.OUTPUT_TOO_LARGE,
        List.of(),
        refusedBefore
            ? "topic " + predictionsTopic + " refused this event's prediction for its size"
            : "the prediction takes "
                + bare
                + " bytes, more than the "
                + limit
                + " that topic "
                + predictionsTopic
                + " accepts (its key and event id are copied into it)",
        null,
        WireFormat.schemaId(record.value()), // it decoded, so it has the wire-format header
        scored.modelVersion(),
        record.value());
  }

  private <T> T waitingOutOutage(java.util.function.Supplier<T> call) {
    return registryWait.call(
        call,
        () ->
            context.recordMetadata().map(m -> m.topic()).orElse("?")
                + "-"
                + context.recordMetadata().map(m -> m.partition()).orElse(-1)
                + "@"
                + context.recordMetadata().map(m -> m.offset()).orElse(-1L));
  }

  static Reason reasonFor(DecodeResult.Failed failed) {
    return switch (failed.failure()) {
      case NOT_WIRE_FORMAT -> Reason.NOT_WIRE_FORMAT;
      case UNKNOWN_SCHEMA_ID -> Reason.UNKNOWN_SCHEMA_ID;
      case UNDECODABLE -> Reason.UNDECODABLE;
      case INCOMPATIBLE_SCHEMA -> Reason.INCOMPATIBLE_SCHEMA;
    };
  }
}

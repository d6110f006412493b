package dev.scorestream.topology;

import dev.scorestream.deadletter.DeadLetter;
import dev.scorestream.deadletter.DeadLetterFit;
import dev.scorestream.deadletter.DeadLetterHeaders;
import dev.scorestream.deadletter.RecordSize;
import dev.scorestream.schemas.Reason;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.api.ProcessingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The production exception handler: the backstop behind the topology's own size checks, for a topic
 * whose limit changed after start-up, say.
 *
 * <p>A failure that belongs to one record (too large for its topic or the request, a record the
 * topic refuses) is handled per record: the input it came from is remembered in {@link
 * OversizedOutputs}, the limits are refreshed, and processing resumes. Under exactly-once the
 * refused write leaves the transaction aborted, so the task processes the input again and this time
 * writes it degraded; under at-least-once the handler's minimal dead letter (everything omitted,
 * source coordinates kept) keeps the input accounted for. Infrastructure failures are never
 * dead-lettered: retriable ones are retried, the rest fail the thread.
 */
public final class OutputFailureHandler implements ProductionExceptionHandler {

  /** Config key under which the app passes the shared {@link OutputGuards}. */
  public static final String GUARDS = "scorestream.output.guards";

  /** Config key of the dead-letter topic, for the minimal dead letter. */
  public static final String DEAD_LETTER_TOPIC = "scorestream.dead.letter.topic";

  /** Config key of the predictions topic. */
  public static final String PREDICTIONS_TOPIC = "scorestream.predictions.topic";

  /** Config key of the app version written into that dead letter. */
  public static final String APP_VERSION = "scorestream.app.version";

  private static final Logger LOG = LoggerFactory.getLogger(OutputFailureHandler.class);

  private OutputGuards guards = OutputGuards.unlimited();
  private String deadLetterTopic;
  private String predictionsTopic;
  private String appVersion = "";
  private boolean exactlyOnce = true;

  @Override
  public void configure(Map<String, ?> configs) {
    if (configs.get(GUARDS) instanceof OutputGuards shared) {
      guards = shared;
    }
    deadLetterTopic = (String) configs.get(DEAD_LETTER_TOPIC);
    predictionsTopic = (String) configs.get(PREDICTIONS_TOPIC);
    exactlyOnce =
        !StreamsConfig.AT_LEAST_ONCE.equals(configs.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
    appVersion = configs.get(APP_VERSION) == null ? "" : configs.get(APP_VERSION).toString();
  }

  @Override
  public Response handleError(
      ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
    if (!belongsToTheRecord(exception)) {
      return exception instanceof RetriableException ? Response.retry() : Response.fail();
    }
    guards.limits().refreshSoon();
    long size = RecordSize.upperBound(record.key(), record.value(), record.headers());
    if (context.topic() == null) {
      LOG.error(
          "topic {} refused a record of about {} bytes written outside of any input record: {}",
          record.topic(),
          size,
          exception.toString());
      return Response.fail();
    }
    OversizedOutputs.Source source =
        new OversizedOutputs.Source(context.topic(), context.partition(), context.offset());
    guards.refused().remember(source, record.topic());
    LOG.warn(
        "topic {} refused a record of about {} bytes written for {}-{}@{} ({}); the input is"
            + " processed again and its output written degraded",
        record.topic(),
        size,
        source.topic(),
        source.partition(),
        source.offset(),
        exception.getClass().getSimpleName());
    // Under exactly-once the transaction aborts and the retry writes the degraded output: nothing
    // more to send (the producer refuses sends until the abort anyway). Under at-least-once the
    // refused prediction or dead letter is gone, so a minimal dead letter stands in for it; a
    // refused
    // internal record (snapshot, changelog) has its prediction already and needs none.
    boolean standsInForTheInput =
        record.topic().equals(predictionsTopic) || record.topic().equals(deadLetterTopic);
    return !exactlyOnce && standsInForTheInput && deadLetterTopic != null
        ? Response.resume(List.of(minimalDeadLetter(context, record, exception)))
        : Response.resume();
  }

  /** Whether the failure is this record's own, not the cluster's. */
  public static boolean belongsToTheRecord(Throwable exception) {
    return exception instanceof RecordTooLargeException
        || exception instanceof RecordBatchTooLargeException
        || exception instanceof InvalidRecordException;
  }

  private ProducerRecord<byte[], byte[]> minimalDeadLetter(
      ErrorHandlerContext context, ProducerRecord<byte[], byte[]> refused, Exception exception) {
    RecordHeaders headers = new RecordHeaders();
    DeadLetterHeaders.write(
        headers,
        new DeadLetter(
            Reason.OUTPUT_TOO_LARGE,
            List.of(),
            "topic " + refused.topic() + " refused its output: " + exception.getMessage(),
            null,
            context.topic(),
            context.partition(),
            context.offset(),
            -1,
            appVersion,
            "",
            Clock.systemUTC().instant()));
    byte[] key = context.sourceRawKey();
    byte[] value = context.sourceRawValue();
    DeadLetterFit.Fitted fitted =
        DeadLetterFit.fit(key, value == null ? new byte[0] : value, headers, 0, true);
    return new ProducerRecord<>(
        deadLetterTopic, null, context.timestamp(), fitted.key(), fitted.value(), fitted.headers());
  }

  /** Where the record being processed was read, or null outside of processing one. */
  static OversizedOutputs.Source source(ProcessingContext context) {
    return context
        .recordMetadata()
        .map(m -> new OversizedOutputs.Source(m.topic(), m.partition(), m.offset()))
        .orElse(null);
  }
}

package dev.scorestream.topology;

import dev.scorestream.deadletter.DeadLetter;
import dev.scorestream.deadletter.DeadLetterFit;
import dev.scorestream.deadletter.DeadLetterHeaders;
import dev.scorestream.serving.Outcome;
import java.time.Clock;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Turns a {@link Outcome.Rejected} back into the original record (key, value bytes, headers,
 * timestamp) plus the dead-letter headers naming the reason and the source coordinates. A dead
 * letter too large for its topic is degraded until it fits ({@link DeadLetterFit}); one whose topic
 * refused it before takes every step.
 */
final class DeadLetterProcessor implements Processor<Bytes, Outcome, Bytes, byte[]> {

  private final ScoringTopology.Settings settings;
  private final Clock clock;
  private final OutcomeListener listener;
  private ProcessorContext<Bytes, byte[]> context;

  DeadLetterProcessor(ScoringTopology.Settings settings, Clock clock, OutcomeListener listener) {
    this.settings = settings;
    this.clock = clock;
    this.listener = listener;
  }

  @Override
  public void init(ProcessorContext<Bytes, byte[]> context) {
    this.context = context;
  }

  @Override
  public void process(Record<Bytes, Outcome> record) {
    Outcome.Rejected rejected = (Outcome.Rejected) record.value();
    RecordMetadata source =
        context
            .recordMetadata()
            .orElseThrow(
                () -> new IllegalStateException("dead letter without source record metadata"));
    DeadLetter letter =
        new DeadLetter(
            rejected.reason(),
            rejected.rules(),
            rejected.message(),
            rejected.cause(),
            source.topic(),
            source.partition(),
            source.offset(),
            rejected.schemaId(),
            settings.appVersion(),
            rejected.modelVersion(),
            clock.instant());
    DeadLetterHeaders.write(record.headers(), letter);
    String topic = settings.deadLetters().name();
    OutputGuards guards = settings.guards();
    DeadLetterFit.Fitted fitted =
        DeadLetterFit.fit(
            record.key() == null ? null : record.key().get(),
            rejected.originalValue(),
            record.headers(),
            guards.limits().maxRecordBytes(topic),
            guards.refused().refused(OutputFailureHandler.source(context), topic));
    if (!fitted.degraded().isEmpty()) {
      listener.deadLetterDegraded(fitted.degraded());
    }
    context.forward(
        new Record<>(
            fitted.key() == null ? null : Bytes.wrap(fitted.key()),
            fitted.value(),
            record.timestamp(),
            fitted.headers()));
  }
}

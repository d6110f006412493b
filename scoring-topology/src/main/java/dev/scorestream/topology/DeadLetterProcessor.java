package dev.scorestream.topology;

import dev.scorestream.deadletter.DeadLetter;
import dev.scorestream.deadletter.DeadLetterHeaders;
import dev.scorestream.serving.Outcome;
import java.time.Clock;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Turns a {@link Outcome.Rejected} back into the original record (key, value bytes, headers,
 * timestamp) plus the dead-letter headers naming the reason and the source coordinates.
 */
final class DeadLetterProcessor implements FixedKeyProcessor<Bytes, Outcome, byte[]> {

  private final String appVersion;
  private final Clock clock;
  private FixedKeyProcessorContext<Bytes, byte[]> context;

  DeadLetterProcessor(String appVersion, Clock clock) {
    this.appVersion = appVersion;
    this.clock = clock;
  }

  @Override
  public void init(FixedKeyProcessorContext<Bytes, byte[]> context) {
    this.context = context;
  }

  @Override
  public void process(FixedKeyRecord<Bytes, Outcome> record) {
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
            appVersion,
            rejected.modelVersion(),
            clock.instant());
    DeadLetterHeaders.write(record.headers(), letter);
    context.forward(record.withValue(rejected.originalValue()));
  }
}

package dev.scorestream.topology;

import dev.scorestream.codec.DecodeResult;
import dev.scorestream.codec.StrictUtf8;
import dev.scorestream.codec.WireFormatDecoder;
import dev.scorestream.deadletter.RecordSize;
import dev.scorestream.schemas.Reason;
import dev.scorestream.serving.Outcome;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Decodes {@code LabelFeedback} records and checks them: an event id, and a label or a finite
 * value. Anything else becomes a dead letter with the same reasons as events. A registry outage
 * throws, so the stream thread is replaced and resumes from the last commit (labels are never
 * dead-lettered for it).
 */
final class LabelDecodingProcessor implements FixedKeyProcessor<Bytes, byte[], FeedbackInput> {

  static final String RULE_EVENT_ID = "label_feedback.event_id.required";
  static final String RULE_LABEL = "label_feedback.label_or_value.required";
  static final String RULE_EVENT_ID_UTF8 = "label_feedback.event_id.utf8";
  static final String RULE_LABEL_UTF8 = "label_feedback.label.utf8";
  static final String RULE_LABEL_TIME = "label_feedback.label_time.min";

  private final WireFormatDecoder decoder;
  private final Supplier<String> modelVersion;
  private final OutputLimits limits;
  private FixedKeyProcessorContext<Bytes, FeedbackInput> context;

  LabelDecodingProcessor(
      WireFormatDecoder decoder, Supplier<String> modelVersion, OutputLimits limits) {
    this.decoder = decoder;
    this.modelVersion = modelVersion;
    this.limits = limits;
  }

  @Override
  public void init(FixedKeyProcessorContext<Bytes, FeedbackInput> context) {
    this.context = context;
  }

  @Override
  public void process(FixedKeyRecord<Bytes, byte[]> record) {
    context.forward(record.withValue(input(record.key(), record.value())));
  }

  private FeedbackInput input(Bytes key, byte[] value) {
    DecodeResult decoded = decoder.decode(value);
    if (decoded instanceof DecodeResult.Failed failed) {
      return invalid(
          ScoringProcessor.reasonFor(failed),
          List.of(),
          failed.message(),
          failed.cause(),
          failed.schemaId(),
          value);
    }
    GenericRecord label = ((DecodeResult.Decoded) decoded).record();
    // The event id joins the label to its prediction: bytes that are not UTF-8 would silently
    // become another id, so they are refused like any other rule violation.
    Optional<String> id = key != null ? StrictUtf8.decode(key.get()) : text(label.get("event_id"));
    if (id.isEmpty()) {
      return invalid(
          Reason.RULE_VIOLATION,
          List.of(RULE_EVENT_ID_UTF8),
          "label's event id is not well-formed UTF-8",
          null,
          decoded.schemaId(),
          value);
    }
    String eventId = id.get();
    if (eventId.isBlank()) {
      return invalid(
          Reason.RULE_VIOLATION,
          List.of(RULE_EVENT_ID),
          "label has no event id",
          null,
          decoded.schemaId(),
          value);
    }
    Object text = label.get("label");
    if (text != null && text(text).isEmpty()) {
      return invalid(
          Reason.RULE_VIOLATION,
          List.of(RULE_LABEL_UTF8),
          "label for event " + eventId + " is not well-formed UTF-8",
          null,
          decoded.schemaId(),
          value);
    }
    Object number = label.get("value");
    Double truth =
        number instanceof Number n && Double.isFinite(n.doubleValue()) ? n.doubleValue() : null;
    if ((text == null || text.toString().isBlank()) && truth == null) {
      return invalid(
          Reason.RULE_VIOLATION,
          List.of(RULE_LABEL),
          "label for event " + eventId + " has neither a label nor a finite value",
          null,
          decoded.schemaId(),
          value);
    }
    long labelTime = (Long) label.get("label_time");
    // Kafka refuses a record timestamp before the epoch: a label with one would stop the stream
    // thread when its join is forwarded, so it is refused here.
    if (labelTime < 0) {
      return invalid(
          Reason.RULE_VIOLATION,
          List.of(RULE_LABEL_TIME),
          "label for event " + eventId + " has label_time " + labelTime + ", before 1970",
          null,
          decoded.schemaId(),
          value);
    }
    FeedbackInput.Label valid =
        new FeedbackInput.Label(eventId, text == null ? null : text.toString(), truth, labelTime);
    return sized(valid, decoded.schemaId(), value);
  }

  private FeedbackInput sized(FeedbackInput.Label valid, int schemaId, byte[] value) {
    // A label travels through the labels' repartition topic and, when it overtakes its prediction,
    // waits in a changelogged store, keyed by its event id; one too large for either would stop the
    // pipeline, so it is refused here instead (the waiting record is the larger of the two).
    String eventId = valid.eventId();
    String text = valid.label();
    long idBytes = eventId.getBytes(StandardCharsets.UTF_8).length;
    long textBytes = text == null ? 0 : text.length() * 3L; // UTF-8 upper bound
    long waiting =
        RecordSize.upperBound(null, null, null)
            + idBytes
            + FeedbackJoiner.Waiting.FIXED_BYTES
            + idBytes
            + textBytes;
    if (waiting > limits.maxInternalRecordBytes()) {
      return invalid(
          Reason.OUTPUT_TOO_LARGE,
          List.of(),
          "label for an event id of "
              + eventId.length()
              + " characters would not fit the join's changelog ("
              + limits.maxInternalRecordBytes()
              + " bytes)",
          null,
          schemaId,
          value);
    }
    return valid;
  }

  /** A decoded Avro string as text, empty when its bytes are not UTF-8; null counts as "". */
  private static Optional<String> text(Object avroString) {
    if (avroString instanceof Utf8 utf8) {
      return StrictUtf8.isValid(utf8.getBytes(), 0, utf8.getByteLength())
          ? Optional.of(utf8.toString())
          : Optional.empty();
    }
    return Optional.of(avroString == null ? "" : avroString.toString());
  }

  private FeedbackInput invalid(
      Reason reason,
      List<String> rules,
      String message,
      Throwable cause,
      int schemaId,
      byte[] value) {
    return new FeedbackInput.Invalid(
        new Outcome.Rejected(reason, rules, message, cause, schemaId, modelVersion.get(), value));
  }
}

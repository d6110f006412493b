package dev.scorestream.retraining;

import dev.scorestream.codec.DecodeResult;
import dev.scorestream.codec.WireFormatDecoder;
import dev.scorestream.feedback.TrainingExamples;
import dev.scorestream.registry.SchemaLookup;
import dev.scorestream.schemas.LabelledRecord;
import dev.scorestream.validation.RecordValidator;
import dev.scorestream.validation.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.generic.GenericRecord;

/**
 * The labelled events of the training topic ({@code events.training}) in exact offset ranges, as
 * the feedback join wrote them: each decoded through the registry onto the current reader schema,
 * then sanitized and checked as the stream does (an example that breaks a rule today is skipped and
 * counted), with where it came from and when it happened.
 */
final class LabelledEvents {

  /**
   * One labelled event.
   *
   * @param eventTime the time the out-of-time split orders by: the event's time, else the time its
   *     label joined ({@code data.timeField: event}), or always the label's ({@code label})
   * @param answers both models' answers, for the shadow comparison
   */
  record Example(
      LabelledRecord row,
      String eventId,
      long eventTime,
      int partition,
      long offset,
      TrainingExamples.Answers answers) {}

  /** What a read gave: the examples in (partition, offset) order, and what was skipped by why. */
  record Read(List<Example> examples, long read, Map<String, Long> skippedBy) {

    long skipped() {
      return read - examples.size();
    }
  }

  private final TrainingExamples schema;
  private final SchemaLookup registry;
  private final RecordValidator validator;
  private final RetrainingPolicy.TimeBasis basis;

  LabelledEvents(
      TrainingExamples schema,
      SchemaLookup registry,
      RecordValidator validator,
      RetrainingPolicy.TimeBasis basis) {
    this.schema = schema;
    this.registry = registry;
    this.validator = validator;
    this.basis = basis;
  }

  /**
   * The time a training example is ordered by for the split: its event's time, or when it has none
   * the time its label joined; always the label's when {@code basis} is LABEL.
   */
  static long splitTime(GenericRecord example, RetrainingPolicy.TimeBasis basis) {
    Long eventTime = TrainingExamples.eventTime(example);
    return basis == RetrainingPolicy.TimeBasis.LABEL || eventTime == null
        ? (Long) example.get("labelled_at")
        : eventTime;
  }

  Read read(TopicRanges topics, String topic, List<ModelEvent.OffsetRange> ranges) {
    WireFormatDecoder decoder = new WireFormatDecoder(schema.schema(), registry);
    List<Example> examples = new ArrayList<>();
    Map<String, Long> skippedBy = new TreeMap<>();
    long[] read = {0};
    topics.read(
        topic,
        ranges,
        record -> {
          read[0]++;
          DecodeResult result = decoder.decode(record.value());
          if (result instanceof DecodeResult.Failed failed) {
            skippedBy.merge(failed.failure().name(), 1L, Long::sum);
            return;
          }
          GenericRecord example = ((DecodeResult.Decoded) result).record();
          LabelledRecord row = TrainingExamples.toLabelled(example);
          List<Violation> violations = validator.sanitizeAndValidate(row.record());
          if (!violations.isEmpty()) {
            violations.forEach(v -> skippedBy.merge(v.ruleId(), 1L, Long::sum));
            return;
          }
          examples.add(
              new Example(
                  row,
                  example.get("event_id").toString(),
                  splitTime(example, basis),
                  record.partition(),
                  record.offset(),
                  TrainingExamples.answers(example)));
        });
    return new Read(examples, read[0], skippedBy);
  }
}

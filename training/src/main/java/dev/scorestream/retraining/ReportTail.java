package dev.scorestream.retraining;

import dev.scorestream.codec.DecodeResult;
import dev.scorestream.codec.WireFormatDecoder;
import dev.scorestream.registry.SchemaLookup;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * The newest reports of one topic (live performance, drift), read a little more each time: from
 * {@code since} on first, then from where the last read ended. Keeps the last {@code keep}
 * summaries, oldest first; a report that does not decode is skipped.
 */
final class ReportTail<S> {

  private final String topic;
  private final WireFormatDecoder decoder;
  private final Function<GenericRecord, S> summary;
  private final int keep;
  private final Deque<S> reports = new ArrayDeque<>();
  private List<ModelEvent.OffsetRange> position;

  ReportTail(
      String topic,
      Schema schema,
      SchemaLookup registry,
      Function<GenericRecord, S> summary,
      int keep) {
    this.topic = topic;
    this.decoder = new WireFormatDecoder(schema, registry);
    this.summary = summary;
    this.keep = keep;
  }

  /** Reads what arrived since the last call (since {@code since} the first time). */
  List<S> refresh(TopicRanges topics, Instant since) {
    List<ModelEvent.OffsetRange> ranges =
        position == null ? topics.upToNow(topic, since) : topics.extendedToNow(topic, position);
    topics.read(
        topic,
        ranges,
        record -> {
          if (decoder.decode(record.value()) instanceof DecodeResult.Decoded decoded) {
            reports.addLast(summary.apply(decoded.record()));
            while (reports.size() > keep) {
              reports.removeFirst();
            }
          }
        });
    List<ModelEvent.OffsetRange> next = new ArrayList<>();
    ranges.forEach(
        r -> next.add(new ModelEvent.OffsetRange(r.partition(), r.toOffset(), r.toOffset())));
    position = next;
    return List.copyOf(reports);
  }
}

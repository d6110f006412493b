package dev.scorestream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.codec.DecodeResult;
import dev.scorestream.codec.WireFormatDecoder;
import dev.scorestream.registry.SchemaNotFoundException;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.validation.RecordValidator;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class WorkloadTest {

  @Test
  void shouldMakeExactlyFivePercentMalformedAndEachSoForItsOwnReason() {
    Schema reader = Contracts.paymentEvent();
    List<Workload.Event> events = Workload.events(6000, 1, 42);
    WireFormatDecoder decoder =
        new WireFormatDecoder(
            reader,
            id -> {
              if (id != 1) {
                throw new SchemaNotFoundException(id, "unknown");
              }
              return reader;
            });
    RecordValidator validator = RecordValidator.forSchema(reader);
    int notWire = 0;
    int unknown = 0;
    int violations = 0;
    for (Workload.Event event : events) {
      DecodeResult result = decoder.decode(event.value());
      boolean bad;
      if (result instanceof DecodeResult.Failed failed) {
        bad = true;
        switch (failed.failure()) {
          case NOT_WIRE_FORMAT -> notWire++;
          case UNKNOWN_SCHEMA_ID -> unknown++;
          default -> throw new AssertionError("unexpected " + failed.failure());
        }
      } else {
        bad = !validator.sanitizeAndValidate(((DecodeResult.Decoded) result).record()).isEmpty();
        if (bad) {
          violations++;
        }
      }
      assertThat(bad)
          .as("event marked malformed iff the pipeline must dead-letter it")
          .isEqualTo(event.malformed());
    }
    assertThat(events.stream().filter(Workload.Event::malformed).count()).isEqualTo(300);
    assertThat(List.of(notWire, violations, unknown)).containsExactly(100, 100, 100);
  }

  @Test
  void shouldLabelEveryTenthValidEventWithItsIdAndTruth() {
    Schema labelSchema = Contracts.labelFeedback();
    List<Workload.Event> events = Workload.events(2000, 1, 42);
    List<Workload.Label> labels = Workload.labels(events, 7);
    WireFormatDecoder decoder = new WireFormatDecoder(labelSchema, id -> labelSchema);

    long valid = events.stream().filter(e -> !e.malformed()).count();
    assertThat(labels).hasSize((int) ((valid + Workload.LABEL_EVERY - 1) / Workload.LABEL_EVERY));
    int previous = -1;
    for (Workload.Label label : labels) {
      Workload.Event event = events.get(label.eventIndex());
      assertThat(label.eventIndex()).isGreaterThan(previous);
      previous = label.eventIndex();
      assertThat(event.malformed()).isFalse();
      assertThat(label.key()).isEqualTo(event.key());
      var decoded = ((DecodeResult.Decoded) decoder.decode(label.value())).record();
      assertThat(decoded.get("event_id").toString())
          .isEqualTo(new String(event.key(), java.nio.charset.StandardCharsets.UTF_8));
      assertThat(decoded.get("label").toString()).isEqualTo(event.truth());
    }
  }

  @Test
  void shouldTakeMedianAndNearestRankPercentiles() {
    assertThat(Report.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
    assertThat(Report.median(List.of(4.0, 1.0, 2.0, 3.0))).isEqualTo(2.5);
    List<Long> sorted = java.util.stream.LongStream.rangeClosed(1, 1000).boxed().toList();
    assertThat(Report.percentile(sorted, 0.5)).isEqualTo(500);
    assertThat(Report.percentile(sorted, 0.99)).isEqualTo(990);
    assertThat(Report.percentile(sorted, 0.999)).isEqualTo(999);
    assertThat(Report.percentile(List.of(), 0.5)).isEqualTo(-1);
  }
}

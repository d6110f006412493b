package dev.scorestream.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.codec.WireFormatEncoder;
import dev.scorestream.samples.PaymentGenerator;
import dev.scorestream.schemas.Contracts;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

class PredictionSnapshotsTest {

  static final Schema READER = Contracts.paymentEvent();

  @Test
  void shouldKeepTheAnswerAndHandTheInputBytesToTheEventDecoder() {
    GenericRecord event = new PaymentGenerator(READER, 3).next(1_764_000_000_000L).record();
    byte[] input = new WireFormatEncoder(READER, 7).encode(event);
    byte[][] seen = new byte[1][];
    PredictionSnapshots snapshots =
        new PredictionSnapshots(
            READER,
            bytes -> {
              seen[0] = bytes;
              return event;
            });

    byte[] stored =
        snapshots.encode(
            "v3",
            "FRAUD",
            null,
            Map.of("FRAUD", 0.8, "LEGIT", 0.2),
            1_764_000_000_123L,
            input,
            null);
    PredictionSnapshots.Snapshot snapshot = snapshots.decode("e-1", stored);

    assertThat(stored[0]).isEqualTo(PredictionSnapshots.LAYOUT_2);
    assertThat(snapshot)
        .isEqualTo(
            new PredictionSnapshots.Snapshot(
                "e-1",
                "v3",
                "FRAUD",
                null,
                Map.of("FRAUD", 0.8, "LEGIT", 0.2),
                1_764_000_000_123L,
                event));
    assertThat(seen[0]).isEqualTo(input);
  }

  @Test
  void shouldKeepARegressionAnswerAndANullLabel() {
    PredictionSnapshots snapshots = new PredictionSnapshots(READER, bytes -> null);

    PredictionSnapshots.Snapshot snapshot =
        snapshots.decode(
            "e-2",
            snapshots.encode("r1", null, 41.5, Map.of("value", 41.5), 5L, new byte[0], null));

    assertThat(snapshot.predictedLabel()).isNull();
    assertThat(snapshot.predictedValue()).isEqualTo(41.5);
    assertThat(snapshot.scores()).containsExactly(Map.entry("value", 41.5));
    assertThat(snapshot.event()).as("an input that no longer decodes").isNull();
  }

  @Test
  void shouldStillReadSnapshotsStoredInTheFirstLayout() {
    PredictionSnapshots snapshots =
        new PredictionSnapshots(
            READER,
            bytes -> {
              throw new AssertionError("layout 1 carries the event itself");
            });
    GenericRecord event = new PaymentGenerator(READER, 5).next(1_764_000_000_000L).record();
    GenericRecord old = new GenericData.Record(snapshots.legacySchema());
    old.put("event_id", "e-3");
    old.put("model_version", "v1");
    old.put("predicted_label", "LEGIT");
    old.put("predicted_value", null);
    old.put("scores", Map.of("FRAUD", 0.1, "LEGIT", 0.9));
    old.put("event_time", 42L);
    old.put("event", event);
    byte[] stored = new WireFormatEncoder(snapshots.legacySchema(), 0).encode(old);

    PredictionSnapshots.Snapshot snapshot = snapshots.decode("e-3", stored);

    assertThat(snapshot.modelVersion()).isEqualTo("v1");
    assertThat(snapshot.predictedLabel()).isEqualTo("LEGIT");
    assertThat(snapshot.scores()).containsEntry("LEGIT", 0.9);
    assertThat(snapshot.eventTime()).isEqualTo(42L);
    assertThat(snapshot.event().get("event_id").toString())
        .isEqualTo(event.get("event_id").toString());
  }
}

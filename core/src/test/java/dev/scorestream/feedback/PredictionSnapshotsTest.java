package dev.scorestream.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.codec.WireFormatEncoder;
import dev.scorestream.payments.PaymentGenerator;
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
            new PredictionSnapshots.Answer(
                "v3", "FRAUD", null, Map.of("FRAUD", 0.8, "LEGIT", 0.2), 1_764_000_000_123L, null),
            input,
            null);
    PredictionSnapshots.Snapshot snapshot = snapshots.decode("e-1", stored);

    assertThat(stored[0]).isEqualTo(PredictionSnapshots.LAYOUT_3);
    assertThat(snapshot)
        .isEqualTo(
            new PredictionSnapshots.Snapshot(
                "e-1",
                "v3",
                "FRAUD",
                null,
                Map.of("FRAUD", 0.8, "LEGIT", 0.2),
                1_764_000_000_123L,
                event,
                null));
    assertThat(seen[0]).isEqualTo(input);
  }

  @Test
  void shouldKeepTheChallengersAnswerOrItsFailure() {
    PredictionSnapshots snapshots = new PredictionSnapshots(READER, bytes -> null);
    PredictionSnapshots.Challenger answered =
        new PredictionSnapshots.Challenger("v4", "LEGIT", Map.of("FRAUD", 0.3, "LEGIT", 0.7));
    PredictionSnapshots.Challenger failed =
        new PredictionSnapshots.Challenger("v4", null, Map.of());

    for (PredictionSnapshots.Challenger challenger :
        new PredictionSnapshots.Challenger[] {answered, failed}) {
      byte[] context = {1, 2, 3};
      PredictionSnapshots.Snapshot snapshot =
          snapshots.decode(
              "e-4",
              snapshots.encode(
                  new PredictionSnapshots.Answer(
                      "v3", "FRAUD", null, Map.of("FRAUD", 0.8, "LEGIT", 0.2), 9L, challenger),
                  new byte[] {0, 0, 0, 0, 7},
                  context));

      assertThat(snapshot.challenger()).isEqualTo(challenger);
      assertThat(snapshot.scores()).containsEntry("FRAUD", 0.8);
      assertThat(snapshot.eventTime()).isEqualTo(9L);
    }
  }

  @Test
  void shouldStillReadSnapshotsStoredInTheSecondLayout() {
    // 2, eventTime, "v2", "LEGIT", no value, one score, input {9}: no context, no challenger.
    java.nio.ByteBuffer old = java.nio.ByteBuffer.allocate(1 + 8 + 6 + 9 + 1 + 4 + 9 + 8 + 5);
    old.put(PredictionSnapshots.LAYOUT_2).putLong(77L);
    old.putInt(2).put("v2".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    old.putInt(5).put("LEGIT".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    old.put((byte) 0).putInt(1);
    old.putInt(5).put("LEGIT".getBytes(java.nio.charset.StandardCharsets.UTF_8)).putDouble(0.9);
    old.putInt(1).put((byte) 9);
    byte[][] seen = new byte[1][];
    PredictionSnapshots snapshots =
        new PredictionSnapshots(
            READER,
            bytes -> {
              seen[0] = bytes;
              return null;
            });

    PredictionSnapshots.Snapshot snapshot = snapshots.decode("e-5", old.array());

    assertThat(snapshot.modelVersion()).isEqualTo("v2");
    assertThat(snapshot.scores()).containsExactly(Map.entry("LEGIT", 0.9));
    assertThat(snapshot.eventTime()).isEqualTo(77L);
    assertThat(snapshot.challenger()).isNull();
    assertThat(seen[0]).containsExactly(9);
  }

  @Test
  void shouldKeepARegressionAnswerAndANullLabel() {
    PredictionSnapshots snapshots = new PredictionSnapshots(READER, bytes -> null);

    PredictionSnapshots.Snapshot snapshot =
        snapshots.decode(
            "e-2",
            snapshots.encode(
                new PredictionSnapshots.Answer("r1", null, 41.5, Map.of("value", 41.5), 5L, null),
                new byte[0],
                null));

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

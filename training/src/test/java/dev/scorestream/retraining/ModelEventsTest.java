package dev.scorestream.retraining;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.schemas.Contracts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

/** A decision of the loop survives model-events: written as Avro, read back the same. */
class ModelEventsTest {

  static final Instant AT = Instant.parse("2026-12-01T10:15:30.123Z");

  /** Every optional part set, every nullable value given. */
  static ModelEvent everything() {
    List<ModelEvent.OffsetRange> ranges =
        List.of(new ModelEvent.OffsetRange(0, 10, 500), new ModelEvent.OffsetRange(3, 0, 42));
    return new ModelEvent(
        "event-1",
        "fraud",
        ModelEvent.Type.PROMOTING,
        AT,
        new ModelEvent.Cause("trigger-1", ModelEvent.CauseKind.DRIFT, "drift:v1:amount", "PSI 0.4"),
        new ModelEvent.Versions("v1", "v2", "v0"),
        new ModelEvent.ArtifactRef("v2-0123456789ab", "ab".repeat(32)),
        new ModelEvent.DataCoordinates(
            "events.training",
            ranges,
            new ModelEvent.Counts(1000, 12, 700, 200, 88, 35),
            AT.minusSeconds(3600),
            Map.of("MISSING_OPTIONAL", 20L, "UNSEEN_CATEGORY", 15L),
            new ModelEvent.Seeds(7, 11),
            "logistic",
            "cd".repeat(32)),
        Map.of("candidate.accuracy", 0.93, "champion.accuracy", 0.9),
        List.of(
            new ModelEvent.GateResult("offline.margin", true, 0.03, 0.005, "better"),
            new ModelEvent.GateResult("artifact", true, null, null, "manifest verified")),
        new ModelEvent.ShadowTest(
            AT.minusSeconds(600),
            ranges,
            new ModelEvent.PairCounts(400, 300, 20, 60, 20, 4),
            "mcnemar",
            0.0004,
            new ModelEvent.Interval(0.05, 0.01, 0.09),
            3,
            ModelEvent.Verdict.PROMOTE),
        "SHADOW_BETTER challenger right on 40 more",
        new ModelEvent.Actor(ModelEvent.ActorKind.CONTROLLER, "retrain-0", "node-a"),
        "ef".repeat(32),
        "0.1.0");
  }

  /** Only what every record has: no cause, versions, artifact, data, metrics, gates or shadow. */
  static ModelEvent nothingOptional() {
    return new ModelEvent(
        "event-2",
        "fraud",
        ModelEvent.Type.ROLLED_BACK,
        AT,
        null,
        ModelEvent.Versions.NONE,
        null,
        null,
        Map.of(),
        List.of(),
        null,
        "",
        new ModelEvent.Actor(ModelEvent.ActorKind.PERSON, "alice", "laptop"),
        "",
        "");
  }

  static GenericRecord throughAvro(GenericRecord record) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
    new GenericDatumWriter<GenericRecord>(Contracts.modelEvent()).write(record, encoder);
    encoder.flush();
    return new GenericDatumReader<GenericRecord>(Contracts.modelEvent())
        .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
  }

  @Test
  void shouldReadBackARecordWithEveryOptionalPartSet() throws IOException {
    ModelEvent event = everything();
    GenericRecord record = ModelEvents.toAvro(event);

    assertThat(GenericData.get().validate(Contracts.modelEvent(), record)).isTrue();
    assertThat(ModelEvents.fromAvro(throughAvro(record))).isEqualTo(event);
  }

  @Test
  void shouldReadBackARecordWithNoOptionalPartSet() throws IOException {
    ModelEvent event = nothingOptional();
    GenericRecord record = ModelEvents.toAvro(event);

    assertThat(GenericData.get().validate(Contracts.modelEvent(), record)).isTrue();
    GenericRecord read = throughAvro(record);
    assertThat(read.get("cause")).isNull();
    assertThat(read.get("artifact")).isNull();
    assertThat(read.get("data")).isNull();
    assertThat(read.get("shadow")).isNull();
    assertThat(ModelEvents.fromAvro(read)).isEqualTo(event);
  }

  @Test
  void shouldWriteTheRegisteredContract() {
    assertThat(ModelEvents.schema()).isEqualTo(Contracts.modelEvent());
    assertThat(ModelEvents.toAvro(everything()).getSchema()).isEqualTo(Contracts.modelEvent());
  }
}

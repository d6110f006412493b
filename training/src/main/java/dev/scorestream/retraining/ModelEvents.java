package dev.scorestream.retraining;

import dev.scorestream.schemas.Contracts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * {@link ModelEvent} to and from its Avro contract ({@code ModelEvent.avsc}), the form on {@code
 * model-events}.
 */
public final class ModelEvents {

  private static final Schema SCHEMA = Contracts.modelEvent();

  private ModelEvents() {}

  public static Schema schema() {
    return SCHEMA;
  }

  public static GenericRecord toAvro(ModelEvent event) {
    GenericRecord record = new GenericData.Record(SCHEMA);
    record.put("event_id", event.eventId());
    record.put("model_name", event.modelName());
    record.put("type", symbol("type", event.type().name()));
    record.put("at", event.at().toEpochMilli());
    record.put("cause", event.cause() == null ? null : cause(event.cause()));
    GenericRecord versions = new GenericData.Record(SCHEMA.getField("versions").schema());
    versions.put("champion", event.versions().champion());
    versions.put("candidate", event.versions().candidate());
    versions.put("previous", event.versions().previous());
    record.put("versions", versions);
    if (event.artifact() != null) {
      GenericRecord artifact = new GenericData.Record(branch("artifact"));
      artifact.put("directory", event.artifact().directory());
      artifact.put("digest", event.artifact().digest());
      record.put("artifact", artifact);
    }
    record.put("data", event.data() == null ? null : data(event.data()));
    record.put("metrics", new HashMap<>(event.metrics()));
    List<GenericRecord> gates = new ArrayList<>();
    Schema gateSchema = SCHEMA.getField("gates").schema().getElementType();
    for (ModelEvent.GateResult gate : event.gates()) {
      GenericRecord result = new GenericData.Record(gateSchema);
      result.put("name", gate.name());
      result.put("passed", gate.passed());
      result.put("value", gate.value());
      result.put("threshold", gate.threshold());
      result.put("detail", gate.detail());
      gates.add(result);
    }
    record.put("gates", gates);
    record.put("shadow", event.shadow() == null ? null : shadow(event.shadow()));
    record.put("reason", event.reason());
    GenericRecord actor = new GenericData.Record(SCHEMA.getField("actor").schema());
    actor.put(
        "kind",
        new GenericData.EnumSymbol(
            actor.getSchema().getField("kind").schema(), event.actor().kind().name()));
    actor.put("name", event.actor().name());
    actor.put("host", event.actor().host());
    record.put("actor", actor);
    record.put("policy_digest", event.policyDigest());
    record.put("app_version", event.appVersion());
    return record;
  }

  public static ModelEvent fromAvro(GenericRecord record) {
    GenericRecord versions = (GenericRecord) record.get("versions");
    GenericRecord artifact = (GenericRecord) record.get("artifact");
    GenericRecord actor = (GenericRecord) record.get("actor");
    List<ModelEvent.GateResult> gates = new ArrayList<>();
    for (Object item : (List<?>) record.get("gates")) {
      GenericRecord gate = (GenericRecord) item;
      gates.add(
          new ModelEvent.GateResult(
              text(gate.get("name")),
              (Boolean) gate.get("passed"),
              (Double) gate.get("value"),
              (Double) gate.get("threshold"),
              text(gate.get("detail"))));
    }
    return new ModelEvent(
        text(record.get("event_id")),
        text(record.get("model_name")),
        ModelEvent.Type.valueOf(text(record.get("type"))),
        Instant.ofEpochMilli((Long) record.get("at")),
        cause((GenericRecord) record.get("cause")),
        new ModelEvent.Versions(
            text(versions.get("champion")),
            text(versions.get("candidate")),
            text(versions.get("previous"))),
        artifact == null
            ? null
            : new ModelEvent.ArtifactRef(
                text(artifact.get("directory")), text(artifact.get("digest"))),
        data((GenericRecord) record.get("data")),
        doubles(record.get("metrics")),
        gates,
        shadow((GenericRecord) record.get("shadow")),
        text(record.get("reason")),
        new ModelEvent.Actor(
            ModelEvent.ActorKind.valueOf(text(actor.get("kind"))),
            text(actor.get("name")),
            text(actor.get("host"))),
        text(record.get("policy_digest")),
        text(record.get("app_version")));
  }

  private static GenericRecord cause(ModelEvent.Cause cause) {
    Schema schema = branch("cause");
    GenericRecord record = new GenericData.Record(schema);
    record.put("id", cause.id());
    record.put(
        "kind", new GenericData.EnumSymbol(schema.getField("kind").schema(), cause.kind().name()));
    record.put("key", cause.key());
    record.put("detail", cause.detail());
    return record;
  }

  private static ModelEvent.Cause cause(GenericRecord record) {
    return record == null
        ? null
        : new ModelEvent.Cause(
            text(record.get("id")),
            ModelEvent.CauseKind.valueOf(text(record.get("kind"))),
            text(record.get("key")),
            text(record.get("detail")));
  }

  private static GenericRecord data(ModelEvent.DataCoordinates data) {
    Schema schema = branch("data");
    GenericRecord record = new GenericData.Record(schema);
    record.put("topic", data.topic());
    record.put("ranges", ranges(data.ranges(), schema.getField("ranges").schema()));
    record.put("read", data.counts().read());
    record.put("skipped", data.counts().skipped());
    record.put("train_rows", data.counts().trainRows());
    record.put("eval_rows", data.counts().evalRows());
    record.put("champion_rows", data.counts().championRows());
    record.put(
        "holdout_from", data.holdoutFrom() == null ? null : data.holdoutFrom().toEpochMilli());
    record.put("perturbed_rows", data.counts().perturbed());
    record.put("perturbed_by_kind", new HashMap<>(data.perturbedByKind()));
    record.put("perturbation_seed", data.seeds().perturbation());
    record.put("trainer", data.trainer());
    record.put("trainer_seed", data.seeds().trainer());
    record.put("rows_digest", data.rowsDigest());
    return record;
  }

  private static ModelEvent.DataCoordinates data(GenericRecord record) {
    if (record == null) {
      return null;
    }
    Long holdout = (Long) record.get("holdout_from");
    Map<String, Long> perturbed = new HashMap<>();
    ((Map<?, ?>) record.get("perturbed_by_kind"))
        .forEach((k, v) -> perturbed.put(k.toString(), (Long) v));
    return new ModelEvent.DataCoordinates(
        text(record.get("topic")),
        ranges(record.get("ranges")),
        new ModelEvent.Counts(
            (Long) record.get("read"),
            (Long) record.get("skipped"),
            (Long) record.get("train_rows"),
            (Long) record.get("eval_rows"),
            (Long) record.get("champion_rows"),
            (Long) record.get("perturbed_rows")),
        holdout == null ? null : Instant.ofEpochMilli(holdout),
        perturbed,
        new ModelEvent.Seeds(
            (Long) record.get("perturbation_seed"), (Long) record.get("trainer_seed")),
        text(record.get("trainer")),
        text(record.get("rows_digest")));
  }

  private static GenericRecord shadow(ModelEvent.ShadowTest shadow) {
    Schema schema = branch("shadow");
    GenericRecord record = new GenericData.Record(schema);
    record.put("since", shadow.since().toEpochMilli());
    record.put(
        "start_offsets", ranges(shadow.startOffsets(), schema.getField("start_offsets").schema()));
    ModelEvent.PairCounts pairs = shadow.pairs();
    record.put("paired", pairs.paired());
    record.put("both_correct", pairs.bothCorrect());
    record.put("champion_only", pairs.championOnly());
    record.put("challenger_only", pairs.challengerOnly());
    record.put("both_wrong", pairs.bothWrong());
    record.put("challenger_failed", pairs.challengerFailed());
    record.put("test", shadow.test());
    record.put("p_value", shadow.pValue());
    record.put("log_loss_diff", shadow.logLoss() == null ? null : shadow.logLoss().mean());
    record.put("log_loss_diff_low", shadow.logLoss() == null ? null : shadow.logLoss().low());
    record.put("log_loss_diff_high", shadow.logLoss() == null ? null : shadow.logLoss().high());
    record.put("look", shadow.look());
    record.put(
        "verdict",
        new GenericData.EnumSymbol(schema.getField("verdict").schema(), shadow.verdict().name()));
    return record;
  }

  private static ModelEvent.ShadowTest shadow(GenericRecord record) {
    if (record == null) {
      return null;
    }
    Double mean = (Double) record.get("log_loss_diff");
    return new ModelEvent.ShadowTest(
        Instant.ofEpochMilli((Long) record.get("since")),
        ranges(record.get("start_offsets")),
        new ModelEvent.PairCounts(
            (Long) record.get("paired"),
            (Long) record.get("both_correct"),
            (Long) record.get("champion_only"),
            (Long) record.get("challenger_only"),
            (Long) record.get("both_wrong"),
            (Long) record.get("challenger_failed")),
        text(record.get("test")),
        (Double) record.get("p_value"),
        mean == null
            ? null
            : new ModelEvent.Interval(
                mean,
                (Double) record.get("log_loss_diff_low"),
                (Double) record.get("log_loss_diff_high")),
        (Integer) record.get("look"),
        ModelEvent.Verdict.valueOf(text(record.get("verdict"))));
  }

  private static List<GenericRecord> ranges(List<ModelEvent.OffsetRange> ranges, Schema array) {
    List<GenericRecord> records = new ArrayList<>();
    for (ModelEvent.OffsetRange range : ranges) {
      GenericRecord record = new GenericData.Record(array.getElementType());
      record.put("partition", range.partition());
      record.put("from_offset", range.fromOffset());
      record.put("to_offset", range.toOffset());
      records.add(record);
    }
    return records;
  }

  private static List<ModelEvent.OffsetRange> ranges(Object array) {
    List<ModelEvent.OffsetRange> ranges = new ArrayList<>();
    for (Object item : (List<?>) array) {
      GenericRecord range = (GenericRecord) item;
      ranges.add(
          new ModelEvent.OffsetRange(
              (Integer) range.get("partition"),
              (Long) range.get("from_offset"),
              (Long) range.get("to_offset")));
    }
    return ranges;
  }

  private static Map<String, Double> doubles(Object map) {
    Map<String, Double> values = new HashMap<>();
    ((Map<?, ?>) map).forEach((k, v) -> values.put(k.toString(), (Double) v));
    return values;
  }

  /** The record branch of an optional field's union. */
  private static Schema branch(String field) {
    return SCHEMA.getField(field).schema().getTypes().get(1);
  }

  private static GenericData.EnumSymbol symbol(String field, String name) {
    return new GenericData.EnumSymbol(SCHEMA.getField(field).schema(), name);
  }

  private static String text(Object value) {
    return value == null ? null : value.toString();
  }
}

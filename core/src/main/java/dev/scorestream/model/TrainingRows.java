package dev.scorestream.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;

/**
 * The rows a model was trained on, kept in its artifact ({@code training-data.avro}, an Avro
 * container file covered by the manifest) so that the next generation can mix the stable part of
 * the world back in instead of forgetting it. Scoring instances never read it.
 *
 * <pre>
 *   TrainingRow { event_id: string, label: string, event_time: [null, timestamp-millis], event: &lt;reader schema&gt; }
 * </pre>
 */
public final class TrainingRows {

  public static final String FILE = "training-data.avro";

  /**
   * One training row.
   *
   * @param eventTime when the event happened (epoch millis), or null when unknown
   */
  public record Row(String eventId, String label, Long eventTime, GenericRecord event) {}

  private TrainingRows() {}

  /** The container's schema for events of {@code reader}. */
  public static Schema schema(Schema reader) {
    Schema time =
        Schema.createUnion(
            Schema.create(Schema.Type.NULL),
            LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG)));
    return Schema.createRecord(
        "TrainingRow",
        "A row a model was trained on.",
        "dev.scorestream.avro",
        false,
        List.of(
            new Schema.Field("event_id", Schema.create(Schema.Type.STRING)),
            new Schema.Field("label", Schema.create(Schema.Type.STRING)),
            new Schema.Field("event_time", time, null, Schema.Field.NULL_DEFAULT_VALUE),
            new Schema.Field("event", reader)));
  }

  /**
   * Writes the rows into {@code artifact} (before the artifact is saved, so its manifest covers
   * them).
   */
  public static void write(Path artifact, Schema reader, List<Row> rows) throws IOException {
    Files.createDirectories(artifact);
    Schema schema = schema(reader);
    try (DataFileWriter<GenericRecord> file =
        new DataFileWriter<GenericRecord>(new GenericDatumWriter<>(schema))
            .setCodec(CodecFactory.deflateCodec(6))) {
      file.create(schema, Files.newOutputStream(artifact.resolve(FILE)), sync(schema));
      for (Row row : rows) {
        GenericRecord record = new GenericData.Record(schema);
        record.put("event_id", row.eventId());
        record.put("label", row.label());
        record.put("event_time", row.eventTime());
        record.put("event", row.event());
        file.append(record);
      }
    }
  }

  /**
   * The container's sync marker, taken from its schema rather than at random (Avro's default), so
   * that the same rows always make the same bytes: the manifest's digest covers the file, and a
   * candidate made again from the same rows must be the same artifact.
   */
  private static byte[] sync(Schema schema) {
    return HexFormat.of().parseHex(ModelArtifact.sha256(schema.toString()).substring(0, 32));
  }

  /**
   * Rows from labelled records: the event id and time from the record's {@code idField} and {@code
   * timeField} when it has them (empty id, unknown time otherwise).
   */
  public static List<Row> of(
      List<dev.scorestream.schemas.LabelledRecord> rows, String idField, String timeField) {
    List<Row> kept = new ArrayList<>(rows.size());
    for (dev.scorestream.schemas.LabelledRecord row : rows) {
      GenericRecord event = row.record();
      Object id = event.getSchema().getField(idField) == null ? null : event.get(idField);
      Object time = event.getSchema().getField(timeField) == null ? null : event.get(timeField);
      kept.add(
          new Row(
              id == null ? "" : id.toString(),
              row.label(),
              time instanceof Number number ? number.longValue() : null,
              event));
    }
    return kept;
  }

  /** Whether {@code artifact} kept its training rows. */
  public static boolean present(Path artifact) {
    return Files.isRegularFile(artifact.resolve(FILE));
  }

  /**
   * The rows {@code artifact} kept, read onto {@code reader} (Avro resolution: rows written under
   * an older reader schema still read).
   */
  public static List<Row> read(Path artifact, Schema reader) {
    List<Row> rows = new ArrayList<>();
    try (DataFileReader<GenericRecord> file =
        new DataFileReader<>(
            artifact.resolve(FILE).toFile(), new GenericDatumReader<>(null, schema(reader)))) {
      for (GenericRecord record : file) {
        rows.add(
            new Row(
                record.get("event_id").toString(),
                record.get("label").toString(),
                (Long) record.get("event_time"),
                (GenericRecord) record.get("event")));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + artifact.resolve(FILE), e);
    }
    return rows;
  }
}

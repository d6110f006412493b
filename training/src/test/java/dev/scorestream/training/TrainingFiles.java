package dev.scorestream.training;

import dev.scorestream.schemas.Contracts;
import dev.scorestream.schemas.LabelledRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;

/**
 * Writes labelled payments as the training files users bring: CSV with a header, Avro container
 * files.
 */
public final class TrainingFiles {

  static final Schema READER = Contracts.paymentEvent();

  private TrainingFiles() {}

  /** Writes {@code rows} as CSV with a header, the way a data team would export them. */
  public static Path writeCsv(Path file, List<LabelledRecord> rows) throws IOException {
    StringBuilder csv = new StringBuilder();
    List<String> fields = READER.getFields().stream().map(Schema.Field::name).toList();
    csv.append(String.join(",", fields)).append(",label\n");
    for (LabelledRecord row : rows) {
      for (String field : fields) {
        Object value = row.record().get(field);
        csv.append(value == null ? "" : value.toString()).append(',');
      }
      csv.append(row.label()).append('\n');
    }
    Files.writeString(file, csv);
    return file;
  }

  /**
   * Writes {@code rows} as an Avro container file whose schema is the reader schema plus a label
   * field.
   */
  public static Path writeAvro(Path file, List<LabelledRecord> rows) throws IOException {
    SchemaBuilder.FieldAssembler<Schema> fields = SchemaBuilder.record("LabelledPayment").fields();
    for (Schema.Field field : READER.getFields()) {
      fields = fields.name(field.name()).type(field.schema()).noDefault();
    }
    Schema schema = fields.requiredString("label").endRecord();
    try (DataFileWriter<GenericRecord> out =
        new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(schema))) {
      out.create(schema, file.toFile());
      for (LabelledRecord row : rows) {
        GenericRecord record = new GenericData.Record(schema);
        READER
            .getFields()
            .forEach(
                f ->
                    record.put(
                        f.name(),
                        copy(schema.getField(f.name()).schema(), row.record().get(f.name()))));
        record.put("label", row.label());
        out.append(record);
      }
    }
    return file;
  }

  private static Object copy(Schema schema, Object value) {
    return value instanceof GenericData.EnumSymbol symbol
        ? new GenericData.EnumSymbol(schema, symbol.toString())
        : value;
  }
}

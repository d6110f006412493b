package dev.scorestream.evolution;

import static dev.scorestream.evolution.TestSchemas.reader;
import static dev.scorestream.evolution.TestSchemas.readerWith;
import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.evolution.ExtractorInputs.ExtractedField;
import dev.scorestream.evolution.ExtractorInputs.Kind;
import dev.scorestream.evolution.SchemaChangeRecords.Detection;
import dev.scorestream.evolution.SchemaChangeRecords.Source;
import dev.scorestream.schemas.Contracts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

class SchemaChangeRecordsTest {

  @Test
  void shouldWriteAReportAsAValidSchemaChangeRecordThatRoundTrips() throws IOException {
    Schema schema = Contracts.schemaChange();
    ServingModel model =
        new ServingModel(
            "fraud",
            "v1",
            ServingModel.Role.CHAMPION,
            new ExtractorInputs(
                List.of(new ExtractedField("amount", Kind.NUMERIC)), List.of("amount")));
    Schema previous =
        readerWith(
            "'symbols': ['POS', 'ECOM', 'ATM', 'MOTO']",
            "'symbols': ['POS', 'ECOM', 'ATM', 'MOTO', 'WALLET']");
    Schema next =
        TestSchemas.record(
            TestSchemas.READER_FIELDS.replace(
                "{'name': 'amount', 'type': 'double', 'default': 0},", ""));
    SchemaChangeReport report =
        SchemaChangeAnalysis.analyze(reader(), Optional.of(previous), next, List.of(model));
    Detection found =
        new Detection(
            "events-value",
            42,
            3,
            41,
            "events",
            Source.FIRST_EVENT,
            Instant.parse("2026-12-07T10:00:00Z"),
            "events-0@1234",
            "scorer-0",
            "1.4.0",
            "ab12");

    GenericRecord record = SchemaChangeRecords.of(schema, found, report);

    assertThat(GenericData.get().validate(schema, record)).isTrue();
    GenericRecord read = roundTrip(schema, record);
    assertThat(read.get("severity").toString()).isEqualTo("WARN");
    assertThat(((GenericRecord) read.get("compatibility")).get("with_previous").toString())
        .isEqualTo("FORWARD");
    assertThat(read.get("against_reader").toString())
        .contains("\"kind\": \"REMOVED_READER_DEFAULT\"")
        .doesNotContain("ENUM_SYMBOLS");
    assertThat(read.get("since_previous").toString())
        .contains(
            "\"kind\": \"ENUM_SYMBOLS_REMOVED\", \"from\": \"-\", \"to\": \"-\", \"symbols\":"
                + " [\"WALLET\"]");
    assertThat(read.get("models").toString())
        .contains("\"feature\": \"amount\"")
        .contains("\"consequence\": \"ALWAYS_DEFAULT\"");
    assertThat(SchemaChangeRecords.key("events-value", 42)).isEqualTo("events-value/42");
  }

  private static GenericRecord roundTrip(Schema schema, GenericRecord record) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
    new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
    encoder.flush();
    return new GenericDatumReader<GenericRecord>(schema)
        .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
  }
}

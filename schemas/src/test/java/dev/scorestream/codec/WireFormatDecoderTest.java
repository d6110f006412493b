package dev.scorestream.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

class WireFormatDecoderTest {

  static final Schema READER =
      SchemaBuilder.record("Payment")
          .namespace("t")
          .fields()
          .requiredString("id")
          .requiredDouble("amount")
          .name("channel")
          .type()
          .enumeration("Channel")
          .symbols("POS", "ECOM")
          .noDefault()
          .endRecord();

  /**
   * Adds an optional field and an enum symbol the reader lacks: compatible for most records, not
   * all.
   */
  static final Schema EVOLVED =
      SchemaBuilder.record("Payment")
          .namespace("t")
          .fields()
          .requiredString("id")
          .requiredDouble("amount")
          .name("channel")
          .type()
          .enumeration("Channel")
          .symbols("POS", "ECOM", "WALLET")
          .noDefault()
          .optionalString("device")
          .endRecord();

  /** Lacks a reader field that has no default: no record of it can be read. */
  static final Schema MISSING_FIELD =
      SchemaBuilder.record("Payment").namespace("t").fields().requiredString("id").endRecord();

  final InMemorySchemas registry =
      new InMemorySchemas().with(1, READER).with(2, EVOLVED).with(3, MISSING_FIELD);
  final WireFormatDecoder decoder = new WireFormatDecoder(READER, registry);

  @Test
  void shouldDecodeRecordWrittenWithReaderSchema() {
    byte[] bytes = new WireFormatEncoder(READER, 1).encode(payment(READER, "e1", 12.5, "POS"));

    DecodeResult result = decoder.decode(bytes);

    assertThat(result).isInstanceOf(DecodeResult.Decoded.class);
    GenericRecord record = ((DecodeResult.Decoded) result).record();
    assertThat(record.get("id")).hasToString("e1");
    assertThat(record.get("amount")).isEqualTo(12.5);
    assertThat(result.schemaId()).isEqualTo(1);
  }

  @Test
  void shouldResolveEvolvedWriterOntoReader() {
    GenericRecord evolved = payment(EVOLVED, "e2", 3.0, "ECOM");
    evolved.put("device", "phone");
    byte[] bytes = new WireFormatEncoder(EVOLVED, 2).encode(evolved);

    DecodeResult result = decoder.decode(bytes);

    assertThat(result).isInstanceOf(DecodeResult.Decoded.class);
    GenericRecord record = ((DecodeResult.Decoded) result).record();
    assertThat(record.getSchema()).isEqualTo(READER);
    assertThat(record.get("channel")).hasToString("ECOM");
  }

  @Test
  void shouldPromoteWriterTypesTheReaderWidens() {
    Schema writer =
        SchemaBuilder.record("Measure")
            .namespace("t")
            .fields()
            .requiredString("id")
            .requiredInt("count")
            .requiredFloat("ratio")
            .requiredInt("total")
            .endRecord();
    Schema reader =
        SchemaBuilder.record("Measure")
            .namespace("t")
            .fields()
            .requiredString("id")
            .requiredLong("count")
            .requiredDouble("ratio")
            .requiredDouble("total")
            .endRecord();
    GenericRecord written = new GenericData.Record(writer);
    written.put("id", "m1");
    written.put("count", 2_000_000_000);
    written.put("ratio", 0.25f);
    written.put("total", -7);
    byte[] bytes = new WireFormatEncoder(writer, 4).encode(written);

    DecodeResult result =
        new WireFormatDecoder(reader, new InMemorySchemas().with(4, writer)).decode(bytes);

    GenericRecord record = ((DecodeResult.Decoded) result).record();
    assertThat(record.get("count")).isEqualTo(2_000_000_000L);
    assertThat(record.get("ratio")).isEqualTo(0.25d);
    assertThat(record.get("total")).isEqualTo(-7d);
  }

  @Test
  void shouldFillTheReaderDefaultForAFieldTheWriterLacks() {
    Schema reader =
        SchemaBuilder.record("Payment")
            .namespace("t")
            .fields()
            .requiredString("id")
            .requiredDouble("amount")
            .name("channel")
            .type()
            .enumeration("Channel")
            .symbols("POS", "ECOM")
            .noDefault()
            .name("country")
            .type()
            .stringType()
            .stringDefault("NL")
            .name("installments")
            .type()
            .intType()
            .intDefault(1)
            .optionalString("device")
            .endRecord();
    byte[] bytes = new WireFormatEncoder(READER, 1).encode(payment(READER, "e9", 9.5, "ECOM"));

    DecodeResult result = new WireFormatDecoder(reader, registry).decode(bytes);

    GenericRecord record = ((DecodeResult.Decoded) result).record();
    assertThat(record.get("id")).hasToString("e9");
    assertThat(record.get("country")).hasToString("NL");
    assertThat(record.get("installments")).isEqualTo(1);
    assertThat(record.get("device")).isNull();
  }

  @Test
  void shouldRejectEnumSymbolUnknownToReaderAsIncompatible() {
    byte[] bytes = new WireFormatEncoder(EVOLVED, 2).encode(payment(EVOLVED, "e3", 3.0, "WALLET"));

    assertFailure(decoder.decode(bytes), DecodeFailure.INCOMPATIBLE_SCHEMA);
  }

  @Test
  void shouldRejectWriterMissingRequiredReaderFieldAsIncompatible() {
    GenericRecord record = new GenericData.Record(MISSING_FIELD);
    record.put("id", "e4");
    byte[] bytes = new WireFormatEncoder(MISSING_FIELD, 3).encode(record);

    DecodeResult.Failed failed =
        assertFailure(decoder.decode(bytes), DecodeFailure.INCOMPATIBLE_SCHEMA);
    assertThat(failed.message()).contains("amount");
  }

  @Test
  void shouldRejectUnknownSchemaId() {
    byte[] bytes = new WireFormatEncoder(READER, 77).encode(payment(READER, "e5", 1.0, "POS"));

    DecodeResult.Failed failed =
        assertFailure(decoder.decode(bytes), DecodeFailure.UNKNOWN_SCHEMA_ID);
    assertThat(failed.schemaId()).isEqualTo(77);
  }

  @Test
  void shouldRejectTruncatedBody() {
    byte[] bytes =
        new WireFormatEncoder(READER, 1)
            .encode(payment(READER, "event-with-a-long-id", 1.0, "POS"));

    assertFailure(
        decoder.decode(Arrays.copyOf(bytes, bytes.length - 4)), DecodeFailure.UNDECODABLE);
  }

  @Test
  void shouldRejectTrailingBytes() {
    byte[] bytes = new WireFormatEncoder(READER, 1).encode(payment(READER, "e6", 1.0, "POS"));
    byte[] padded = Arrays.copyOf(bytes, bytes.length + 3);

    DecodeResult.Failed failed = assertFailure(decoder.decode(padded), DecodeFailure.UNDECODABLE);
    assertThat(failed.message()).contains("trailing");
  }

  @Test
  void shouldRejectJsonAndShortPayloadsAsNotWireFormat() {
    assertThat(
            assertFailure(decoder.decode("{\"id\":1}".getBytes()), DecodeFailure.NOT_WIRE_FORMAT)
                .message())
        .contains("JSON");
    assertFailure(decoder.decode(new byte[] {0, 0, 1}), DecodeFailure.NOT_WIRE_FORMAT);
    assertFailure(decoder.decode(new byte[0]), DecodeFailure.NOT_WIRE_FORMAT);
    assertFailure(decoder.decode(null), DecodeFailure.NOT_WIRE_FORMAT);
  }

  @Test
  void shouldRejectHugeDeclaredStringLengthWithoutAllocatingIt() {
    // header for id 1, then a zig-zag varint of ~1e9 as the length of "id"
    byte[] bytes = {0, 0, 0, 0, 1, (byte) 0xfe, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07};

    assertFailure(decoder.decode(bytes), DecodeFailure.UNDECODABLE);
  }

  static GenericRecord payment(Schema schema, String id, double amount, String channel) {
    GenericRecord record = new GenericData.Record(schema);
    record.put("id", id);
    record.put("amount", amount);
    record.put("channel", new GenericData.EnumSymbol(schema.getField("channel").schema(), channel));
    return record;
  }

  static DecodeResult.Failed assertFailure(DecodeResult result, DecodeFailure expected) {
    assertThat(result).isInstanceOf(DecodeResult.Failed.class);
    DecodeResult.Failed failed = (DecodeResult.Failed) result;
    assertThat(failed.failure()).as(failed.message()).isEqualTo(expected);
    return failed;
  }

  @Test
  void shouldCountDecodedRecordsPerWriterSchemaOnly() {
    java.util.Map<Integer, java.util.concurrent.atomic.LongAdder> counters =
        new java.util.HashMap<>();
    WireFormatDecoder counting =
        decoder.counting(
            (id, writer, reader) -> {
              assertThat(reader).isEqualTo(READER);
              return counters.computeIfAbsent(id, i -> new java.util.concurrent.atomic.LongAdder());
            });
    byte[] reader = new WireFormatEncoder(READER, 1).encode(payment(READER, "e1", 1, "POS"));
    byte[] evolved = new WireFormatEncoder(EVOLVED, 2).encode(payment(EVOLVED, "e2", 2, "POS"));
    byte[] wallet = new WireFormatEncoder(EVOLVED, 2).encode(payment(EVOLVED, "e3", 3, "WALLET"));

    counting.decode(reader);
    counting.decode(reader);
    counting.decode(evolved);
    counting.decode(wallet);

    assertThat(counters.get(1).sum()).isEqualTo(2);
    assertThat(counters.get(2).sum()).as("the WALLET record did not decode").isEqualTo(1);
  }
}

package dev.scorestream.codec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * Encodes records of one registered schema into the Confluent wire format. Not thread-safe: it reuses
 * its buffer and encoder; create one per stream task or per producer thread.
 */
public final class WireFormatEncoder {

  private final int schemaId;
  private final byte[] header = new byte[WireFormat.HEADER_SIZE];
  private final GenericDatumWriter<GenericRecord> writer;
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
  private BinaryEncoder encoder;

  public WireFormatEncoder(Schema schema, int schemaId) {
    this.schemaId = schemaId;
    WireFormat.writeHeader(header, schemaId);
    this.writer = new GenericDatumWriter<>(schema);
  }

  public int schemaId() {
    return schemaId;
  }

  public byte[] encode(GenericRecord record) {
    buffer.reset();
    buffer.writeBytes(header);
    encoder = EncoderFactory.get().directBinaryEncoder(buffer, encoder);
    try {
      writer.write(record, encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode " + record.getSchema().getFullName(), e);
    }
    return buffer.toByteArray();
  }
}

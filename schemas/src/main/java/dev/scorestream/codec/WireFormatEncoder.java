package dev.scorestream.codec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.Encoder;
import org.apache.avro.io.EncoderFactory;

/**
 * Encodes records of one registered schema into the Confluent wire format. Not thread-safe: it
 * reuses its buffer and encoder; create one per stream task or per producer thread. The encoder is
 * Avro's buffered one, flushed once per record: the direct encoder wrote each varint byte by byte
 * into the (synchronized) output stream.
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

  /** Writes one record's Avro body straight to the encoder (see {@link #encode(BodyWriter)}). */
  @FunctionalInterface
  public interface BodyWriter {
    void write(Encoder out) throws IOException;
  }

  /**
   * Header plus whatever {@code body} writes: for a hand-written encoder of a fixed schema on a hot
   * path, which must write exactly what {@link GenericDatumWriter} would for that schema.
   */
  public byte[] encode(BodyWriter body) {
    buffer.reset();
    buffer.writeBytes(header);
    encoder = EncoderFactory.get().binaryEncoder(buffer, encoder);
    try {
      body.write(encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode a record of schema id " + schemaId, e);
    }
    return buffer.toByteArray();
  }

  public byte[] encode(GenericRecord record) {
    return encode(out -> writer.write(record, out));
  }
}

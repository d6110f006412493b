package dev.scorestream.codec;

import dev.scorestream.registry.RegistryUnavailableException;
import dev.scorestream.registry.SchemaLookup;
import dev.scorestream.registry.SchemaNotFoundException;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.apache.avro.AvroTypeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * Decodes Confluent wire-format payloads onto one reader schema, resolving each writer schema
 * through a {@link SchemaLookup}.
 *
 * <p>Not thread-safe: it reuses one {@link BinaryDecoder} and keeps a per-instance map of resolving
 * readers, so the registry is asked once per schema id per instance. Create one per stream task.
 */
public final class WireFormatDecoder {

  private final Schema readerSchema;
  private final SchemaLookup registry;
  private final WriterCounts counts;
  private final Map<Integer, WriterReader> readers = new HashMap<>();
  private BinaryDecoder decoder;

  public WireFormatDecoder(Schema readerSchema, SchemaLookup registry) {
    this(readerSchema, registry, WriterCounts.NONE);
  }

  private WireFormatDecoder(Schema readerSchema, SchemaLookup registry, WriterCounts counts) {
    this.readerSchema = readerSchema;
    this.registry = registry;
    this.counts = counts;
  }

  /**
   * A decoder like this one that counts the records it decodes per writer schema into {@code
   * counts}: one increment per record.
   */
  public WireFormatDecoder counting(WriterCounts counts) {
    return new WireFormatDecoder(readerSchema, registry, counts);
  }

  public Schema readerSchema() {
    return readerSchema;
  }

  /**
   * A decoder onto another reader schema, resolving writer schemas through the same registry (and
   * counting nothing).
   */
  public WireFormatDecoder withReaderSchema(Schema reader) {
    return new WireFormatDecoder(reader, registry);
  }

  /**
   * Decodes {@code bytes}. Never throws for anything the bytes contain.
   *
   * @throws RegistryUnavailableException the writer schema could not be fetched (an outage, not the
   *     record's fault)
   */
  public DecodeResult decode(byte[] bytes) {
    if (bytes == null) {
      return new DecodeResult.Failed(
          DecodeFailure.NOT_WIRE_FORMAT, "value is null (tombstone)", -1, null);
    }
    if (!WireFormat.hasHeader(bytes)) {
      return new DecodeResult.Failed(
          DecodeFailure.NOT_WIRE_FORMAT, describeMissingHeader(bytes), -1, null);
    }
    int schemaId = WireFormat.schemaId(bytes);
    WriterReader reader = readers.get(schemaId);
    if (reader == null) {
      try {
        Schema writer = registry.schemaById(schemaId);
        reader =
            WriterReader.resolve(
                writer, readerSchema, counts.counter(schemaId, writer, readerSchema));
      } catch (SchemaNotFoundException e) {
        return new DecodeResult.Failed(
            DecodeFailure.UNKNOWN_SCHEMA_ID, e.getMessage(), schemaId, e);
      }
      readers.put(schemaId, reader);
    }
    if (reader.datumReader == null) {
      return new DecodeResult.Failed(
          DecodeFailure.INCOMPATIBLE_SCHEMA,
          "writer schema "
              + schemaId
              + " cannot be read as "
              + readerSchema.getFullName()
              + ": "
              + reader.incompatibility,
          schemaId,
          null);
    }
    decoder =
        DecoderFactory.get()
            .binaryDecoder(
                bytes, WireFormat.HEADER_SIZE, bytes.length - WireFormat.HEADER_SIZE, decoder);
    try {
      GenericRecord record = reader.datumReader.read(null, decoder);
      if (!decoder.isEnd()) {
        return new DecodeResult.Failed(
            DecodeFailure.UNDECODABLE,
            "trailing bytes after the record (schema id " + schemaId + ")",
            schemaId,
            null);
      }
      if (reader.decoded != null) {
        reader.decoded.increment();
      }
      return new DecodeResult.Decoded(record, schemaId);
    } catch (AvroTypeException e) {
      DecodeFailure failure =
          reader.fullyCompatible ? DecodeFailure.UNDECODABLE : DecodeFailure.INCOMPATIBLE_SCHEMA;
      return new DecodeResult.Failed(failure, message(e), schemaId, e);
    } catch (IOException | RuntimeException e) {
      return new DecodeResult.Failed(DecodeFailure.UNDECODABLE, message(e), schemaId, e);
    }
  }

  private static String describeMissingHeader(byte[] bytes) {
    if (bytes.length == 0) {
      return "empty value";
    }
    if (bytes[0] != WireFormat.MAGIC_BYTE) {
      return String.format(
          "first byte is 0x%02x, not the magic byte 0x00%s",
          bytes[0] & 0xff, bytes[0] == '{' || bytes[0] == '[' ? " (looks like JSON)" : "");
    }
    return "only " + bytes.length + " bytes, shorter than the 5-byte header";
  }

  private static String message(Throwable e) {
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }

  /**
   * A resolving reader for one writer schema, or why none can be built. {@code fullyCompatible} is
   * false when Avro's compatibility check finds a problem that only some records hit (e.g. an enum
   * symbol the reader lacks): those records fail with INCOMPATIBLE_SCHEMA, the others decode.
   * {@code decoded} counts the records decoded, or is null.
   */
  private record WriterReader(
      GenericDatumReader<GenericRecord> datumReader,
      boolean fullyCompatible,
      String incompatibility,
      LongAdder decoded) {

    static WriterReader resolve(Schema writer, Schema reader, LongAdder decoded) {
      SchemaCompatibility.SchemaPairCompatibility check =
          SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
      boolean compatible =
          check.getType() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE;
      if (!compatible && !recordLevelResolvable(writer, reader)) {
        return new WriterReader(null, false, check.getDescription(), decoded);
      }
      return new WriterReader(
          new GenericDatumReader<>(writer, reader), compatible, check.getDescription(), decoded);
    }

    /** Record names match and every reader field without default exists in the writer. */
    private static boolean recordLevelResolvable(Schema writer, Schema reader) {
      if (writer.getType() != Schema.Type.RECORD || !writer.getName().equals(reader.getName())) {
        return false;
      }
      for (Schema.Field field : reader.getFields()) {
        if (!field.hasDefaultValue()
            && writer.getField(field.name()) == null
            && aliasMatch(writer, field) == null) {
          return false;
        }
      }
      return true;
    }

    private static Schema.Field aliasMatch(Schema writer, Schema.Field readerField) {
      for (String alias : readerField.aliases()) {
        Schema.Field match = writer.getField(alias);
        if (match != null) {
          return match;
        }
      }
      return null;
    }
  }
}

package dev.scorestream.evolution;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;

/**
 * Random values of any Avro schema, to check that records a writer may produce decode with a
 * proposed reader: every branch of a union, every enum symbol, empty and non-empty arrays and maps
 * come up. Strings and bytes are short lowercase text.
 */
public final class AvroSamples {

  /** Arrays, maps and nested records stop growing below this depth. */
  private static final int MAX_DEPTH = 6;

  private AvroSamples() {}

  /** A random value of {@code schema}. */
  public static Object of(Schema schema, Random random) {
    return of(schema, random, 0);
  }

  private static Object of(Schema schema, Random random, int depth) {
    return switch (schema.getType()) {
      case RECORD -> record(schema, random, depth);
      case ENUM ->
          new GenericData.EnumSymbol(
              schema, schema.getEnumSymbols().get(random.nextInt(schema.getEnumSymbols().size())));
      case ARRAY -> array(schema, random, depth);
      case MAP -> map(schema, random, depth);
      case UNION -> of(branch(schema, random, depth), random, depth);
      case FIXED -> {
        byte[] bytes = new byte[schema.getFixedSize()];
        random.nextBytes(bytes);
        yield new GenericData.Fixed(schema, bytes);
      }
      case STRING -> text(random);
      case BYTES -> ByteBuffer.wrap(text(random).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      case INT -> random.nextInt();
      case LONG -> random.nextLong();
      case FLOAT -> random.nextFloat() * 1000;
      case DOUBLE -> random.nextDouble() * 1e6;
      case BOOLEAN -> random.nextBoolean();
      case NULL -> null;
    };
  }

  /** Any branch; deep down the null one when there is one, so recursive schemas end. */
  private static Schema branch(Schema union, Random random, int depth) {
    if (depth >= MAX_DEPTH) {
      for (Schema branch : union.getTypes()) {
        if (branch.getType() == Schema.Type.NULL) {
          return branch;
        }
      }
    }
    return union.getTypes().get(random.nextInt(union.getTypes().size()));
  }

  /**
   * Writes {@code count} random records of {@code writer} and reads them as {@code reader}; the
   * first failure, or empty when every one decoded.
   */
  public static Optional<String> decodeAs(Schema writer, Schema reader, int count, long seed) {
    Random random = new Random(seed);
    GenericDatumWriter<Object> write = new GenericDatumWriter<>(writer);
    GenericDatumReader<Object> read = new GenericDatumReader<>(writer, reader);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int i = 0; i < count; i++) {
      Object datum = of(writer, random);
      bytes.reset();
      try {
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        write.write(datum, encoder);
        encoder.flush();
        read.read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
      } catch (IOException | RuntimeException e) {
        return Optional.of("record " + i + " " + datum + ": " + e);
      }
    }
    return Optional.empty();
  }

  private static GenericData.Record record(Schema schema, Random random, int depth) {
    GenericData.Record record = new GenericData.Record(schema);
    for (Schema.Field field : schema.getFields()) {
      record.put(field.pos(), of(field.schema(), random, depth + 1));
    }
    return record;
  }

  private static List<Object> array(Schema schema, Random random, int depth) {
    int size = depth >= MAX_DEPTH ? 0 : random.nextInt(3);
    List<Object> items = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      items.add(of(schema.getElementType(), random, depth + 1));
    }
    return items;
  }

  private static Map<String, Object> map(Schema schema, Random random, int depth) {
    int size = depth >= MAX_DEPTH ? 0 : random.nextInt(3);
    Map<String, Object> entries = new HashMap<>();
    for (int i = 0; i < size; i++) {
      entries.put("k" + i, of(schema.getValueType(), random, depth + 1));
    }
    return entries;
  }

  private static String text(Random random) {
    char[] chars = new char[random.nextInt(8)];
    for (int i = 0; i < chars.length; i++) {
      chars[i] = (char) ('a' + random.nextInt(26));
    }
    return new String(chars);
  }
}

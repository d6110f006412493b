package dev.scorestream.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import dev.scorestream.inference.InferenceException.Kind;
import dev.scorestream.protocol.v2.InferTensorContents;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Tensor elements between the wire and {@link InputTensor} values: JSON elements, gRPC typed
 * contents and gRPC raw contents (little-endian; BYTES elements each after a 4-byte length). Every
 * integer type becomes a Long, FP32 and FP64 a Double, BOOL a Boolean, BYTES a byte[].
 */
final class TensorCodec {

  private TensorCodec() {}

  /** The datatypes a request may declare. */
  static final List<String> DATATYPES =
      List.of(
          "BOOL", "INT8", "INT16", "INT32", "INT64", "UINT8", "UINT16", "UINT32", "UINT64", "FP32",
          "FP64", "BYTES");

  private static InferenceException bad(String input, String message) {
    return new InferenceException(Kind.INVALID_ARGUMENT, "input '" + input + "' " + message);
  }

  static void checkDatatype(String input, String datatype) {
    if (!DATATYPES.contains(datatype)) {
      throw bad(input, "has datatype " + datatype + "; this server takes " + DATATYPES);
    }
  }

  /**
   * One JSON element of a tensor of {@code datatype}, already checked by {@link #checkDatatype};
   * JSON null stays null.
   */
  static Object fromJson(String input, String datatype, int index, JsonNode element) {
    if (element.isNull()) {
      return null;
    }
    switch (datatype) {
      case "BOOL":
        if (element.isBoolean()) {
          return element.booleanValue();
        }
        break;
      case "FP32":
      case "FP64":
        if (element.isNumber()) {
          return element.doubleValue();
        }
        if (element.isTextual()) {
          switch (element.asText()) {
            case "NaN":
              return Double.NaN;
            case "Infinity":
              return Double.POSITIVE_INFINITY;
            case "-Infinity":
              return Double.NEGATIVE_INFINITY;
            default:
              break;
          }
        }
        break;
      case "BYTES":
        if (element.isTextual()) {
          return element.asText().getBytes(StandardCharsets.UTF_8);
        }
        break;
      default: // integers
        if (element.isIntegralNumber() && element.canConvertToLong()) {
          long value = element.longValue();
          checkRange(input, datatype, index, value);
          return value;
        }
        break;
    }
    throw bad(
        input,
        "element "
            + index
            + " is "
            + element.getNodeType().name().toLowerCase(java.util.Locale.ROOT)
            + " "
            + abbreviate(element.toString())
            + ", not a "
            + datatype
            + " value");
  }

  private static String abbreviate(String text) {
    return text.length() > 40 ? text.substring(0, 40) + "..." : text;
  }

  private static void checkRange(String input, String datatype, int index, long value) {
    long min;
    long max;
    switch (datatype) {
      case "INT8" -> {
        min = Byte.MIN_VALUE;
        max = Byte.MAX_VALUE;
      }
      case "INT16" -> {
        min = Short.MIN_VALUE;
        max = Short.MAX_VALUE;
      }
      case "INT32" -> {
        min = Integer.MIN_VALUE;
        max = Integer.MAX_VALUE;
      }
      case "UINT8" -> {
        min = 0;
        max = 255;
      }
      case "UINT16" -> {
        min = 0;
        max = 65_535;
      }
      case "UINT32" -> {
        min = 0;
        max = 4_294_967_295L;
      }
      case "UINT64" -> {
        min = 0;
        max = Long.MAX_VALUE;
      }
      default -> {
        min = Long.MIN_VALUE;
        max = Long.MAX_VALUE;
      }
    }
    if (value < min || value > max) {
      throw bad(input, "element " + index + " (" + value + ") is outside the range of " + datatype);
    }
  }

  /** The elements of typed gRPC contents, from the field {@code datatype} uses. */
  static List<Object> fromContents(String input, String datatype, InferTensorContents contents) {
    checkDatatype(input, datatype);
    List<Object> values = new ArrayList<>();
    switch (datatype) {
      case "BOOL" -> values.addAll(contents.getBoolContentsList());
      case "INT8", "INT16", "INT32" -> {
        for (int value : contents.getIntContentsList()) {
          checkRange(input, datatype, values.size(), value);
          values.add((long) value);
        }
      }
      case "INT64" -> contents.getInt64ContentsList().forEach(v -> values.add(v));
      case "UINT8", "UINT16", "UINT32" -> {
        for (int value : contents.getUintContentsList()) {
          long unsigned = Integer.toUnsignedLong(value);
          checkRange(input, datatype, values.size(), unsigned);
          values.add(unsigned);
        }
      }
      case "UINT64" -> {
        for (long value : contents.getUint64ContentsList()) {
          if (value < 0) {
            throw bad(input, "element " + values.size() + " is above 2^63-1");
          }
          values.add(value);
        }
      }
      case "FP32" -> contents.getFp32ContentsList().forEach(v -> values.add((double) v));
      case "FP64" -> values.addAll(contents.getFp64ContentsList());
      default -> contents.getBytesContentsList().forEach(v -> values.add(v.toByteArray()));
    }
    return values;
  }

  /** The elements of one {@code raw_input_contents} entry. */
  static List<Object> fromRaw(String input, String datatype, ByteString raw) {
    checkDatatype(input, datatype);
    ByteBuffer buffer = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    List<Object> values = new ArrayList<>();
    int width = width(datatype);
    if (width > 0 && buffer.remaining() % width != 0) {
      throw bad(
          input,
          "has "
              + buffer.remaining()
              + " raw bytes, not a whole number of "
              + width
              + "-byte "
              + datatype
              + " elements");
    }
    while (buffer.hasRemaining()) {
      switch (datatype) {
        case "BOOL" -> values.add(buffer.get() != 0);
        case "INT8" -> values.add((long) buffer.get());
        case "INT16" -> values.add((long) buffer.getShort());
        case "INT32" -> values.add((long) buffer.getInt());
        case "INT64" -> values.add(buffer.getLong());
        case "UINT8" -> values.add((long) Byte.toUnsignedInt(buffer.get()));
        case "UINT16" -> values.add((long) Short.toUnsignedInt(buffer.getShort()));
        case "UINT32" -> values.add(Integer.toUnsignedLong(buffer.getInt()));
        case "UINT64" -> {
          long value = buffer.getLong();
          if (value < 0) {
            throw bad(input, "element " + values.size() + " is above 2^63-1");
          }
          values.add(value);
        }
        case "FP32" -> values.add((double) buffer.getFloat());
        case "FP64" -> values.add(buffer.getDouble());
        default -> {
          if (buffer.remaining() < 4) {
            throw bad(input, "has a truncated BYTES length prefix at element " + values.size());
          }
          int length = buffer.getInt();
          if (length < 0 || length > buffer.remaining()) {
            throw bad(
                input,
                "element "
                    + values.size()
                    + " claims "
                    + Integer.toUnsignedString(length)
                    + " bytes but "
                    + buffer.remaining()
                    + " remain");
          }
          byte[] bytes = new byte[length];
          buffer.get(bytes);
          values.add(bytes);
        }
      }
    }
    return values;
  }

  private static int width(String datatype) {
    return switch (datatype) {
      case "BOOL", "INT8", "UINT8" -> 1;
      case "INT16", "UINT16" -> 2;
      case "INT32", "UINT32", "FP32" -> 4;
      case "INT64", "UINT64", "FP64" -> 8;
      default -> 0;
    };
  }

  /** BYTES elements as raw contents: each after its 4-byte little-endian length. */
  static ByteString rawBytes(List<String> elements) {
    List<byte[]> encoded = new ArrayList<>(elements.size());
    int size = 0;
    for (String element : elements) {
      byte[] bytes = element.getBytes(StandardCharsets.UTF_8);
      encoded.add(bytes);
      size += 4 + bytes.length;
    }
    ByteBuffer buffer = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    for (byte[] bytes : encoded) {
      buffer.putInt(bytes.length).put(bytes);
    }
    return ByteString.copyFrom(buffer.array());
  }

  /** FP64 elements as raw contents. */
  static ByteString rawDoubles(double[] values) {
    ByteBuffer buffer = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (double value : values) {
      buffer.putDouble(value);
    }
    return ByteString.copyFrom(buffer.array());
  }
}

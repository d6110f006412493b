package dev.scorestream.evolution;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Generates a reader schema and a writer schema that differs from it field by field in one known
 * way each, so a property can compare the diff with what was done and with Avro's decoding. Flat
 * records: the features the pipeline reads are top-level fields.
 */
final class SchemaPairs {

  /** The field's type in the reader schema. */
  enum Base {
    INT("int"),
    LONG("long"),
    FLOAT("float"),
    DOUBLE("double"),
    STRING("string"),
    BYTES("bytes"),
    BOOLEAN("boolean"),
    ENUM("enum");

    final String avro;

    Base(String avro) {
      this.avro = avro;
    }
  }

  /** What the writer does to the field. */
  enum Mutation {
    SAME,
    PROMOTE,
    RETYPE,
    TOGGLE_NULLABLE,
    ENUM_ADD,
    ENUM_ADD_WITH_DEFAULT,
    ENUM_REMOVE,
    REMOVE,
    RENAME,
    LOGICAL,
    DEFAULT_CHANGE
  }

  /** One generated field, normalized so the mutation applies to its type. */
  record FieldGen(String name, Base base, boolean nullable, boolean hasDefault, Mutation mutation) {

    FieldGen {
      switch (mutation) {
        case PROMOTE -> base = promotable(base);
        case ENUM_ADD, ENUM_ADD_WITH_DEFAULT, ENUM_REMOVE -> base = Base.ENUM;
        case LOGICAL -> base = Base.LONG;
        case DEFAULT_CHANGE -> {
          hasDefault = true;
          nullable = false;
        }
        default -> {}
      }
    }

    /** A reader type some narrower writer type promotes to. */
    private static Base promotable(Base base) {
      return switch (base) {
        case LONG, FLOAT, DOUBLE, STRING, BYTES -> base;
        default -> Base.DOUBLE;
      };
    }

    FieldGen named(String newName) {
      return new FieldGen(newName, base, nullable, hasDefault, mutation);
    }

    String writerName() {
      return mutation == Mutation.RENAME ? "old_" + name : name;
    }

    Base writerBase() {
      return switch (mutation) {
        case PROMOTE ->
            switch (base) {
              case LONG -> Base.INT;
              case FLOAT -> Base.LONG;
              case DOUBLE -> Base.FLOAT;
              case STRING -> Base.BYTES;
              default -> Base.STRING; // BYTES
            };
        case RETYPE ->
            switch (base) {
              case INT -> Base.LONG;
              case LONG, FLOAT -> Base.STRING;
              case DOUBLE -> Base.BOOLEAN;
              case STRING, BOOLEAN -> Base.INT;
              case BYTES -> Base.DOUBLE;
              case ENUM -> Base.STRING;
            };
        default -> base;
      };
    }

    boolean writerNullable() {
      return mutation == Mutation.TOGGLE_NULLABLE ? !nullable : nullable;
    }
  }

  /** A generated pair, and the truth about it. */
  record Pair(Schema reader, Schema writer, List<FieldGen> fields, List<String> extraWriterFields) {

    /** The writer's name of each reader field it has. */
    Map<String, String> writerNames() {
      Map<String, String> names = new LinkedHashMap<>();
      for (FieldGen field : fields) {
        if (field.mutation() != Mutation.REMOVE) {
          names.put(field.name(), field.writerName());
        }
      }
      return names;
    }
  }

  private SchemaPairs() {}

  static Arbitrary<Pair> pairs() {
    Arbitrary<FieldGen> field =
        Combinators.combine(
                Arbitraries.of(Base.class),
                Arbitraries.of(true, false),
                Arbitraries.of(true, false),
                Arbitraries.of(Mutation.class))
            .as(
                (base, nullable, hasDefault, mutation) ->
                    new FieldGen("f", base, nullable, hasDefault, mutation));
    return Combinators.combine(
            field.list().ofMinSize(1).ofMaxSize(6), Arbitraries.integers().between(0, 2))
        .as(SchemaPairs::pair);
  }

  static Pair pair(List<FieldGen> generated, int extra) {
    List<FieldGen> fields = new ArrayList<>();
    for (int i = 0; i < generated.size(); i++) {
      fields.add(generated.get(i).named("f" + i));
    }
    List<String> readerFields = new ArrayList<>();
    List<String> writerFields = new ArrayList<>();
    for (FieldGen field : fields) {
      readerFields.add(readerField(field));
      if (field.mutation() != Mutation.REMOVE) {
        writerFields.add(writerField(field));
      }
    }
    List<String> extras = new ArrayList<>();
    for (int i = 0; i < extra; i++) {
      extras.add("extra" + i);
      writerFields.add("{\"name\": \"extra" + i + "\", \"type\": \"string\"}");
    }
    return new Pair(record(readerFields), record(writerFields), List.copyOf(fields), extras);
  }

  static Schema record(List<String> fields) {
    return new Schema.Parser()
        .parse(
            "{\"type\": \"record\", \"name\": \"Event\", \"namespace\": \"t\", \"fields\": ["
                + String.join(", ", fields)
                + "]}");
  }

  private static String readerField(FieldGen field) {
    StringBuilder json = new StringBuilder("{\"name\": \"" + field.name() + "\", \"type\": ");
    json.append(nullable(type(field, field.base(), false), field.nullable()));
    if (field.hasDefault()) {
      json.append(", \"default\": ")
          .append(field.nullable() ? "null" : defaultOf(field.base(), false));
    }
    if (field.mutation() == Mutation.RENAME) {
      json.append(", \"aliases\": [\"").append(field.writerName()).append("\"]");
    }
    return json.append('}').toString();
  }

  /**
   * The writer's field carries a default only where that is the point (same field, changed
   * default): a writer default never reaches the reader.
   */
  private static String writerField(FieldGen field) {
    StringBuilder json = new StringBuilder("{\"name\": \"" + field.writerName() + "\", \"type\": ");
    json.append(nullable(type(field, field.writerBase(), true), field.writerNullable()));
    if (field.mutation() == Mutation.SAME && field.hasDefault()) {
      json.append(", \"default\": ")
          .append(field.nullable() ? "null" : defaultOf(field.base(), false));
    }
    if (field.mutation() == Mutation.DEFAULT_CHANGE) {
      json.append(", \"default\": ").append(defaultOf(field.base(), true));
    }
    return json.append('}').toString();
  }

  private static String nullable(String type, boolean nullable) {
    return nullable ? "[\"null\", " + type + "]" : type;
  }

  private static String type(FieldGen field, Base base, boolean writer) {
    if (base == Base.ENUM) {
      List<String> symbols = new ArrayList<>(List.of("A", "B", "C"));
      if (writer
          && (field.mutation() == Mutation.ENUM_ADD
              || field.mutation() == Mutation.ENUM_ADD_WITH_DEFAULT)) {
        symbols.add("W");
      }
      if (writer && field.mutation() == Mutation.ENUM_REMOVE) {
        symbols.remove("C");
      }
      String fallback =
          !writer && field.mutation() == Mutation.ENUM_ADD_WITH_DEFAULT
              ? ", \"default\": \"A\""
              : "";
      return "{\"type\": \"enum\", \"name\": \"E_"
          + field.name()
          + "\", \"symbols\": [\""
          + String.join("\", \"", symbols)
          + "\"]"
          + fallback
          + "}";
    }
    if (field.mutation() == Mutation.LOGICAL) {
      return "{\"type\": \"long\", \"logicalType\": \""
          + (writer ? "timestamp-micros" : "timestamp-millis")
          + "\"}";
    }
    return "\"" + base.avro + "\"";
  }

  private static String defaultOf(Base base, boolean changed) {
    return switch (base) {
      case INT, LONG -> changed ? "8" : "7";
      case FLOAT -> changed ? "2.5" : "1.5";
      case DOUBLE -> changed ? "3.5" : "2.5";
      case STRING -> changed ? "\"e\"" : "\"d\"";
      case BYTES -> changed ? "\"y\"" : "\"x\"";
      case BOOLEAN -> changed ? "false" : "true";
      case ENUM -> changed ? "\"C\"" : "\"B\"";
    };
  }

  /** A random record of the writer schema; nullable fields are null a third of the time. */
  static GenericRecord datum(Schema writer, Random random) {
    GenericRecord record = new GenericData.Record(writer);
    for (Schema.Field field : writer.getFields()) {
      Schema type = field.schema();
      if (type.getType() == Schema.Type.UNION) {
        type = type.getTypes().get(1);
        if (random.nextInt(3) == 0) {
          continue;
        }
      }
      record.put(field.pos(), value(type, random));
    }
    return record;
  }

  private static Object value(Schema type, Random random) {
    return switch (type.getType()) {
      case INT -> random.nextInt();
      case LONG -> random.nextLong();
      case FLOAT -> random.nextFloat() * 1000;
      case DOUBLE -> random.nextDouble() * 1e6;
      case STRING -> text(random);
      case BYTES -> ByteBuffer.wrap(text(random).getBytes(StandardCharsets.US_ASCII));
      case BOOLEAN -> random.nextBoolean();
      case ENUM ->
          new GenericData.EnumSymbol(
              type, type.getEnumSymbols().get(random.nextInt(type.getEnumSymbols().size())));
      default -> throw new IllegalArgumentException("not generated: " + type);
    };
  }

  private static String text(Random random) {
    char[] chars = new char[random.nextInt(6)];
    for (int i = 0; i < chars.length; i++) {
      chars[i] = (char) ('a' + random.nextInt(26));
    }
    return new String(chars);
  }
}

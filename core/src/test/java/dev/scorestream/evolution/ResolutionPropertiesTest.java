package dev.scorestream.evolution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.evolution.SchemaPairs.FieldGen;
import dev.scorestream.evolution.SchemaPairs.Pair;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;

/**
 * The diff checked against Avro itself: records written with a generated writer schema and read
 * with the generated reader schema decode exactly when the diff says they do, carry the reader's
 * default exactly in the fields the diff calls removed, and every other field carries the writer's
 * value under whatever name the diff matched it by.
 */
class ResolutionPropertiesTest {

  @Provide
  Arbitrary<Pair> pairs() {
    return SchemaPairs.pairs();
  }

  @Property(tries = 500)
  void shouldFailToDecodeExactlyWhenTheDiffRejectsTheValue(
      @ForAll("pairs") Pair pair, @ForAll long seed) throws IOException {
    List<FieldChange> changes = SchemaDiff.againstReader(pair.writer(), pair.reader());
    Decodability decodability = Decodability.of(pair.writer(), pair.reader());
    Random random = new Random(seed);
    for (int i = 0; i < 5; i++) {
      GenericRecord written = SchemaPairs.datum(pair.writer(), random);
      Optional<GenericRecord> read = decode(written, pair);
      assertThat(read.isEmpty())
          .as("decoding %s failed", written)
          .isEqualTo(predictsFailure(changes, decodability, written, pair));
      read.ifPresent(record -> assertValues(record, written, changes, pair));
    }
  }

  @Property(tries = 500)
  void shouldReportEachGeneratedChangeAsItsKind(@ForAll("pairs") Pair pair) {
    List<FieldChange> changes = SchemaDiff.againstReader(pair.writer(), pair.reader());
    for (FieldGen field : pair.fields()) {
      Set<ChangeKind> kinds =
          changes.stream()
              .filter(c -> c.field().equals(field.name()))
              .map(FieldChange::kind)
              .collect(Collectors.toSet());
      assertThat(kinds).as("%s", field).isEqualTo(expectedKinds(field));
    }
    assertThat(
            changes.stream()
                .filter(c -> c.kind() == ChangeKind.ADDED_IGNORED)
                .map(FieldChange::field))
        .containsExactlyElementsOf(pair.extraWriterFields());
  }

  @Property(tries = 300)
  void shouldListDefaultedFieldsAsAvrosResolutionDefaultsThem(@ForAll("pairs") Pair pair) {
    List<FieldChange> changes = SchemaDiff.againstReader(pair.writer(), pair.reader());
    boolean decodes = changes.stream().noneMatch(c -> c.kind() == ChangeKind.REMOVED_NO_DEFAULT);
    List<String> removed =
        changes.stream()
            .filter(c -> c.kind() == ChangeKind.REMOVED_READER_DEFAULT)
            .map(FieldChange::field)
            .toList();
    assertThat(DefaultedFields.of(pair.writer(), pair.reader()))
        .isEqualTo(decodes ? removed : List.of());
  }

  @Property(tries = 300)
  void shouldDecodeEveryEventExactlyWhenAvroCallsThePairCompatible(@ForAll("pairs") Pair pair) {
    boolean avroCompatible =
        SchemaCompatibility.checkReaderWriterCompatibility(pair.reader(), pair.writer()).getType()
            == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE;
    assertThat(Decodability.of(pair.writer(), pair.reader()) == Decodability.ALL_EVENTS)
        .isEqualTo(avroCompatible);
  }

  @Property(tries = 300)
  void shouldDescribeVersionsAsTheReaderDiffDoesWithoutRejections(@ForAll("pairs") Pair pair) {
    List<FieldChange> betweenVersions = SchemaDiff.sincePrevious(pair.reader(), pair.writer());
    assertThat(betweenVersions).allMatch(change -> !change.rejection().rejectsAny());
    assertThat(betweenVersions.stream().map(ResolutionPropertiesTest::typeAgnostic))
        .containsExactlyElementsOf(
            SchemaDiff.againstReader(pair.writer(), pair.reader()).stream()
                .map(ResolutionPropertiesTest::typeAgnostic)
                .toList());
  }

  /**
   * Between versions a type change may promote the other way, so only "the type changed" counts.
   */
  private static String typeAgnostic(FieldChange change) {
    String kind =
        change.kind() == ChangeKind.TYPE_PROMOTED || change.kind() == ChangeKind.TYPE_INCOMPATIBLE
            ? "TYPE_CHANGED"
            : change.kind().name();
    return change.field()
        + " "
        + kind
        + " "
        + change.from()
        + " "
        + change.to()
        + " "
        + change.symbols();
  }

  private static Set<ChangeKind> expectedKinds(FieldGen field) {
    return switch (field.mutation()) {
      case SAME -> Set.of();
      case PROMOTE -> Set.of(ChangeKind.TYPE_PROMOTED);
      case RETYPE -> Set.of(ChangeKind.TYPE_INCOMPATIBLE);
      case TOGGLE_NULLABLE -> Set.of(ChangeKind.NULLABLE_CHANGED);
      case ENUM_ADD, ENUM_ADD_WITH_DEFAULT -> Set.of(ChangeKind.ENUM_SYMBOLS_ADDED);
      case ENUM_REMOVE -> Set.of(ChangeKind.ENUM_SYMBOLS_REMOVED);
      case REMOVE ->
          Set.of(
              field.hasDefault()
                  ? ChangeKind.REMOVED_READER_DEFAULT
                  : ChangeKind.REMOVED_NO_DEFAULT);
      case RENAME -> Set.of(ChangeKind.RENAMED_THROUGH_ALIAS);
      case LOGICAL -> Set.of(ChangeKind.LOGICAL_TYPE_CHANGED);
      case DEFAULT_CHANGE -> Set.of(ChangeKind.DEFAULT_CHANGED);
    };
  }

  private static boolean predictsFailure(
      List<FieldChange> changes, Decodability decodability, GenericRecord written, Pair pair) {
    if (decodability == Decodability.NO_EVENTS) {
      return true;
    }
    Map<String, String> writerNames = pair.writerNames();
    for (FieldChange change : changes) {
      Rejection rejection = change.rejection();
      Object value =
          writerNames.containsKey(change.field())
              ? written.get(writerNames.get(change.field()))
              : null;
      boolean fails =
          switch (rejection.scope()) {
            case NONE -> false;
            case EVERY_VALUE -> true;
            case WRITER_BRANCHES -> rejection.values().contains(branch(value, pair, change));
            case ENUM_SYMBOLS -> value != null && rejection.values().contains(value.toString());
            case SOME_VALUES -> throw new AssertionError("flat records never need SOME_VALUES");
          };
      if (fails) {
        return true;
      }
    }
    return false;
  }

  private static String branch(Object value, Pair pair, FieldChange change) {
    if (value == null) {
      return "null";
    }
    Schema type = pair.writer().getField(pair.writerNames().get(change.field())).schema();
    return Rejections.branchName(TypeNames.nonNull(type));
  }

  private static Optional<GenericRecord> decode(GenericRecord written, Pair pair)
      throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
    new GenericDatumWriter<GenericRecord>(pair.writer()).write(written, encoder);
    encoder.flush();
    try {
      return Optional.of(
          new GenericDatumReader<GenericRecord>(pair.writer(), pair.reader())
              .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null)));
    } catch (AvroRuntimeException e) {
      return Optional.empty();
    }
  }

  private static void assertValues(
      GenericRecord read, GenericRecord written, List<FieldChange> changes, Pair pair) {
    List<String> removed = new ArrayList<>();
    changes.stream()
        .filter(c -> c.kind() == ChangeKind.REMOVED_READER_DEFAULT)
        .forEach(c -> removed.add(c.field()));
    for (Schema.Field field : pair.reader().getFields()) {
      Object value = read.get(field.pos());
      if (removed.contains(field.name())) {
        assertThat(normalized(value))
            .as("%s is the reader's default", field.name())
            .isEqualTo(normalized(GenericData.get().getDefaultValue(field)));
      } else {
        Object source = written.get(pair.writerNames().get(field.name()));
        assertThat(normalized(value))
            .as("%s carries the writer's value", field.name())
            .isEqualTo(normalized(expected(source, field.schema())));
      }
    }
  }

  /** The writer's value as the reader should see it: an unknown symbol becomes the default. */
  private static Object expected(Object source, Schema readerType) {
    Schema type = TypeNames.nonNull(readerType);
    if (source != null
        && type.getType() == Schema.Type.ENUM
        && !type.getEnumSymbols().contains(source.toString())) {
      return type.getEnumDefault();
    }
    if (source instanceof Number number && type.getType() == Schema.Type.FLOAT) {
      return (double) number.floatValue();
    }
    return source;
  }

  /** Compares across promotions: numbers as doubles, text and bytes as text, symbols by name. */
  private static Object normalized(Object value) {
    if (value instanceof Number number) {
      return number.doubleValue();
    }
    if (value instanceof ByteBuffer buffer) {
      return StandardCharsets.US_ASCII.decode(buffer.duplicate()).toString();
    }
    if (value instanceof byte[] bytes) {
      return new String(bytes, StandardCharsets.ISO_8859_1);
    }
    return value == null ? null : value.toString();
  }
}

package dev.scorestream.evolution;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;

/**
 * Field-by-field differences between a writer schema and the schema that reads it, as {@link
 * FieldChange}s in reader field order (the writer's extra fields last).
 *
 * <p>Against the pipeline's reader schema, fields match as Avro matches them (same name, else one
 * of the reader field's aliases) and each change that makes values fail carries its {@link
 * Rejection}, read off Avro's own resolution. Between two versions of a writer, the previous one
 * takes the reader's place (so "added" is what the new version added), an alias on either side
 * counts as a rename, a type change counts as a promotion in either direction, and nothing is
 * rejected, since nothing is decoded. Nested records are compared field by field ({@code a.b}),
 * array elements as {@code a[]} and map values as {@code a{}}.
 */
public final class SchemaDiff {

  private static final String NOTHING = FieldChange.NOTHING;

  private final boolean againstReader;
  private final List<FieldChange> changes = new ArrayList<>();

  private SchemaDiff(boolean againstReader) {
    this.againstReader = againstReader;
  }

  /** How data written with {@code writer} reads as {@code reader}. */
  public static List<FieldChange> againstReader(Schema writer, Schema reader) {
    SchemaDiff diff = new SchemaDiff(true);
    diff.root(writer, reader, Decodability.namesMatch(writer, reader));
    return List.copyOf(diff.changes);
  }

  /** What {@code next} changed since {@code previous}, two versions of one subject. */
  public static List<FieldChange> sincePrevious(Schema previous, Schema next) {
    SchemaDiff diff = new SchemaDiff(false);
    diff.root(next, previous, diff.namedAlike(next, previous));
    return List.copyOf(diff.changes);
  }

  private void root(Schema writer, Schema reader, boolean namesMatch) {
    if (writer.getType() != Schema.Type.RECORD || reader.getType() != Schema.Type.RECORD) {
      value("", writer, reader, rejection(writer, reader));
      return;
    }
    if (!namesMatch) {
      // The decoder refuses a record of another name outright; its fields are still compared, so
      // the report says what else differs.
      add("", ChangeKind.TYPE_INCOMPATIBLE, writer.getFullName(), reader.getFullName(), every());
    }
    record("", writer, reader);
  }

  private void record(String prefix, Schema writer, Schema reader) {
    Set<String> matched = new HashSet<>();
    for (Schema.Field field : reader.getFields()) {
      Schema.Field written = match(writer, field);
      if (written == null) {
        removed(prefix + field.name(), field);
      } else {
        matched.add(written.name());
        field(prefix + field.name(), written, field);
      }
    }
    for (Schema.Field field : writer.getFields()) {
      if (!matched.contains(field.name())) {
        note(
            prefix + field.name(), ChangeKind.ADDED_IGNORED, NOTHING, TypeNames.of(field.schema()));
      }
    }
  }

  /**
   * The writer's field {@code field} is read from: same name, else a reader alias (Avro's rule);
   * between versions also a writer alias naming the reader's field.
   */
  private Schema.Field match(Schema writer, Schema.Field field) {
    Schema.Field same = writer.getField(field.name());
    if (same != null) {
      return same;
    }
    for (String alias : field.aliases()) {
      if (writer.getField(alias) != null) {
        return writer.getField(alias);
      }
    }
    if (!againstReader) {
      for (Schema.Field candidate : writer.getFields()) {
        if (candidate.aliases().contains(field.name())) {
          return candidate;
        }
      }
    }
    return null;
  }

  private void removed(String path, Schema.Field field) {
    if (field.hasDefaultValue()) {
      note(
          path, ChangeKind.REMOVED_READER_DEFAULT, NOTHING, DefaultValues.json(field.defaultVal()));
    } else {
      add(path, ChangeKind.REMOVED_NO_DEFAULT, NOTHING, TypeNames.of(field.schema()), every());
    }
  }

  private void field(String path, Schema.Field written, Schema.Field read) {
    if (!written.name().equals(read.name())) {
      note(path, ChangeKind.RENAMED_THROUGH_ALIAS, written.name(), read.name());
    }
    value(path, written.schema(), read.schema(), rejection(written.schema(), read.schema()));
    if (written.hasDefaultValue()
        && read.hasDefaultValue()
        && !DefaultValues.same(written.defaultVal(), read.defaultVal())) {
      note(
          path,
          ChangeKind.DEFAULT_CHANGED,
          DefaultValues.json(written.defaultVal()),
          DefaultValues.json(read.defaultVal()));
    }
  }

  /** Nullability, then the type; {@code rejection} is what Avro fails on at this path. */
  private void value(String path, Schema written, Schema read, Rejection rejection) {
    boolean writtenNullable = TypeNames.allowsNull(written);
    if (writtenNullable != TypeNames.allowsNull(read)) {
      // Only a null the reader cannot hold fails; the other way round every value still reads.
      add(
          path,
          ChangeKind.NULLABLE_CHANGED,
          TypeNames.of(written),
          TypeNames.of(read),
          writtenNullable ? rejection : Rejection.NONE);
    }
    type(path, TypeNames.nonNull(written), TypeNames.nonNull(read), rejection);
  }

  private void type(String path, Schema written, Schema read, Rejection rejection) {
    String writtenLogical = TypeNames.logical(written);
    String readLogical = TypeNames.logical(read);
    if (!writtenLogical.equals(readLogical)) {
      note(path, ChangeKind.LOGICAL_TYPE_CHANGED, writtenLogical, readLogical);
    }
    boolean union = written.getType() == Schema.Type.UNION || read.getType() == Schema.Type.UNION;
    if (union ? !written.equals(read) : written.getType() != read.getType()) {
      retyped(path, written, read, rejection);
      return;
    }
    switch (read.getType()) {
      case RECORD -> record(path + ".", written, read);
      case ENUM -> enums(path, written, read, rejection);
      case FIXED -> {
        if (!namedAlike(written, read) || written.getFixedSize() != read.getFixedSize()) {
          incompatible(path, written, read, rejection);
        }
      }
      case ARRAY -> element(path + "[]", written.getElementType(), read.getElementType());
      case MAP -> element(path + "{}", written.getValueType(), read.getValueType());
      default -> {}
    }
  }

  /**
   * Judged on the non-null types alone (a null the reader cannot hold is a nullability change):
   * against the reader as Avro promotes, between versions in either direction.
   */
  private void retyped(String path, Schema written, Schema read, Rejection rejection) {
    boolean promoted =
        againstReader
            ? !Rejections.of(written, read).rejectsAny()
            : !Rejections.of(written, read).rejectsAny()
                || !Rejections.of(read, written).rejectsAny();
    if (promoted) {
      note(path, ChangeKind.TYPE_PROMOTED, TypeNames.of(written), TypeNames.of(read));
    } else {
      incompatible(path, written, read, rejection);
    }
  }

  private void incompatible(String path, Schema written, Schema read, Rejection rejection) {
    add(path, ChangeKind.TYPE_INCOMPATIBLE, TypeNames.of(written), TypeNames.of(read), rejection);
  }

  private void element(String path, Schema written, Schema read) {
    value(path, written, read, rejection(written, read));
  }

  private void enums(String path, Schema written, Schema read, Rejection rejection) {
    if (!namedAlike(written, read)) {
      incompatible(path, written, read, rejection);
      return;
    }
    List<String> added = new ArrayList<>(written.getEnumSymbols());
    added.removeAll(read.getEnumSymbols());
    List<String> removed = new ArrayList<>(read.getEnumSymbols());
    removed.removeAll(written.getEnumSymbols());
    if (!added.isEmpty()) {
      String fallback = read.getEnumDefault() == null ? NOTHING : read.getEnumDefault();
      changes.add(
          new FieldChange(
              path, ChangeKind.ENUM_SYMBOLS_ADDED, NOTHING, fallback, added, rejection));
    }
    if (!removed.isEmpty()) {
      changes.add(
          new FieldChange(
              path, ChangeKind.ENUM_SYMBOLS_REMOVED, NOTHING, NOTHING, removed, Rejection.NONE));
    }
  }

  /** Against the reader, what Avro rejects; between versions, nothing (nothing is decoded). */
  private Rejection rejection(Schema written, Schema read) {
    return againstReader ? Rejections.of(written, read) : Rejection.NONE;
  }

  /** A change that fails every value, when anything is decoded at all. */
  private Rejection every() {
    return againstReader ? Rejection.EVERY_VALUE : Rejection.NONE;
  }

  /**
   * Avro's name rule for enums and fixed types (short names, or a reader alias naming the writer's
   * type); between versions an alias on either side counts.
   */
  private boolean namedAlike(Schema written, Schema read) {
    return written.getName().equals(read.getName())
        || read.getAliases().contains(written.getFullName())
        || (!againstReader && written.getAliases().contains(read.getFullName()));
  }

  /** A change no value fails on. */
  private void note(String path, ChangeKind kind, String from, String to) {
    add(path, kind, from, to, Rejection.NONE);
  }

  private void add(String path, ChangeKind kind, String from, String to, Rejection rejection) {
    changes.add(new FieldChange(path, kind, from, to, List.of(), rejection));
  }
}

package dev.scorestream.evolution;

import java.util.List;

/**
 * One difference between a writer schema and the schema that reads it.
 *
 * <p>What {@code from} and {@code to} hold depends on the kind (types are written as Avro names:
 * {@code int}, {@code dev.scorestream.avro.Channel}, or the JSON of a complex type):
 *
 * <ul>
 *   <li>{@code ADDED_IGNORED}: -, the writer's type;
 *   <li>{@code REMOVED_READER_DEFAULT}: -, the reader's default as JSON;
 *   <li>{@code REMOVED_NO_DEFAULT}: -, the reader's type;
 *   <li>{@code RENAMED_THROUGH_ALIAS}: the writer's name, the reader's name;
 *   <li>{@code TYPE_PROMOTED}, {@code TYPE_INCOMPATIBLE}, {@code NULLABLE_CHANGED}: the writer's
 *       type, the reader's type;
 *   <li>{@code ENUM_SYMBOLS_ADDED}: -, the reader's default symbol (or - when it has none); {@code
 *       symbols} lists the writer's symbols the reader lacks;
 *   <li>{@code ENUM_SYMBOLS_REMOVED}: -, -; {@code symbols} lists the reader's symbols the writer
 *       lacks;
 *   <li>{@code LOGICAL_TYPE_CHANGED}: the writer's logical type, the reader's (- for none);
 *   <li>{@code DEFAULT_CHANGED}: the writer's default, the reader's, as JSON.
 * </ul>
 *
 * @param field the reader's field path ({@code amount}, {@code address.zip}, {@code tags[]}, {@code
 *     attributes{}}); for {@code ADDED_IGNORED} the writer's; empty for the record itself
 * @param rejection which values of this field fail to decode; {@link Rejection#NONE} in a diff
 *     between two writer versions, where nothing is decoded
 */
public record FieldChange(
    String field,
    ChangeKind kind,
    String from,
    String to,
    List<String> symbols,
    Rejection rejection) {

  /** What {@code from} or {@code to} holds when there is nothing to say. */
  public static final String NOTHING = "-";

  public FieldChange {
    symbols = List.copyOf(symbols);
  }

  /** The top-level field the change is in: what a feature can be read from. */
  public String topLevelField() {
    int end = field.length();
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '.' || c == '[' || c == '{') {
        end = i;
        break;
      }
    }
    return field.substring(0, end);
  }

  /** True for a change to a top-level field itself, not to something nested in it. */
  public boolean isTopLevel() {
    return !field.isEmpty() && topLevelField().length() == field.length();
  }
}

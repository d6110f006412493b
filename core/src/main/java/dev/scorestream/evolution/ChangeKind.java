package dev.scorestream.evolution;

/**
 * One kind of difference between two schemas, named from the reading side's point of view: when the
 * pipeline's reader schema is compared with a writer schema, "added" means the writer has a field
 * the reader lacks. Against the subject's previous writer, the previous writer takes the reader's
 * place, so "added" means the new version added the field.
 */
public enum ChangeKind {
  /** The writer has a field the reader has no name or alias for: its values are skipped. */
  ADDED_IGNORED,
  /** The writer lacks a field the reader has: every event carries the reader's default. */
  REMOVED_READER_DEFAULT,
  /**
   * The writer lacks a field the reader has and the reader declares no default: nothing decodes.
   */
  REMOVED_NO_DEFAULT,
  /** The writer's field is the reader's under another name, matched through an alias. */
  RENAMED_THROUGH_ALIAS,
  /** The types differ and Avro promotes the writer's (int to long, float to double, ...). */
  TYPE_PROMOTED,
  /** The types differ and Avro cannot read one as the other (for some or all values). */
  TYPE_INCOMPATIBLE,
  /** One side accepts null and the other does not. */
  NULLABLE_CHANGED,
  /** The writer's enum has symbols the reader's lacks. */
  ENUM_SYMBOLS_ADDED,
  /** The reader's enum has symbols the writer's lacks: they no longer occur. */
  ENUM_SYMBOLS_REMOVED,
  /** Same underlying type, another logical type (timestamp-millis to -micros, decimal scale). */
  LOGICAL_TYPE_CHANGED,
  /** Both declare a default and the defaults differ. */
  DEFAULT_CHANGED
}

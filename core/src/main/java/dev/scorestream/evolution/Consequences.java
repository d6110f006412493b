package dev.scorestream.evolution;

import java.util.Optional;
import java.util.Set;

/** What one change against the reader schema does to one feature read from the changed field. */
final class Consequences {

  /** Promotions that keep every value exactly; the others round (long to double) or re-read. */
  private static final Set<String> EXACT = Set.of("int>long", "int>double", "float>double");

  private Consequences() {}

  /** The consequence, or empty when the change does not reach this feature at all. */
  static Optional<Consequence> of(FieldChange change, FeatureInput input) {
    if (change.rejection().rejectsAny()) {
      return Optional.of(Consequence.DEAD_LETTERED);
    }
    return switch (change.kind()) {
      case ADDED_IGNORED, RENAMED_THROUGH_ALIAS, NULLABLE_CHANGED, DEFAULT_CHANGED ->
          Optional.of(Consequence.UNAFFECTED);
      case REMOVED_READER_DEFAULT -> Optional.of(Consequence.ALWAYS_DEFAULT);
      case REMOVED_NO_DEFAULT, TYPE_INCOMPATIBLE -> Optional.of(Consequence.DEAD_LETTERED);
      case TYPE_PROMOTED ->
          Optional.of(
              EXACT.contains(change.from() + ">" + change.to())
                  ? Consequence.UNAFFECTED
                  : Consequence.VALUES_REENCODED);
      case LOGICAL_TYPE_CHANGED -> Optional.of(Consequence.VALUES_REENCODED);
      case ENUM_SYMBOLS_ADDED -> symbolsAdded(change, input);
      case ENUM_SYMBOLS_REMOVED -> symbolsRemoved(change, input);
    };
  }

  /**
   * Not rejected, so the reader has a default symbol: the new symbols read as it, and only its
   * one-hot column (and whatever is derived from the field) sees other events than before.
   */
  private static Optional<Consequence> symbolsAdded(FieldChange change, FeatureInput input) {
    if (input.use() == FeatureInput.Use.ONE_HOT) {
      return change.to().equals(input.category())
          ? Optional.of(Consequence.VALUES_REENCODED)
          : Optional.empty();
    }
    return Optional.of(Consequence.VALUES_REENCODED);
  }

  /** A symbol the writer no longer has never sets its one-hot column again. */
  private static Optional<Consequence> symbolsRemoved(FieldChange change, FeatureInput input) {
    if (input.use() == FeatureInput.Use.ONE_HOT) {
      return change.symbols().contains(input.category())
          ? Optional.of(Consequence.ALWAYS_DEFAULT)
          : Optional.empty();
    }
    return Optional.of(Consequence.VALUES_REENCODED);
  }
}

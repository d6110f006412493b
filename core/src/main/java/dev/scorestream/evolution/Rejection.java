package dev.scorestream.evolution;

import java.util.List;

/**
 * Which values written under a writer schema Avro cannot resolve onto the reader: an event carrying
 * one fails to decode and becomes an {@code INCOMPATIBLE_SCHEMA} dead letter. Avro reports such
 * errors lazily (only a value that reaches the unresolvable part fails), so this says which values
 * do, as precisely as the schemas allow.
 *
 * @param scope how far the failure reaches
 * @param values the writer's union branches ({@code "null"}, {@code "string"}, a full name) for
 *     {@link Scope#WRITER_BRANCHES}, the writer's enum symbols for {@link Scope#ENUM_SYMBOLS}, else
 *     empty
 */
public record Rejection(Scope scope, List<String> values) {

  /** How far a resolution failure reaches. */
  public enum Scope {
    /** Every value resolves. */
    NONE,
    /** No value resolves: every event written this way is dead-lettered. */
    EVERY_VALUE,
    /** Values written in one of the listed branches of the writer's union fail. */
    WRITER_BRANCHES,
    /** The listed writer enum symbols have no reader symbol and no reader default. */
    ENUM_SYMBOLS,
    /**
     * Some values fail, depending on what they hold deeper down (an array element, a nested union);
     * the decoder tells which.
     */
    SOME_VALUES
  }

  public static final Rejection NONE = new Rejection(Scope.NONE, List.of());
  public static final Rejection EVERY_VALUE = new Rejection(Scope.EVERY_VALUE, List.of());
  public static final Rejection SOME_VALUES = new Rejection(Scope.SOME_VALUES, List.of());

  public Rejection {
    values = List.copyOf(values);
  }

  /** True when at least one value fails to resolve. */
  public boolean rejectsAny() {
    return scope != Scope.NONE;
  }
}

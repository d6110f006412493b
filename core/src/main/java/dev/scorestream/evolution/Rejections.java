package dev.scorestream.evolution;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.apache.avro.Resolver;
import org.apache.avro.Schema;

/**
 * Reads a {@link Rejection} off Avro's own resolution ({@link Resolver}), so the analysis never
 * disagrees with the decoder about which values fail: the decoder walks the same action tree.
 */
final class Rejections {

  private Rejections() {}

  /** The values written with {@code writer} that cannot be read as {@code reader}. */
  static Rejection of(Schema writer, Schema reader) {
    return of(Resolver.resolve(writer, reader), Collections.newSetFromMap(new IdentityHashMap<>()));
  }

  private static Rejection of(Resolver.Action action, Set<Resolver.Action> visiting) {
    return switch (action.type) {
      case ERROR -> Rejection.EVERY_VALUE;
      case DO_NOTHING, PROMOTE, SKIP -> Rejection.NONE;
      case ENUM -> ofEnum((Resolver.EnumAdjust) action);
      case READER_UNION -> of(((Resolver.ReaderUnion) action).actualAction, visiting);
      case WRITER_UNION -> ofWriterUnion((Resolver.WriterUnion) action, visiting);
      // An empty array or map has no element to fail on, so a failing element fails only some.
      case CONTAINER ->
          of(((Resolver.Container) action).elementAction, visiting).rejectsAny()
              ? Rejection.SOME_VALUES
              : Rejection.NONE;
      case RECORD -> ofRecord((Resolver.RecordAdjust) action, visiting);
    };
  }

  private static Rejection ofEnum(Resolver.EnumAdjust action) {
    List<String> symbols = new ArrayList<>();
    List<String> written = action.writer.getEnumSymbols();
    for (int i = 0; i < action.adjustments.length; i++) {
      if (action.adjustments[i] < 0) {
        symbols.add(written.get(i));
      }
    }
    return symbols.isEmpty()
        ? Rejection.NONE
        : new Rejection(Rejection.Scope.ENUM_SYMBOLS, symbols);
  }

  /**
   * Each writer branch resolves on its own, so a value fails exactly when its branch does: branches
   * that fail whole are named, enum symbols that fail are named (a nullable enum is the common
   * case), and any other mix becomes {@link Rejection#SOME_VALUES}.
   */
  private static Rejection ofWriterUnion(
      Resolver.WriterUnion action, Set<Resolver.Action> visiting) {
    List<String> failing = new ArrayList<>();
    List<String> symbols = new ArrayList<>();
    boolean partly = false;
    for (int i = 0; i < action.actions.length; i++) {
      Rejection branch = of(action.actions[i], visiting);
      switch (branch.scope()) {
        case NONE -> {}
        case EVERY_VALUE -> failing.add(branchName(action.writer.getTypes().get(i)));
        case ENUM_SYMBOLS -> symbols.addAll(branch.values());
        default -> partly = true;
      }
    }
    if (partly || (!failing.isEmpty() && !symbols.isEmpty())) {
      return Rejection.SOME_VALUES;
    }
    if (!symbols.isEmpty()) {
      return new Rejection(Rejection.Scope.ENUM_SYMBOLS, symbols);
    }
    if (failing.isEmpty()) {
      return Rejection.NONE;
    }
    return failing.size() == action.actions.length
        ? Rejection.EVERY_VALUE
        : new Rejection(Rejection.Scope.WRITER_BRANCHES, failing);
  }

  private static Rejection ofRecord(Resolver.RecordAdjust action, Set<Resolver.Action> visiting) {
    if (!visiting.add(action)) {
      return Rejection.NONE; // a recursive schema: this record is being judged further up
    }
    Rejection result = Rejection.NONE;
    for (Resolver.Action field : action.fieldActions) {
      Rejection one = of(field, visiting);
      if (one.scope() == Rejection.Scope.EVERY_VALUE) {
        result = Rejection.EVERY_VALUE;
        break;
      }
      if (one.rejectsAny()) {
        result = Rejection.SOME_VALUES;
      }
    }
    visiting.remove(action);
    return result;
  }

  /** A branch as {@link Rejection#values()} names it: a full name, or the primitive's name. */
  static String branchName(Schema branch) {
    return switch (branch.getType()) {
      case RECORD, ENUM, FIXED -> branch.getFullName();
      default -> branch.getType().getName();
    };
  }
}

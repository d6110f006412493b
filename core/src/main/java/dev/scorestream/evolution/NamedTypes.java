package dev.scorestream.evolution;

import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;

/** The named types (records, enums, fixed) a schema defines, by full name. */
final class NamedTypes {

  private NamedTypes() {}

  /** Adds every named type under {@code schema} (itself included) to {@code into}. */
  static void collect(Schema schema, Map<String, Schema> into) {
    switch (schema.getType()) {
      case RECORD -> {
        if (into.putIfAbsent(schema.getFullName(), schema) == null) {
          schema.getFields().forEach(field -> collect(field.schema(), into));
        }
      }
      case ENUM, FIXED -> into.putIfAbsent(schema.getFullName(), schema);
      case ARRAY -> collect(schema.getElementType(), into);
      case MAP -> collect(schema.getValueType(), into);
      case UNION -> schema.getTypes().forEach(branch -> collect(branch, into));
      default -> {}
    }
  }

  /** True when {@code schema} defines or uses a named type called one of {@code names}. */
  static boolean contains(Schema schema, Set<String> names) {
    Map<String, Schema> all = new java.util.HashMap<>();
    collect(schema, all);
    return all.keySet().stream().anyMatch(names::contains);
  }
}

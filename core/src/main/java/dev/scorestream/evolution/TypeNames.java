package dev.scorestream.evolution;

import java.util.List;
import java.util.stream.Collectors;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;

/** How the analysis names and unwraps Avro types, so reports read the same everywhere. */
final class TypeNames {

  private TypeNames() {}

  /**
   * A primitive by its name ({@code int}), a named type by its full name, a union as {@code [null,
   * string]}, arrays and maps as {@code array<T>} and {@code map<T>}.
   */
  static String of(Schema schema) {
    return switch (schema.getType()) {
      case RECORD, ENUM, FIXED -> schema.getFullName();
      case UNION ->
          schema.getTypes().stream().map(TypeNames::of).collect(Collectors.joining(", ", "[", "]"));
      case ARRAY -> "array<" + of(schema.getElementType()) + ">";
      case MAP -> "map<" + of(schema.getValueType()) + ">";
      default -> schema.getType().getName();
    };
  }

  static boolean allowsNull(Schema schema) {
    return schema.getType() == Schema.Type.NULL
        || (schema.getType() == Schema.Type.UNION
            && schema.getTypes().stream().anyMatch(s -> s.getType() == Schema.Type.NULL));
  }

  /**
   * The non-null part: the one other branch of a nullable union, the union without null when it has
   * several, else the schema itself.
   */
  static Schema nonNull(Schema schema) {
    if (schema.getType() != Schema.Type.UNION) {
      return schema;
    }
    List<Schema> branches =
        schema.getTypes().stream().filter(s -> s.getType() != Schema.Type.NULL).toList();
    if (branches.size() == 1) {
      return branches.get(0);
    }
    return branches.size() == schema.getTypes().size() || branches.isEmpty()
        ? schema
        : Schema.createUnion(branches);
  }

  /** The logical type as written in a schema, {@code decimal(10,2)} with its parameters. */
  static String logical(Schema schema) {
    LogicalType logical = schema.getLogicalType();
    if (logical == null) {
      return FieldChange.NOTHING;
    }
    if (logical instanceof LogicalTypes.Decimal decimal) {
      return "decimal(" + decimal.getPrecision() + "," + decimal.getScale() + ")";
    }
    return logical.getName();
  }
}

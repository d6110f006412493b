package dev.scorestream.schemas;

import java.util.List;
import org.apache.avro.Schema;

/** Small facts about Avro schemas that several parts of the pipeline ask. */
public final class AvroTypes {

  private AvroTypes() {}

  /** The non-null branch of a {@code ["null", T]} union, or the schema itself. */
  public static Schema nonNull(Schema schema) {
    if (schema.getType() == Schema.Type.UNION) {
      List<Schema> branches =
          schema.getTypes().stream().filter(s -> s.getType() != Schema.Type.NULL).toList();
      return branches.size() == 1 ? branches.get(0) : schema;
    }
    return schema;
  }
}

package dev.scorestream.codec;

import dev.scorestream.registry.SchemaLookup;
import dev.scorestream.registry.SchemaNotFoundException;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;

/** A registry stand-in for codec unit tests: a fixed id -> schema map. */
final class InMemorySchemas implements SchemaLookup {

  private final Map<Integer, Schema> schemas = new HashMap<>();

  InMemorySchemas with(int id, Schema schema) {
    schemas.put(id, schema);
    return this;
  }

  @Override
  public Schema schemaById(int id) throws SchemaNotFoundException {
    Schema schema = schemas.get(id);
    if (schema == null) {
      throw new SchemaNotFoundException(id, "schema id " + id + " is not registered");
    }
    return schema;
  }
}

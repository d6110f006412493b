package dev.scorestream.registry;

import org.apache.avro.Schema;

/**
 * Resolves the writer schema of a Confluent wire-format record by its schema id. Ids are immutable,
 * so implementations may cache answers forever.
 */
@FunctionalInterface
public interface SchemaLookup {

  /**
   * @throws SchemaNotFoundException the registry answered that no schema has this id
   * @throws RegistryUnavailableException the registry could not be asked (timeout, refused, 5xx,
   *     auth)
   */
  Schema schemaById(int id) throws SchemaNotFoundException;
}

package dev.scorestream.registry;

/**
 * The registry answered definitely that a schema id is unknown (HTTP 404 with error code 40403).
 */
public final class SchemaNotFoundException extends Exception {

  private final int schemaId;

  public SchemaNotFoundException(int schemaId, String message) {
    super(message);
    this.schemaId = schemaId;
  }

  public int schemaId() {
    return schemaId;
  }
}

package dev.scorestream.registry;

/**
 * The registry refused a write definitely, e.g. HTTP 409 for a schema that breaks the subject's
 * compatibility rule or 422 for an invalid schema.
 */
public final class RegistryRejectedException extends RuntimeException {

  private final int status;

  public RegistryRejectedException(int status, String message) {
    super(message);
    this.status = status;
  }

  public int status() {
    return status;
  }
}

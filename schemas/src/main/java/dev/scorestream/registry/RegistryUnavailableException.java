package dev.scorestream.registry;

/**
 * The registry could not give an answer: connection refused, timeout, 5xx, 429, authentication
 * failure or a response that is not the registry's. An outage is never a property of the record
 * being decoded, so callers retry and report not-ready instead of dead-lettering.
 */
public final class RegistryUnavailableException extends RuntimeException {

  public RegistryUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}

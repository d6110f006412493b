package dev.scorestream.retraining;

/**
 * Another controller (or a person's action) took the retraining lease: whatever this one was about
 * to do must not happen. It stands by and reads the trail again before it acts.
 */
public final class LeaseLostException extends RuntimeException {

  LeaseLostException(String message) {
    super(message);
  }

  LeaseLostException(String message, Throwable cause) {
    super(message, cause);
  }
}

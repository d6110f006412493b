package dev.scorestream.security;

import java.util.Optional;

/** Decides whether a bearer token is accepted. */
@FunctionalInterface
public interface TokenCheck {

  /**
   * Empty when {@code token} is accepted, else why not, in words safe to send to the client (never
   * the token itself).
   */
  Optional<String> refusal(String token);
}

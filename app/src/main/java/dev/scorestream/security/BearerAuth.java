package dev.scorestream.security;

import dev.scorestream.config.ScorerConfig;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;

/**
 * Bearer-token authentication of the scoring ports (RFC 6750): the {@code Authorization: Bearer
 * TOKEN} header of an HTTP request, or the {@code authorization} metadata of a gRPC call, checked
 * by a {@link TokenCheck}. The management port never asks for one.
 */
public final class BearerAuth {

  /** The HTTP challenge sent with a 401. */
  public static final String CHALLENGE = "Bearer realm=\"scorestream\"";

  private static final String SCHEME = "bearer ";

  private final TokenCheck check;

  public BearerAuth(TokenCheck check) {
    this.check = check;
  }

  /**
   * What {@code auth.mode} configures: empty for none; the token or key file is read now, so a
   * missing or empty one fails at start-up with the key named.
   */
  public static Optional<BearerAuth> configured(ScorerConfig config) {
    String mode = config.getString(ScorerConfig.AUTH_MODE);
    if (mode.equals("none")) {
      return Optional.empty();
    }
    String key =
        mode.equals("tokens") ? ScorerConfig.AUTH_TOKENS_FILE : ScorerConfig.AUTH_JWKS_FILE;
    String file = config.getString(key);
    if (file.isBlank()) {
      throw new ConfigException(key, file, "auth.mode=" + mode + " needs this file");
    }
    try {
      return Optional.of(
          new BearerAuth(
              mode.equals("tokens")
                  ? new StaticTokens(Path.of(file))
                  : new JwtTokens(
                      Path.of(file),
                      config.getString(ScorerConfig.AUTH_JWT_ISSUER),
                      config.getString(ScorerConfig.AUTH_JWT_AUDIENCE))));
    } catch (RuntimeException e) {
      throw new ConfigException(key, file, e.getMessage());
    }
  }

  /**
   * Empty when the {@code Authorization} value (null when absent) carries an accepted bearer token,
   * else why not, in words safe to send to the client.
   */
  public Optional<String> refusal(String authorization) {
    if (authorization == null || authorization.isBlank()) {
      return Optional.of("a bearer token is required (Authorization: Bearer TOKEN)");
    }
    if (!authorization.toLowerCase(Locale.ROOT).startsWith(SCHEME)) {
      return Optional.of("the Authorization scheme must be Bearer");
    }
    String token = authorization.substring(SCHEME.length()).strip();
    if (token.isEmpty()) {
      return Optional.of("a bearer token is required (Authorization: Bearer TOKEN)");
    }
    return check.refusal(token);
  }
}

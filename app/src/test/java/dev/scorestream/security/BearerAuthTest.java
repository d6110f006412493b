package dev.scorestream.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.RSAKey;
import dev.scorestream.config.ScorerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Static tokens and JWTs, each with its file rotated under a running check. */
class BearerAuthTest {

  @TempDir Path dir;

  static final String ISSUER = "https://issuer.example";
  static final String AUDIENCE = "scorestream";

  @Test
  void shouldAcceptOnlyListedTokensAndFollowTheFileWhenItChanges() throws Exception {
    Path file = Files.writeString(dir.resolve("tokens"), "# clients\nalpha-token\n\nbeta-token\n");
    BearerAuth auth = new BearerAuth(new StaticTokens(file));

    assertThat(auth.refusal("Bearer alpha-token")).isEmpty();
    assertThat(auth.refusal("bearer beta-token")).isEmpty();
    assertThat(auth.refusal("Bearer gamma-token")).hasValue("the token is not valid");
    assertThat(auth.refusal(null)).get().asString().contains("bearer token is required");
    assertThat(auth.refusal("Basic YWxhZGRpbjpvcGVuc2VzYW1l"))
        .hasValue("the Authorization scheme must be Bearer");
    assertThat(auth.refusal("Bearer ")).isPresent();
    assertThat(auth.refusal("Bearer # clients")).isPresent();

    // rotation: gamma added, alpha removed; the next request sees the new file
    rewrite(file, "beta-token\ngamma-token-2\n");
    assertThat(auth.refusal("Bearer gamma-token-2")).isEmpty();
    assertThat(auth.refusal("Bearer alpha-token")).isPresent();
    // a broken rewrite (no token left) keeps the last good list
    rewrite(file, "\n# nothing\n");
    assertThat(auth.refusal("Bearer beta-token")).isEmpty();
  }

  @Test
  void shouldCheckSignatureExpiryIssuerAndAudienceOfJwtsAndFollowKeyRotation() throws Exception {
    RSAKey first = Jwts.key("first");
    RSAKey second = Jwts.key("second");
    Path jwks = Jwts.writeJwks(dir.resolve("jwks.json"), List.of(first));
    BearerAuth auth = new BearerAuth(new JwtTokens(jwks, ISSUER, AUDIENCE));
    Instant later = Instant.now().plus(Duration.ofMinutes(5));

    assertThat(auth.refusal("Bearer " + Jwts.sign(first, ISSUER, AUDIENCE, later))).isEmpty();
    assertThat(
            auth.refusal(
                "Bearer " + Jwts.sign(first, ISSUER, AUDIENCE, Instant.now().minusSeconds(600))))
        .get()
        .asString()
        .contains("Expired");
    assertThat(auth.refusal("Bearer " + Jwts.sign(first, ISSUER, AUDIENCE, null)))
        .as("a token without exp")
        .isPresent();
    assertThat(auth.refusal("Bearer " + Jwts.sign(first, "https://other", AUDIENCE, later)))
        .isPresent();
    assertThat(auth.refusal("Bearer " + Jwts.sign(first, ISSUER, "other-service", later)))
        .isPresent();
    assertThat(auth.refusal("Bearer " + Jwts.sign(second, ISSUER, AUDIENCE, later)))
        .as("signed by a key not in the JWKS")
        .isPresent();
    assertThat(auth.refusal("Bearer not.a.jwt")).isPresent();

    // rotation: the second key replaces the first in the file
    Jwts.writeJwks(jwks, List.of(second));
    Files.setLastModifiedTime(jwks, FileTime.from(Instant.now().plusSeconds(5)));
    assertThat(auth.refusal("Bearer " + Jwts.sign(second, ISSUER, AUDIENCE, later))).isEmpty();
    assertThat(auth.refusal("Bearer " + Jwts.sign(first, ISSUER, AUDIENCE, later))).isPresent();
  }

  @Test
  void shouldConfigureFromTheSettingsAndFailAtStartUpOnAMissingFile() throws Exception {
    Path tokens = Files.writeString(dir.resolve("tokens"), "s3cret\n");
    assertThat(BearerAuth.configured(config(Map.of()))).isEmpty();
    assertThat(BearerAuth.configured(tokens(tokens)).orElseThrow().refusal("Bearer s3cret"))
        .isEmpty();
    assertThatThrownBy(() -> BearerAuth.configured(config(Map.of(ScorerConfig.AUTH_MODE, "jwt"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(ScorerConfig.AUTH_JWKS_FILE);
    assertThatThrownBy(() -> BearerAuth.configured(tokens(dir.resolve("absent"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(ScorerConfig.AUTH_TOKENS_FILE);
  }

  static ScorerConfig tokens(Path file) {
    return config(
        Map.of(ScorerConfig.AUTH_MODE, "tokens", ScorerConfig.AUTH_TOKENS_FILE, file.toString()));
  }

  static ScorerConfig config(Map<String, Object> auth) {
    Map<String, Object> values = new java.util.HashMap<>(auth);
    values.put(ScorerConfig.BOOTSTRAP_SERVERS, "127.0.0.1:9");
    values.put(ScorerConfig.REGISTRY_URL, "http://127.0.0.1:9");
    values.put(ScorerConfig.MODEL_DIR, "/nonexistent");
    return ScorerConfig.of(values);
  }

  /** Rewrites the file with a modification time that certainly differs. */
  static void rewrite(Path file, String content) throws Exception {
    Instant before = Files.getLastModifiedTime(file).toInstant();
    Files.writeString(file, content);
    Files.setLastModifiedTime(file, FileTime.from(before.plusSeconds(5)));
  }
}

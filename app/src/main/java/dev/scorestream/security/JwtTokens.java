package dev.scorestream.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Bearer tokens that are JWTs signed with a key of a JWKS file (RSA or EC signatures; the file is
 * re-read when it changes, so keys rotate by adding the new key, then removing the old one). A
 * token must carry {@code exp} and not be expired (60 s of clock skew allowed); when configured,
 * its {@code iss} must equal the issuer and its {@code aud} must contain the audience.
 */
public final class JwtTokens implements TokenCheck {

  private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

  /**
   * @param jwks the JWKS file (a JSON {@code {"keys": [...]}}), read now
   * @param issuer the required {@code iss}, or empty for any
   * @param audience the required {@code aud}, or empty for any
   */
  public JwtTokens(Path jwks, String issuer, String audience) {
    WatchedFile<JWKSet> keys = new WatchedFile<>(jwks, JwtTokens::parse);
    Set<JWSAlgorithm> algorithms = new HashSet<>(JWSAlgorithm.Family.RSA);
    algorithms.addAll(JWSAlgorithm.Family.EC);
    processor.setJWSKeySelector(
        new JWSVerificationKeySelector<>(
            algorithms, (selector, context) -> selector.select(keys.current())));
    JWTClaimsSet.Builder exact = new JWTClaimsSet.Builder();
    if (!issuer.isEmpty()) {
      exact.issuer(issuer);
    }
    processor.setJWTClaimsSetVerifier(
        new DefaultJWTClaimsVerifier<>(
            audience.isEmpty() ? null : audience, exact.build(), Set.of("exp")));
  }

  @Override
  public Optional<String> refusal(String token) {
    try {
      processor.process(token, null);
      return Optional.empty();
    } catch (ParseException e) {
      return Optional.of("the token is not a JWT");
    } catch (BadJOSEException e) {
      return Optional.of("the token is not valid: " + e.getMessage());
    } catch (JOSEException e) {
      return Optional.of("the token cannot be checked");
    }
  }

  private static JWKSet parse(byte[] content) {
    try {
      JWKSet set = JWKSet.parse(new String(content, StandardCharsets.UTF_8));
      if (set.getKeys().isEmpty()) {
        throw new IllegalArgumentException("holds no key");
      }
      return set;
    } catch (ParseException e) {
      throw new IllegalArgumentException("is not a JWKS: " + e.getMessage(), e);
    }
  }
}

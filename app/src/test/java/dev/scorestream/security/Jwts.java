package dev.scorestream.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/** RSA keys made at test time, their JWKS files and the JWTs they sign. */
final class Jwts {

  private Jwts() {}

  static RSAKey key(String id) throws JOSEException {
    return new RSAKeyGenerator(2048).keyID(id).generate();
  }

  /** Writes the public halves of {@code keys} as a JWKS file. */
  static Path writeJwks(Path file, List<RSAKey> keys) throws IOException {
    List<com.nimbusds.jose.jwk.JWK> publics =
        keys.stream().map(k -> (com.nimbusds.jose.jwk.JWK) k.toPublicJWK()).toList();
    return Files.writeString(file, new JWKSet(publics).toString());
  }

  static String sign(RSAKey key, String issuer, String audience, Instant expiry)
      throws JOSEException {
    JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().subject("client").issuer(issuer);
    if (audience != null) {
      claims.audience(audience);
    }
    if (expiry != null) {
      claims.expirationTime(Date.from(expiry));
    }
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
            claims.build());
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }
}

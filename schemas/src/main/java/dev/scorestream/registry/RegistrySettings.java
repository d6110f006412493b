package dev.scorestream.registry;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * How to reach a schema registry.
 *
 * @param baseUrl e.g. {@code http://127.0.0.1:8081} (Confluent) or {@code
 *     http://host/apis/ccompat/v7} (Apicurio)
 * @param requestTimeout timeout of one HTTP request
 * @param maxAttempts attempts per call before giving up with {@link RegistryUnavailableException}
 * @param initialBackoff wait before the second attempt; doubles per attempt, with jitter
 * @param maxBackoff upper bound of one wait
 * @param basicAuth {@code user:password} for HTTP basic auth, if any
 * @param sslContext TLS context for https registries, if not the JVM default
 * @param cacheSize schema-by-id cache entries; 0 means unbounded (ids are immutable)
 * @param unknownIdTtl how long an id the registry answered "not found" for is answered from memory
 *     (a flood of records with a bad id must not become a flood of HTTP calls); zero asks every
 *     time
 */
public record RegistrySettings(
    URI baseUrl,
    Duration requestTimeout,
    int maxAttempts,
    Duration initialBackoff,
    Duration maxBackoff,
    Optional<String> basicAuth,
    Optional<SSLContext> sslContext,
    int cacheSize,
    Duration unknownIdTtl) {

  public RegistrySettings {
    Objects.requireNonNull(unknownIdTtl, "unknownIdTtl");
    Objects.requireNonNull(baseUrl, "baseUrl");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
    }
    if (cacheSize < 0) {
      throw new IllegalArgumentException("cacheSize must be >= 0, got " + cacheSize);
    }
    String url = baseUrl.toString();
    if (url.endsWith("/")) {
      baseUrl = URI.create(url.substring(0, url.length() - 1));
    }
  }

  /**
   * Defaults suited to a registry on the same network: 5 s timeout, 4 attempts, 100 ms to 2 s
   * backoff.
   */
  public static RegistrySettings of(String baseUrl) {
    return new RegistrySettings(
        URI.create(baseUrl),
        Duration.ofSeconds(5),
        4,
        Duration.ofMillis(100),
        Duration.ofSeconds(2),
        Optional.empty(),
        Optional.empty(),
        0,
        Duration.ofSeconds(1));
  }

  public RegistrySettings withRetries(int attempts, Duration initial, Duration max) {
    return new RegistrySettings(
        baseUrl,
        requestTimeout,
        attempts,
        initial,
        max,
        basicAuth,
        sslContext,
        cacheSize,
        unknownIdTtl);
  }

  public RegistrySettings withRequestTimeout(Duration timeout) {
    return new RegistrySettings(
        baseUrl,
        timeout,
        maxAttempts,
        initialBackoff,
        maxBackoff,
        basicAuth,
        sslContext,
        cacheSize,
        unknownIdTtl);
  }

  public RegistrySettings withBasicAuth(String userInfo) {
    return new RegistrySettings(
        baseUrl,
        requestTimeout,
        maxAttempts,
        initialBackoff,
        maxBackoff,
        Optional.ofNullable(userInfo),
        sslContext,
        cacheSize,
        unknownIdTtl);
  }

  /**
   * TLS trusting the certificates in {@code truststore} (PKCS12, or JKS when the name ends in
   * {@code .jks}).
   *
   * @throws IllegalArgumentException when the file cannot be read or is not a keystore
   */
  public RegistrySettings withTrustStore(Path truststore, char[] password) {
    try (InputStream in = Files.newInputStream(truststore)) {
      KeyStore store =
          KeyStore.getInstance(truststore.toString().endsWith(".jks") ? "JKS" : "PKCS12");
      store.load(in, password);
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return withSslContext(context);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "cannot load truststore " + truststore + ": " + e.getMessage(), e);
    }
  }

  public RegistrySettings withSslContext(SSLContext context) {
    return new RegistrySettings(
        baseUrl,
        requestTimeout,
        maxAttempts,
        initialBackoff,
        maxBackoff,
        basicAuth,
        Optional.ofNullable(context),
        cacheSize,
        unknownIdTtl);
  }

  public RegistrySettings withCacheSize(int size) {
    return new RegistrySettings(
        baseUrl,
        requestTimeout,
        maxAttempts,
        initialBackoff,
        maxBackoff,
        basicAuth,
        sslContext,
        size,
        unknownIdTtl);
  }

  public RegistrySettings withUnknownIdTtl(Duration ttl) {
    return new RegistrySettings(
        baseUrl,
        requestTimeout,
        maxAttempts,
        initialBackoff,
        maxBackoff,
        basicAuth,
        sslContext,
        cacheSize,
        ttl);
  }
}

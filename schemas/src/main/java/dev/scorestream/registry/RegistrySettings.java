package dev.scorestream.registry;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * How to reach a schema registry. {@link #toString()} never shows a credential: the basic-auth
 * password and the bearer token stay out of logs and exception messages.
 *
 * @param baseUrl e.g. {@code http://127.0.0.1:8081} (Confluent) or {@code
 *     http://host/apis/ccompat/v7} (Apicurio)
 * @param requestTimeout timeout of one HTTP request
 * @param maxAttempts attempts per call before giving up with {@link RegistryUnavailableException}
 * @param initialBackoff wait before the second attempt; doubles per attempt, with jitter
 * @param maxBackoff upper bound of one wait
 * @param basicAuth {@code user:password} for HTTP basic auth, if any
 * @param bearerTokenFile a file holding a bearer token, read again when it changes, if any
 * @param tls trusted certificates and the client certificate, for https registries
 * @param cacheSize schema-by-id cache entries; 0 means unbounded (ids are immutable)
 * @param unknownIdTtl how long an id the registry answered "not found" for is answered from memory
 *     (a flood of records with a bad id must not become a flood of HTTP calls); zero asks every
 *     time
 * @param maxResponseBytes the largest response body read; a larger one is an error of the registry
 * @param allowInsecureAuth send credentials over plain {@code http://}; refused otherwise
 */
public record RegistrySettings(
    URI baseUrl,
    Duration requestTimeout,
    int maxAttempts,
    Duration initialBackoff,
    Duration maxBackoff,
    Optional<String> basicAuth,
    Optional<Path> bearerTokenFile,
    RegistryTls tls,
    int cacheSize,
    Duration unknownIdTtl,
    int maxResponseBytes,
    boolean allowInsecureAuth) {

  /** Default cap of one response: far above any schema, far below a memory problem. */
  public static final int DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

  public RegistrySettings {
    Objects.requireNonNull(unknownIdTtl, "unknownIdTtl");
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(tls, "tls");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
    }
    if (cacheSize < 0) {
      throw new IllegalArgumentException("cacheSize must be >= 0, got " + cacheSize);
    }
    if (maxResponseBytes < 1) {
      throw new IllegalArgumentException("maxResponseBytes must be >= 1, got " + maxResponseBytes);
    }
    if (basicAuth.isPresent() && bearerTokenFile.isPresent()) {
      throw new IllegalArgumentException("basic auth and a bearer token exclude each other");
    }
    String url = baseUrl.toString();
    if (url.endsWith("/")) {
      baseUrl = URI.create(url.substring(0, url.length() - 1));
    }
  }

  /**
   * Defaults suited to a registry on the same network: 5 s timeout, 4 attempts, 100 ms to 2 s
   * backoff, responses up to 8 MiB, no credentials, the JVM's trust.
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
        RegistryTls.JVM_DEFAULT,
        0,
        Duration.ofSeconds(1),
        DEFAULT_MAX_RESPONSE_BYTES,
        false);
  }

  public RegistrySettings withRetries(int attempts, Duration initial, Duration max) {
    return with(
        draft -> {
          draft.maxAttempts = attempts;
          draft.initialBackoff = initial;
          draft.maxBackoff = max;
        });
  }

  public RegistrySettings withRequestTimeout(Duration timeout) {
    return with(draft -> draft.requestTimeout = timeout);
  }

  public RegistrySettings withBasicAuth(String userInfo) {
    return with(draft -> draft.basicAuth = Optional.ofNullable(userInfo));
  }

  /** Sends {@code Authorization: Bearer <token>} with the token read from {@code file}. */
  public RegistrySettings withBearerTokenFile(Path file) {
    return with(draft -> draft.bearerTokenFile = Optional.ofNullable(file));
  }

  /**
   * TLS trusting the certificates in {@code truststore} (PKCS12, JKS when the name ends in {@code
   * .jks}, PEM when it ends in {@code .pem} or {@code .crt}), keeping any client certificate.
   *
   * @throws IllegalArgumentException when the file cannot be read or is not a keystore
   */
  public RegistrySettings withTrustStore(Path truststore, char[] password) {
    return withTls(tls.withTrustStore(truststore, password, null));
  }

  public RegistrySettings withTls(RegistryTls context) {
    return with(draft -> draft.tls = context);
  }

  public RegistrySettings withCacheSize(int size) {
    return with(draft -> draft.cacheSize = size);
  }

  public RegistrySettings withUnknownIdTtl(Duration ttl) {
    return with(draft -> draft.unknownIdTtl = ttl);
  }

  public RegistrySettings withMaxResponseBytes(int bytes) {
    return with(draft -> draft.maxResponseBytes = bytes);
  }

  /** Allows (true) sending credentials over plain http, which anyone on the path can read. */
  public RegistrySettings withInsecureAuthAllowed(boolean allowed) {
    return with(draft -> draft.allowInsecureAuth = allowed);
  }

  /** True when credentials are configured. */
  public boolean hasCredentials() {
    return basicAuth.isPresent() || bearerTokenFile.isPresent();
  }

  /**
   * True when credentials would travel over plain http without {@link #allowInsecureAuth()}: a
   * client refuses such settings.
   */
  public boolean sendsCredentialsInClear() {
    return hasCredentials()
        && !"https".equals(baseUrl.getScheme().toLowerCase(Locale.ROOT))
        && !allowInsecureAuth;
  }

  /** Every setting except secrets: the password of basic auth and the bearer token never show. */
  @Override
  public String toString() {
    String auth =
        basicAuth
            .map(info -> "basic auth as " + user(info) + " (password hidden)")
            .or(() -> bearerTokenFile.map(file -> "bearer token from " + file))
            .orElse("none");
    return "RegistrySettings[baseUrl="
        + withoutUserInfo(baseUrl)
        + ", requestTimeout="
        + requestTimeout
        + ", maxAttempts="
        + maxAttempts
        + ", backoff="
        + initialBackoff
        + ".."
        + maxBackoff
        + ", auth="
        + auth
        + ", tls="
        + tls
        + ", cacheSize="
        + cacheSize
        + ", unknownIdTtl="
        + unknownIdTtl
        + ", maxResponseBytes="
        + maxResponseBytes
        + ", allowInsecureAuth="
        + allowInsecureAuth
        + "]";
  }

  private static String user(String userInfo) {
    int colon = userInfo.indexOf(':');
    return colon < 0 ? "(unnamed)" : userInfo.substring(0, colon);
  }

  /** The URL as it may be shown: a {@code user:password@} written into it is cut out. */
  public static String withoutUserInfo(URI uri) {
    if (uri.getRawUserInfo() == null) {
      return uri.toString();
    }
    return uri.toString().replace(uri.getRawUserInfo() + "@", "");
  }

  private RegistrySettings with(Consumer<Draft> change) {
    Draft draft = new Draft(this);
    change.accept(draft);
    return draft.build();
  }

  /** A mutable copy, so each {@code with...} names only what it changes. */
  private static final class Draft {
    private final URI baseUrl;
    private Duration requestTimeout;
    private int maxAttempts;
    private Duration initialBackoff;
    private Duration maxBackoff;
    private Optional<String> basicAuth;
    private Optional<Path> bearerTokenFile;
    private RegistryTls tls;
    private int cacheSize;
    private Duration unknownIdTtl;
    private int maxResponseBytes;
    private boolean allowInsecureAuth;

    Draft(RegistrySettings from) {
      baseUrl = from.baseUrl;
      requestTimeout = from.requestTimeout;
      maxAttempts = from.maxAttempts;
      initialBackoff = from.initialBackoff;
      maxBackoff = from.maxBackoff;
      basicAuth = from.basicAuth;
      bearerTokenFile = from.bearerTokenFile;
      tls = from.tls;
      cacheSize = from.cacheSize;
      unknownIdTtl = from.unknownIdTtl;
      maxResponseBytes = from.maxResponseBytes;
      allowInsecureAuth = from.allowInsecureAuth;
    }

    RegistrySettings build() {
      return new RegistrySettings(
          baseUrl,
          requestTimeout,
          maxAttempts,
          initialBackoff,
          maxBackoff,
          basicAuth,
          bearerTokenFile,
          tls,
          cacheSize,
          unknownIdTtl,
          maxResponseBytes,
          allowInsecureAuth);
    }
  }
}

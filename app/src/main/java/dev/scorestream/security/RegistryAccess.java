package dev.scorestream.security;

import dev.scorestream.config.ScorerConfig;
import dev.scorestream.registry.RegistrySettings;
import dev.scorestream.registry.RegistryTls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.common.config.types.Password;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the scorer proves itself to the schema registry and which registry it trusts: basic auth or a
 * bearer token file, a truststore, a client keystore for mutual TLS, and whether credentials may
 * travel over plain http. {@link #applyTo} checks all of it at start-up; each error names the
 * setting as the user wrote it (a config key for {@code scorer run}, an option for the tools) and
 * never a secret. {@link #toString()} hides the passwords.
 *
 * @param userInfo {@code user:password} for basic auth
 * @param bearerTokenFile a file holding a bearer token, read again whenever it changes
 * @param truststore certificates to trust instead of the JVM's
 * @param keystore the client certificate and key for mutual TLS
 * @param allowInsecureAuth send credentials over plain http (a trusted network only)
 */
public record RegistryAccess(
    Optional<String> userInfo,
    Optional<Path> bearerTokenFile,
    Optional<Store> truststore,
    Optional<Store> keystore,
    boolean allowInsecureAuth) {

  private static final Logger LOG = LoggerFactory.getLogger(RegistryAccess.class);

  /** The settings a user may get wrong, each named by the caller's {@code names}. */
  public enum Setting {
    URL,
    USER_INFO,
    BEARER_TOKEN_FILE,
    TRUSTSTORE,
    KEYSTORE,
    ALLOW_INSECURE_AUTH
  }

  /**
   * A key or trust store file.
   *
   * @param type {@code PKCS12}, {@code JKS}, {@code PEM}; empty: by file name
   */
  public record Store(Path location, Optional<String> password, String type) {
    @Override
    public String toString() {
      return location + (type.isEmpty() ? "" : " (" + type + ")");
    }

    char[] secret() {
      return password.map(String::toCharArray).orElse(null);
    }
  }

  /** A setting that cannot work; the message names it, never its secret. */
  public static final class InvalidSetting extends IllegalArgumentException {
    private final Setting setting;

    InvalidSetting(Setting setting, String message) {
      super(message);
      this.setting = setting;
    }

    public Setting setting() {
      return setting;
    }
  }

  /** The {@code schema.registry.*} keys of {@code config}. */
  public static RegistryAccess fromConfig(ScorerConfig config) {
    return new RegistryAccess(
        secret(config, ScorerConfig.REGISTRY_BASIC_AUTH),
        path(config, ScorerConfig.REGISTRY_BEARER_TOKEN_FILE),
        store(
            config,
            ScorerConfig.REGISTRY_TRUSTSTORE,
            ScorerConfig.REGISTRY_TRUSTSTORE_PASSWORD,
            ScorerConfig.REGISTRY_TRUSTSTORE_TYPE),
        store(
            config,
            ScorerConfig.REGISTRY_KEYSTORE,
            ScorerConfig.REGISTRY_KEYSTORE_PASSWORD,
            ScorerConfig.REGISTRY_KEYSTORE_TYPE),
        config.getBoolean(ScorerConfig.REGISTRY_ALLOW_INSECURE_AUTH));
  }

  /** The configuration key of each setting. */
  public static String configKey(Setting setting) {
    return switch (setting) {
      case URL -> ScorerConfig.REGISTRY_URL;
      case USER_INFO -> ScorerConfig.REGISTRY_BASIC_AUTH;
      case BEARER_TOKEN_FILE -> ScorerConfig.REGISTRY_BEARER_TOKEN_FILE;
      case TRUSTSTORE -> ScorerConfig.REGISTRY_TRUSTSTORE;
      case KEYSTORE -> ScorerConfig.REGISTRY_KEYSTORE;
      case ALLOW_INSECURE_AUTH -> ScorerConfig.REGISTRY_ALLOW_INSECURE_AUTH + "=true";
    };
  }

  private static Optional<Store> store(
      ScorerConfig config, String locationKey, String passwordKey, String typeKey) {
    return path(config, locationKey)
        .map(
            location ->
                new Store(location, secret(config, passwordKey), config.getString(typeKey)));
  }

  private static Optional<String> secret(ScorerConfig config, String key) {
    Password password = config.getPassword(key);
    return password == null || password.value().isEmpty()
        ? Optional.empty()
        : Optional.of(password.value());
  }

  private static Optional<Path> path(ScorerConfig config, String key) {
    String value = config.getString(key);
    return value.isBlank() ? Optional.empty() : Optional.of(Path.of(value.strip()));
  }

  /**
   * {@code base} with these credentials and TLS settings.
   *
   * @param names how the user spells each setting, e.g. {@code
   *     schema.registry.ssl.keystore.location}
   * @throws InvalidSetting basic auth and a token together, a user info without a colon, a token
   *     file that cannot be read, a store that does not load, or credentials over plain http
   *     without {@code allowInsecureAuth}
   */
  public RegistrySettings applyTo(RegistrySettings base, Function<Setting, String> names) {
    if (userInfo.isPresent() && bearerTokenFile.isPresent()) {
      throw new InvalidSetting(
          Setting.BEARER_TOKEN_FILE,
          names.apply(Setting.USER_INFO)
              + " and "
              + names.apply(Setting.BEARER_TOKEN_FILE)
              + " are both set: choose basic auth or a bearer token");
    }
    RegistrySettings settings = base.withInsecureAuthAllowed(allowInsecureAuth);
    if (userInfo.isPresent()) {
      if (userInfo.get().indexOf(':') < 1) {
        throw new InvalidSetting(
            Setting.USER_INFO,
            names.apply(Setting.USER_INFO) + " must be user:password (value hidden)");
      }
      settings = settings.withBasicAuth(userInfo.get());
    }
    if (bearerTokenFile.isPresent()) {
      settings = settings.withBearerTokenFile(readableToken(bearerTokenFile.get(), names));
    }
    settings = settings.withTls(tls(names));
    refuseCredentialsInClear(settings, names);
    return settings;
  }

  private static Path readableToken(Path file, Function<Setting, String> names) {
    String name = names.apply(Setting.BEARER_TOKEN_FILE);
    try {
      if (Files.readString(file).isBlank()) {
        throw new InvalidSetting(Setting.BEARER_TOKEN_FILE, name + ": " + file + " is empty");
      }
    } catch (IOException e) {
      throw new InvalidSetting(
          Setting.BEARER_TOKEN_FILE, name + ": cannot read " + file + ": " + e.getMessage());
    }
    return file;
  }

  private RegistryTls tls(Function<Setting, String> names) {
    RegistryTls trusting =
        truststore
            .map(
                store ->
                    loaded(
                        Setting.TRUSTSTORE,
                        names,
                        () ->
                            RegistryTls.JVM_DEFAULT.withTrustStore(
                                store.location(), store.secret(), store.type())))
            .orElse(RegistryTls.JVM_DEFAULT);
    return keystore
        .map(
            store ->
                loaded(
                    Setting.KEYSTORE,
                    names,
                    () -> trusting.withKeyStore(store.location(), store.secret(), store.type())))
        .orElse(trusting);
  }

  /** A store loaded, or the reason it does not load under the setting's name. */
  private static RegistryTls loaded(
      Setting setting, Function<Setting, String> names, Supplier<RegistryTls> load) {
    try {
      return load.get();
    } catch (IllegalArgumentException e) {
      throw new InvalidSetting(setting, names.apply(setting) + ": " + e.getMessage());
    }
  }

  private void refuseCredentialsInClear(
      RegistrySettings settings, Function<Setting, String> names) {
    Setting credential = userInfo.isPresent() ? Setting.USER_INFO : Setting.BEARER_TOKEN_FILE;
    if (settings.sendsCredentialsInClear()) {
      throw new InvalidSetting(
          credential,
          names.apply(credential)
              + " is set but "
              + names.apply(Setting.URL)
              + " is plain http ("
              + RegistrySettings.withoutUserInfo(settings.baseUrl())
              + "): anyone on the path could read the credentials. Use an https URL, or set "
              + names.apply(Setting.ALLOW_INSECURE_AUTH)
              + " on a network you trust");
    }
    if (settings.hasCredentials() && !"https".equalsIgnoreCase(settings.baseUrl().getScheme())) {
      LOG.warn(
          "sending registry credentials ({}) over plain http to {}, as {} allows",
          names.apply(credential),
          RegistrySettings.withoutUserInfo(settings.baseUrl()),
          names.apply(Setting.ALLOW_INSECURE_AUTH));
    }
  }

  /** What is configured; passwords and the user info's password never show. */
  @Override
  public String toString() {
    return "RegistryAccess[auth="
        + userInfo
            .map(info -> "basic as " + info.substring(0, Math.max(0, info.indexOf(':'))))
            .or(() -> bearerTokenFile.map(file -> "bearer token from " + file))
            .orElse("none")
        + ", truststore="
        + truststore.map(Store::toString).orElse("JVM default")
        + ", keystore="
        + keystore.map(Store::toString).orElse("none")
        + ", allowInsecureAuth="
        + allowInsecureAuth
        + "]";
  }
}

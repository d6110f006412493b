package dev.scorestream.cli;

import dev.scorestream.config.ScorerConfig;
import dev.scorestream.registry.RegistrySettings;
import dev.scorestream.security.RegistryAccess;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Schema registry options of the tools: the URL, basic auth or a bearer token file, a truststore
 * and a client keystore, as {@code scorer run} takes them from its {@code schema.registry.*} keys.
 * Secrets may come from the same {@code SCORER_*} environment variables as for {@code run}, which
 * keeps them out of the process list.
 */
final class RegistryOptions {

  /** The variables {@code run} reads for these keys too (ScorerConfig's SCORER_* mapping). */
  static final String USER_INFO_ENV = "SCORER_SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO";

  static final String TRUSTSTORE_PASSWORD_ENV = "SCORER_SCHEMA_REGISTRY_SSL_TRUSTSTORE_PASSWORD";

  static final String KEYSTORE_PASSWORD_ENV = "SCORER_SCHEMA_REGISTRY_SSL_KEYSTORE_PASSWORD";

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(
      names = "--registry",
      paramLabel = "URL",
      description = "Schema registry URL (as " + ScorerConfig.REGISTRY_URL + ").")
  String url;

  @Option(
      names = "--registry-user-info",
      paramLabel = "USER:PASSWORD",
      description = "HTTP basic auth for the registry; default: $" + USER_INFO_ENV + ".")
  String userInfo;

  @Option(
      names = "--registry-truststore",
      paramLabel = "FILE",
      description = "Truststore for an https registry: PKCS12, JKS (.jks) or PEM (.pem, .crt).")
  Path truststore;

  @Option(
      names = "--registry-truststore-password",
      paramLabel = "PASSWORD",
      description = "Password of that truststore; default: $" + TRUSTSTORE_PASSWORD_ENV + ".")
  String truststorePassword;

  @Option(
      names = "--registry-truststore-type",
      paramLabel = "TYPE",
      description = "PKCS12, JKS or PEM; default: by file name (.jks JKS, .pem/.crt PEM).")
  String truststoreType;

  @Option(
      names = "--registry-bearer-token-file",
      paramLabel = "FILE",
      description =
          "File holding a bearer token for the registry, read again when it changes (as "
              + ScorerConfig.REGISTRY_BEARER_TOKEN_FILE
              + ").")
  Path bearerTokenFile;

  @Option(
      names = "--registry-keystore",
      paramLabel = "FILE",
      description = "Client certificate and key for mutual TLS: PKCS12, JKS or PEM.")
  Path keystore;

  @Option(
      names = "--registry-keystore-password",
      paramLabel = "PASSWORD",
      description = "Password of that keystore; default: $" + KEYSTORE_PASSWORD_ENV + ".")
  String keystorePassword;

  @Option(
      names = "--registry-keystore-type",
      paramLabel = "TYPE",
      description = "PKCS12, JKS or PEM; default: by file name (.jks JKS, .pem PEM).")
  String keystoreType;

  @Option(
      names = "--registry-allow-insecure-auth",
      description = "Send basic auth or a bearer token over a plain http registry URL.")
  boolean allowInsecureAuth;

  boolean given() {
    return url != null;
  }

  RegistrySettings settings() {
    return settings(System.getenv());
  }

  /** The registry settings; a usage error when {@code --registry} is missing or unusable. */
  RegistrySettings settings(Map<String, String> env) {
    if (url == null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "Missing required option: '--registry=URL'");
    }
    RegistrySettings settings;
    try {
      settings = RegistrySettings.of(url);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--registry " + url + ": " + e.getMessage());
    }
    try {
      return access(ScorerConfig.fromEnvironment(env)).applyTo(settings, RegistryOptions::option);
    } catch (RegistryAccess.InvalidSetting e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** The options, each falling back to the variable {@code run} reads for its key. */
  private RegistryAccess access(Map<String, String> fromEnv) {
    Optional<String> auth =
        Optional.ofNullable(
                userInfo != null ? userInfo : fromEnv.get(ScorerConfig.REGISTRY_BASIC_AUTH))
            .filter(value -> !value.isEmpty());
    Optional<Path> token =
        Optional.ofNullable(bearerTokenFile)
            .or(
                () ->
                    Optional.ofNullable(fromEnv.get(ScorerConfig.REGISTRY_BEARER_TOKEN_FILE))
                        .filter(value -> !value.isBlank())
                        .map(Path::of));
    return new RegistryAccess(
        auth,
        token,
        store(
            truststore,
            truststorePassword,
            ScorerConfig.REGISTRY_TRUSTSTORE_PASSWORD,
            truststoreType,
            fromEnv),
        store(
            keystore,
            keystorePassword,
            ScorerConfig.REGISTRY_KEYSTORE_PASSWORD,
            keystoreType,
            fromEnv),
        allowInsecureAuth);
  }

  private static Optional<RegistryAccess.Store> store(
      Path location,
      String password,
      String passwordKey,
      String type,
      Map<String, String> fromEnv) {
    if (location == null) {
      return Optional.empty();
    }
    String secret = password != null ? password : fromEnv.get(passwordKey);
    return Optional.of(
        new RegistryAccess.Store(location, Optional.ofNullable(secret), type == null ? "" : type));
  }

  private static String option(RegistryAccess.Setting setting) {
    return switch (setting) {
      case URL -> "--registry";
      case USER_INFO -> "--registry-user-info";
      case BEARER_TOKEN_FILE -> "--registry-bearer-token-file";
      case TRUSTSTORE -> "--registry-truststore";
      case KEYSTORE -> "--registry-keystore";
      case ALLOW_INSECURE_AUTH -> "--registry-allow-insecure-auth";
    };
  }
}

package dev.scorestream.cli;

import dev.scorestream.config.ScorerConfig;
import dev.scorestream.registry.RegistrySettings;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Schema registry options of the tools: the URL, basic auth and a truststore, as {@code scorer run}
 * takes them from its {@code schema.registry.*} keys. Secrets may come from the same {@code
 * SCORER_*} environment variables as for {@code run}, which keeps them out of the process list.
 */
final class RegistryOptions {

  /** The variables {@code run} reads for these keys too (ScorerConfig's SCORER_* mapping). */
  static final String USER_INFO_ENV = "SCORER_SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO";

  static final String TRUSTSTORE_PASSWORD_ENV = "SCORER_SCHEMA_REGISTRY_SSL_TRUSTSTORE_PASSWORD";

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
      description = "PKCS12 or JKS truststore for an https registry (.jks: JKS).")
  Path truststore;

  @Option(
      names = "--registry-truststore-password",
      paramLabel = "PASSWORD",
      description = "Password of that truststore; default: $" + TRUSTSTORE_PASSWORD_ENV + ".")
  String truststorePassword;

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
    Map<String, String> fromEnv = ScorerConfig.fromEnvironment(env);
    String auth = userInfo != null ? userInfo : fromEnv.get(ScorerConfig.REGISTRY_BASIC_AUTH);
    if (auth != null && !auth.isEmpty()) {
      settings = settings.withBasicAuth(auth);
    }
    if (truststore != null) {
      String password =
          truststorePassword != null
              ? truststorePassword
              : fromEnv.get(ScorerConfig.REGISTRY_TRUSTSTORE_PASSWORD);
      try {
        settings =
            settings.withTrustStore(truststore, password == null ? null : password.toCharArray());
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--registry-truststore: " + e.getMessage());
      }
    }
    return settings;
  }
}

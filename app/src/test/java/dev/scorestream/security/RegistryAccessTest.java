package dev.scorestream.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scorestream.config.ScorerConfig;
import dev.scorestream.fixtures.Configs;
import dev.scorestream.registry.RegistrySettings;
import dev.scorestream.registry.SchemaRegistryClient;
import dev.scorestream.testkit.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry's security keys, as {@code scorer run} applies them at start-up. */
class RegistryAccessTest {

  @TempDir Path dir;

  static RegistrySettings apply(Map<String, Object> values) {
    ScorerConfig config = ScorerConfig.of(values);
    return RegistryAccess.fromConfig(config)
        .applyTo(
            RegistrySettings.of(config.getString(ScorerConfig.REGISTRY_URL)),
            RegistryAccess::configKey);
  }

  static Map<String, Object> with(Object... keysAndValues) {
    Map<String, Object> values = Configs.minimal();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      values.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return values;
  }

  @Test
  void shouldRefuseBasicAuthOverPlainHttpNamingTheKeysUnlessExplicitlyAllowed() {
    assertThatThrownBy(() -> apply(with(ScorerConfig.REGISTRY_BASIC_AUTH, "ops:s3cret")))
        .isInstanceOf(RegistryAccess.InvalidSetting.class)
        .hasMessageContaining(
            "schema.registry.basic.auth.user.info is set but schema.registry.url is plain http")
        .hasMessageContaining("schema.registry.allow.insecure.auth=true")
        .hasMessageNotContaining("s3cret");

    RegistrySettings allowed =
        apply(
            with(
                ScorerConfig.REGISTRY_BASIC_AUTH,
                "ops:s3cret",
                ScorerConfig.REGISTRY_ALLOW_INSECURE_AUTH,
                "true"));
    assertThat(allowed.basicAuth()).contains("ops:s3cret");
    assertThat(new SchemaRegistryClient(allowed).settings().toString()).doesNotContain("s3cret");
  }

  @Test
  void shouldRefuseATokenOverPlainHttpAndAcceptItOverHttps() throws Exception {
    Path token = Files.writeString(dir.resolve("token"), "t0ken\n");
    assertThatThrownBy(() -> apply(with(ScorerConfig.REGISTRY_BEARER_TOKEN_FILE, token.toString())))
        .hasMessageContaining("schema.registry.bearer.token.file is set but");

    RegistrySettings https =
        apply(
            with(
                ScorerConfig.REGISTRY_URL,
                "https://registry:8081",
                ScorerConfig.REGISTRY_BEARER_TOKEN_FILE,
                token.toString()));
    assertThat(https.bearerTokenFile()).contains(token);
    assertThat(https.toString()).contains("bearer token from " + token).doesNotContain("t0ken");
  }

  @Test
  void shouldNameAMissingTokenFileAndRefuseTwoKindsOfCredentials() throws Exception {
    Map<String, Object> missing =
        with(
            ScorerConfig.REGISTRY_URL,
            "https://registry:8081",
            ScorerConfig.REGISTRY_BEARER_TOKEN_FILE,
            dir.resolve("absent").toString());
    assertThatThrownBy(() -> apply(missing))
        .hasMessageStartingWith("schema.registry.bearer.token.file: cannot read");

    Path token = Files.writeString(dir.resolve("token"), "t0ken\n");
    Map<String, Object> both =
        with(
            ScorerConfig.REGISTRY_URL,
            "https://registry:8081",
            ScorerConfig.REGISTRY_BEARER_TOKEN_FILE,
            token.toString(),
            ScorerConfig.REGISTRY_BASIC_AUTH,
            "ops:s3cret");
    assertThatThrownBy(() -> apply(both))
        .hasMessageContaining("choose basic auth or a bearer token")
        .hasMessageNotContaining("s3cret");
  }

  @Test
  void shouldNameTheKeystoreKeyWhenItsPasswordIsWrongAndLoadItWhenRight() {
    TestCertificates certificates = TestCertificates.createOrSkip(dir.resolve("certs"));
    Map<String, Object> values =
        with(
            ScorerConfig.REGISTRY_URL,
            "https://registry:8081",
            ScorerConfig.REGISTRY_TRUSTSTORE,
            certificates.caCertificate().toString(),
            ScorerConfig.REGISTRY_KEYSTORE,
            certificates.clientPkcs12().toString(),
            ScorerConfig.REGISTRY_KEYSTORE_PASSWORD,
            "not-it");
    assertThatThrownBy(() -> apply(values))
        .hasMessageStartingWith(
            "schema.registry.ssl.keystore.location: cannot load keystore "
                + certificates.clientPkcs12())
        .hasMessageNotContaining("not-it");

    values.put(ScorerConfig.REGISTRY_KEYSTORE_PASSWORD, certificates.password());
    RegistrySettings settings = apply(values);
    assertThat(settings.tls().hasClientCertificate()).isTrue();
    assertThat(settings.toString())
        .contains("truststore " + certificates.caCertificate() + " (PEM)")
        .doesNotContain(certificates.password());
  }
}

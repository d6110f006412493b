package dev.scorestream.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway certificate authority made with {@code openssl} at test time (nothing is committed):
 * a CA certificate as a PEM truststore, and for each common name a PKCS#12 keystore whose
 * certificate the CA signed, valid for {@code 127.0.0.1} and {@code localhost}. Keys are EC P-256
 * (quick to make); every store shares one random password.
 */
public final class BrokerCertificates {

  private final Path directory;
  private final String password;

  private BrokerCertificates(Path directory, String password) {
    this.directory = directory;
    this.password = password;
  }

  /** Makes the CA in {@code directory} (created if missing). */
  public static BrokerCertificates create(Path directory) {
    byte[] secret = new byte[12];
    new SecureRandom().nextBytes(secret);
    BrokerCertificates certificates =
        new BrokerCertificates(directory, HexFormat.of().formatHex(secret));
    try {
      Files.createDirectories(directory);
      Files.writeString(
          directory.resolve("san.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write to " + directory, e);
    }
    certificates.request("ca", "scorestream-test-ca", "-x509", "-days", "2", "-out", "ca.pem");
    return certificates;
  }

  /** The CA certificate, a truststore of type PEM. */
  public Path truststore() {
    return directory.resolve("ca.pem");
  }

  /** The password of every keystore (and of its key). */
  public String password() {
    return password;
  }

  /** A PKCS#12 keystore for {@code CN=commonName}, signed by the CA; made on first use. */
  public synchronized Path keystore(String commonName) {
    Path keystore = directory.resolve(commonName + ".p12");
    if (Files.exists(keystore)) {
      return keystore;
    }
    request(commonName, commonName, "-out", commonName + ".csr");
    openssl(
        "x509",
        "-req",
        "-in",
        commonName + ".csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "san.cnf",
        "-out",
        commonName + ".pem");
    openssl(
        "pkcs12",
        "-export",
        "-in",
        commonName + ".pem",
        "-inkey",
        commonName + ".key",
        "-certfile",
        "ca.pem",
        "-name",
        commonName,
        "-passout",
        "pass:" + password,
        "-out",
        keystore.getFileName().toString());
    return keystore;
  }

  /** Kafka client settings that trust the CA (server authentication only). */
  public Map<String, Object> trustSettings() {
    return Map.of("ssl.truststore.type", "PEM", "ssl.truststore.location", truststore().toString());
  }

  /** Kafka settings that trust the CA and present {@code CN=commonName}'s certificate. */
  public Map<String, Object> keySettings(String commonName) {
    return Map.of(
        "ssl.truststore.type",
        "PEM",
        "ssl.truststore.location",
        truststore().toString(),
        "ssl.keystore.type",
        "PKCS12",
        "ssl.keystore.location",
        keystore(commonName).toString(),
        "ssl.keystore.password",
        password,
        "ssl.key.password",
        password);
  }

  /**
   * {@code openssl req} with a new EC P-256 key in {@code <name>.key} for {@code CN=commonName};
   * {@code what} says what to make of it (a self-signed certificate or a signing request).
   */
  private void request(String name, String commonName, String... what) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "req",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-keyout",
                name + ".key",
                "-subj",
                "/CN=" + commonName));
    args.addAll(List.of(what));
    openssl(args.toArray(String[]::new));
  }

  private void openssl(String... args) {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    try {
      Process process =
          new ProcessBuilder(command)
              .directory(directory.toFile())
              .redirectErrorStream(true)
              .start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException("openssl " + args[0] + " failed: " + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run openssl (is it installed?)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}

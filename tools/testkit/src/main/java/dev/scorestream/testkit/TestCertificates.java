package dev.scorestream.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Certificates made by openssl at test time, never committed: a CA, a server certificate for {@code
 * localhost} and {@code 127.0.0.1}, one for another host name, a client certificate (PKCS12, PEM
 * and encrypted PEM) signed by the same CA, and a second CA that signed nothing the tests trust. EC
 * P-256 keys, valid for two days: about 100 ms in all.
 *
 * @param dir where the files are
 * @param password the password of the client keystores and of the encrypted client key
 */
public record TestCertificates(Path dir, String password) {

  /**
   * Makes every file under {@code dir}. Skips the calling test without openssl, or fails when
   * {@value Nginx#REQUIRE_ENV} is set.
   */
  public static TestCertificates createOrSkip(Path dir) {
    Optional<Path> openssl =
        Nginx.Tools.find("SCORER_OPENSSL", "/usr/bin/openssl", "openssl", List.of("version"));
    Nginx.Tools.requireOrSkip(openssl, "openssl (apt-get install openssl)", Nginx.REQUIRE_ENV);
    TestCertificates certificates = new TestCertificates(dir, "client-secret");
    certificates.create(openssl.orElseThrow().toString());
    return certificates;
  }

  private void create(String openssl) {
    try {
      Files.createDirectories(dir);
      authority(openssl, "ca");
      authority(openssl, "other-ca");
      signed(openssl, "server", "localhost", "subjectAltName=DNS:localhost,IP:127.0.0.1");
      signed(openssl, "wrong-host", "registry.example", "subjectAltName=DNS:registry.example");
      signed(openssl, "client", "scorer", "extendedKeyUsage=clientAuth");
      String passOut = "pass:" + password;
      run(
          openssl,
          "pkcs12",
          "-export",
          "-inkey",
          "client.key",
          "-in",
          "client.crt",
          "-certfile",
          "ca.crt",
          "-name",
          "client",
          "-out",
          "client.p12",
          "-passout",
          passOut);
      run(
          openssl,
          "pkcs8",
          "-topk8",
          "-in",
          "client.key",
          "-out",
          "client-encrypted.key",
          "-v2",
          "aes-256-cbc",
          "-passout",
          passOut);
      concatenate("client.pem", "client.key", "client.crt");
      concatenate("client-encrypted.pem", "client-encrypted.key", "client.crt");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write test certificates under " + dir, e);
    }
  }

  private void concatenate(String target, String... sources) throws IOException {
    StringBuilder text = new StringBuilder();
    for (String source : sources) {
      text.append(Files.readString(dir.resolve(source)));
    }
    Files.writeString(dir.resolve(target), text);
  }

  /** A new EC P-256 key, unencrypted, written to {@code -keyout}. */
  private static final List<String> NEW_KEY =
      List.of("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes");

  private void authority(String openssl, String name) {
    String subject = "/CN=" + name;
    run(
        openssl,
        "req",
        "-x509",
        NEW_KEY,
        "-keyout",
        name + ".key",
        "-out",
        name + ".crt",
        "-days",
        "2",
        "-subj",
        subject,
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=keyCertSign");
  }

  private void signed(String openssl, String name, String commonName, String extension)
      throws IOException {
    run(
        openssl,
        "req",
        "-new",
        NEW_KEY,
        "-keyout",
        name + ".key",
        "-out",
        name + ".csr",
        "-subj",
        "/CN=" + commonName);
    Files.writeString(dir.resolve(name + ".ext"), extension + "\n");
    run(
        openssl,
        "x509",
        "-req",
        "-in",
        name + ".csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        name + ".crt",
        "-days",
        "2",
        "-extfile",
        name + ".ext");
  }

  /** Runs a command in {@link #dir}; its parts are strings or lists of strings. */
  private void run(Object... parts) {
    List<String> command = new ArrayList<>();
    for (Object part : parts) {
      if (part instanceof List<?> list) {
        list.forEach(item -> command.add(item.toString()));
      } else {
        command.add(part.toString());
      }
    }
    try {
      Process process =
          new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
    }
  }

  /** The CA that signed the server and client certificates (PEM). */
  public Path caCertificate() {
    return dir.resolve("ca.crt");
  }

  /** A CA that signed nothing the tests use (PEM). */
  public Path otherCaCertificate() {
    return dir.resolve("other-ca.crt");
  }

  /** {@code name.crt} (PEM certificate) of server, wrong-host or client. */
  public Path certificate(String name) {
    return dir.resolve(name + ".crt");
  }

  /** {@code name.key} (PEM PKCS#8 private key, unencrypted) of server, wrong-host or client. */
  public Path key(String name) {
    return dir.resolve(name + ".key");
  }

  /** The client's key and certificate chain as PKCS12, protected by {@link #password()}. */
  public Path clientPkcs12() {
    return dir.resolve("client.p12");
  }

  /**
   * The client's key and certificate in one PEM file; {@code encrypted}: the key under the
   * password.
   */
  public Path clientPem(boolean encrypted) {
    return dir.resolve(encrypted ? "client-encrypted.pem" : "client.pem");
  }
}

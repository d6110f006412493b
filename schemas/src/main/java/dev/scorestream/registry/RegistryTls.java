package dev.scorestream.registry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS side of a registry connection: which certificates to trust (the JVM's by default) and,
 * for mutual TLS, which client certificate to present. Stores are read once, when configured: a bad
 * file or password fails at start-up rather than at the first record. Store types are {@code
 * PKCS12}, {@code JKS} and {@code PEM}; a PEM keystore is one file holding a PKCS#8 private key
 * (plain, or encrypted with the keystore password) and the certificate chain, as Kafka's {@code
 * ssl.keystore.type=PEM}.
 */
public final class RegistryTls {

  /** The JVM's default trust, no client certificate. */
  public static final RegistryTls JVM_DEFAULT =
      new RegistryTls(null, null, "JVM default trust", null);

  private static final Pattern PEM_BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----");
  private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "RSASSA-PSS");

  private final KeyManager[] keyManagers;
  private final TrustManager[] trustManagers;
  private final String trustSource;
  private final String keySource;

  private RegistryTls(
      KeyManager[] keys, TrustManager[] trust, String trustSource, String keySource) {
    this.keyManagers = keys;
    this.trustManagers = trust;
    this.trustSource = trustSource;
    this.keySource = keySource;
  }

  /**
   * Trusts exactly the certificates in {@code store}.
   *
   * @param type {@code PKCS12}, {@code JKS} or {@code PEM} (CA certificates); null or empty: by
   *     file name ({@code .jks} JKS, {@code .pem}/{@code .crt} PEM, else PKCS12)
   * @throws IllegalArgumentException when the file cannot be read or holds no usable certificate
   */
  public RegistryTls withTrustStore(Path store, char[] password, String type) {
    String storeType = type(store, type);
    try {
      KeyStore trusted = load(store, password, storeType, false);
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(trusted);
      return new RegistryTls(
          keyManagers,
          factory.getTrustManagers(),
          "truststore " + store + " (" + storeType + ")",
          keySource);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "cannot load truststore " + store + " (" + storeType + "): " + reason(e), e);
    }
  }

  /**
   * Presents the private key and certificate chain in {@code store} to the registry (mutual TLS).
   * The key's password is the store's password.
   *
   * @param type {@code PKCS12}, {@code JKS} or {@code PEM}; null or empty: by file name
   * @throws IllegalArgumentException when the file cannot be read, the password is wrong or it
   *     holds no private key
   */
  public RegistryTls withKeyStore(Path store, char[] password, String type) {
    String storeType = type(store, type);
    char[] secret = password == null ? new char[0] : password;
    try {
      KeyStore keys = load(store, secret, storeType, true);
      KeyManagerFactory factory =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      factory.init(keys, secret);
      return new RegistryTls(
          factory.getKeyManagers(), trustManagers, trustSource, store + " (" + storeType + ")");
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "cannot load keystore " + store + " (" + storeType + "): " + reason(e), e);
    }
  }

  /** A fresh context from the configured material; each HTTP client takes its own. */
  public SSLContext sslContext() {
    if (keyManagers == null && trustManagers == null) {
      try {
        return SSLContext.getDefault();
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("the JVM has no default TLS context", e);
      }
    }
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keyManagers, trustManagers, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot create a TLS context: " + e.getMessage(), e);
    }
  }

  /** True when a client certificate is configured. */
  public boolean hasClientCertificate() {
    return keyManagers != null;
  }

  /** Which files this uses; never a password. */
  @Override
  public String toString() {
    return keySource == null ? trustSource : trustSource + ", client certificate from " + keySource;
  }

  private static String type(Path store, String type) {
    if (type != null && !type.isBlank()) {
      String upper = type.trim().toUpperCase(Locale.ROOT);
      if (!List.of("PKCS12", "JKS", "PEM").contains(upper)) {
        throw new IllegalArgumentException(
            "store type " + type + " for " + store + " is not PKCS12, JKS or PEM");
      }
      return upper;
    }
    String name = store.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".jks")) {
      return "JKS";
    }
    return name.endsWith(".pem") || name.endsWith(".crt") ? "PEM" : "PKCS12";
  }

  private static KeyStore load(Path file, char[] password, String type, boolean withKey)
      throws IOException, GeneralSecurityException {
    if ("PEM".equals(type)) {
      return pem(file, password, withKey);
    }
    KeyStore store = KeyStore.getInstance(type);
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, password);
    }
    if (store.size() == 0) {
      throw new GeneralSecurityException("the store is empty");
    }
    return store;
  }

  /** An in-memory store from PEM blocks: CERTIFICATE blocks, plus a PRIVATE KEY when withKey. */
  private static KeyStore pem(Path file, char[] password, boolean withKey)
      throws IOException, GeneralSecurityException {
    String text = Files.readString(file, StandardCharsets.US_ASCII);
    CertificateFactory x509 = CertificateFactory.getInstance("X.509");
    List<Certificate> certificates = new ArrayList<>();
    PrivateKey key = null;
    Matcher block = PEM_BLOCK.matcher(text);
    while (block.find()) {
      byte[] der = Base64.getMimeDecoder().decode(block.group(2).trim());
      switch (block.group(1)) {
        case "CERTIFICATE" ->
            certificates.add(x509.generateCertificate(new java.io.ByteArrayInputStream(der)));
        case "PRIVATE KEY" -> key = privateKey(der);
        case "ENCRYPTED PRIVATE KEY" -> key = privateKey(decrypt(der, password));
        case "RSA PRIVATE KEY", "EC PRIVATE KEY" ->
            throw new GeneralSecurityException(
                block.group(1)
                    + " is not PKCS#8; convert it with `openssl pkcs8 -topk8 -in KEY -out KEY.pk8`");
        default -> {
          // other blocks (parameters, comments) are not needed
        }
      }
    }
    if (certificates.isEmpty()) {
      throw new GeneralSecurityException("no -----BEGIN CERTIFICATE----- block");
    }
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    if (withKey) {
      if (key == null) {
        throw new GeneralSecurityException("no -----BEGIN PRIVATE KEY----- block");
      }
      char[] secret = password == null ? new char[0] : password;
      store.setKeyEntry("client", key, secret, certificates.toArray(Certificate[]::new));
    } else {
      for (int i = 0; i < certificates.size(); i++) {
        store.setCertificateEntry("trusted-" + i, certificates.get(i));
      }
    }
    return store;
  }

  private static byte[] decrypt(byte[] der, char[] password)
      throws IOException, GeneralSecurityException {
    if (password == null || password.length == 0) {
      throw new GeneralSecurityException("the private key is encrypted and no password is set");
    }
    EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(der);
    String algorithm = info.getAlgParameters().toString();
    SecretKeyFactory factory = SecretKeyFactory.getInstance(algorithm);
    Cipher cipher = Cipher.getInstance(algorithm);
    cipher.init(
        Cipher.DECRYPT_MODE,
        factory.generateSecret(new PBEKeySpec(password)),
        info.getAlgParameters());
    return info.getKeySpec(cipher).getEncoded();
  }

  private static PrivateKey privateKey(byte[] pkcs8) throws GeneralSecurityException {
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(pkcs8);
    for (String algorithm : KEY_ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException e) {
        // not this algorithm: try the next
      }
    }
    throw new GeneralSecurityException("the private key is not RSA, EC or Ed25519");
  }

  /** The message, or the cause's when a wrong PKCS12 password only says "keystore password". */
  private static String reason(Exception e) {
    String message = e.getMessage();
    if (e.getCause() != null && e.getCause() instanceof java.security.UnrecoverableKeyException) {
      return "wrong password (" + message + ")";
    }
    return message == null ? e.getClass().getSimpleName() : message;
  }
}

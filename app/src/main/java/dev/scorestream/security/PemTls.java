package dev.scorestream.security;

import java.io.ByteArrayInputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * TLS material of a scoring port from PEM files: the certificate chain and its PKCS#8 private key,
 * and for mutual TLS the CA that client certificates must chain to. Every file is re-read when it
 * changes ({@link WatchedFile}), so a renewed certificate is presented from the next handshake on,
 * without a restart. The key managers serve both the JDK HTTPS server ({@link #sslContext}) and
 * grpc-java's Netty server.
 */
public final class PemTls {

  static final String ALIAS = "scorer";

  private final WatchedFile<byte[]> chain;
  private final WatchedFile<byte[]> key;
  private final WatchedFile<X509ExtendedTrustManager> clientCa;
  private volatile Identity identity;

  private record Identity(byte[] chain, byte[] key, X509ExtendedKeyManager manager) {}

  /**
   * Reads the files now; throws when they do not parse or do not match.
   *
   * @param clientCaFile the CA of client certificates (mutual TLS), or null for none
   */
  public PemTls(Path certFile, Path keyFile, Path clientCaFile) {
    this.chain = new WatchedFile<>(certFile, bytes -> bytes);
    this.key = new WatchedFile<>(keyFile, bytes -> bytes);
    this.clientCa = clientCaFile == null ? null : new WatchedFile<>(clientCaFile, PemTls::trust);
    this.identity = identity(chain.current(), key.current());
  }

  /** Whether clients must present a certificate of the client CA. */
  public boolean mutual() {
    return clientCa != null;
  }

  /** The server's certificate and key as they are now on disk. */
  public X509ExtendedKeyManager keyManager() {
    return new Reloading();
  }

  /** Client certificates checked against the client CA as it is now on disk; null without mTLS. */
  public X509ExtendedTrustManager trustManager() {
    return clientCa == null ? null : new ReloadingTrust();
  }

  /** A TLS 1.2/1.3 context with {@link #keyManager} and {@link #trustManager}. */
  public SSLContext sslContext() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(
          new javax.net.ssl.KeyManager[] {keyManager()},
          clientCa == null ? null : new javax.net.ssl.TrustManager[] {trustManager()},
          null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot build a TLS context", e);
    }
  }

  private X509ExtendedKeyManager current() {
    Identity last = identity;
    byte[] nowChain = chain.current();
    byte[] nowKey = key.current();
    if (nowChain == last.chain() && nowKey == last.key()) {
      return last.manager();
    }
    try {
      identity = identity(nowChain, nowKey);
    } catch (RuntimeException e) {
      // a certificate renewed before its key (or the other way round): keep serving the last pair
      return last.manager();
    }
    return identity.manager();
  }

  private static Identity identity(byte[] chainPem, byte[] keyPem) {
    try {
      List<X509Certificate> certificates = certificates(chainPem);
      if (certificates.isEmpty()) {
        throw new IllegalArgumentException("the certificate file holds no certificate");
      }
      PrivateKey privateKey = privateKey(keyPem);
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry(
          ALIAS, privateKey, new char[0], certificates.toArray(new X509Certificate[0]));
      KeyManagerFactory factory =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      factory.init(store, new char[0]);
      X509ExtendedKeyManager manager = (X509ExtendedKeyManager) factory.getKeyManagers()[0];
      return new Identity(chainPem, keyPem, manager);
    } catch (java.io.IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("unusable certificate or key: " + e.getMessage(), e);
    }
  }

  static List<X509Certificate> certificates(byte[] pem) throws CertificateException {
    Collection<? extends java.security.cert.Certificate> parsed =
        CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem));
    return parsed.stream().map(X509Certificate.class::cast).toList();
  }

  /** A PKCS#8 key ({@code BEGIN PRIVATE KEY}, as {@code openssl genpkey} writes), RSA or EC. */
  static PrivateKey privateKey(byte[] pem) throws GeneralSecurityException {
    String text = new String(pem, StandardCharsets.US_ASCII);
    int begin = text.indexOf("-----BEGIN PRIVATE KEY-----");
    int end = text.indexOf("-----END PRIVATE KEY-----");
    if (begin < 0 || end < begin) {
      throw new IllegalArgumentException(
          "the key file must hold a PKCS#8 key (BEGIN PRIVATE KEY); convert with"
              + " openssl pkcs8 -topk8 -nocrypt");
    }
    byte[] der =
        Base64.getMimeDecoder()
            .decode(text.substring(begin + "-----BEGIN PRIVATE KEY-----".length(), end));
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    try {
      return KeyFactory.getInstance("RSA").generatePrivate(spec);
    } catch (GeneralSecurityException notRsa) {
      return KeyFactory.getInstance("EC").generatePrivate(spec);
    }
  }

  private static X509ExtendedTrustManager trust(byte[] pem) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      int i = 0;
      for (X509Certificate certificate : certificates(pem)) {
        store.setCertificateEntry("ca-" + i++, certificate);
      }
      if (i == 0) {
        throw new IllegalArgumentException("the client CA file holds no certificate");
      }
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      return (X509ExtendedTrustManager) factory.getTrustManagers()[0];
    } catch (java.io.IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("unusable client CA: " + e.getMessage(), e);
    }
  }

  /** Delegates every call to the key manager of the files as they are now. */
  private final class Reloading extends X509ExtendedKeyManager {
    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return current().getClientAliases(keyType, issuers);
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return current().chooseClientAlias(keyType, issuers, socket);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return current().getServerAliases(keyType, issuers);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return current().chooseServerAlias(keyType, issuers, socket);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
      return current().chooseEngineServerAlias(keyType, issuers, engine);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return current().getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return current().getPrivateKey(alias);
    }
  }

  /**
   * Checks client certificates against the client CA file as it is now; a server never checks a
   * server certificate.
   */
  private final class ReloadingTrust extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      clientCa.current().checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      clientCa.current().checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      clientCa.current().checkClientTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("the client CA checks clients, not servers");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return clientCa.current().getAcceptedIssuers();
    }
  }
}

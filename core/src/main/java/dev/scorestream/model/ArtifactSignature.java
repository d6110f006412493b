package dev.scorestream.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An Ed25519 signature over an artifact's manifest digest, kept beside the manifest in {@code
 * manifest.sig} (the base64 of the 64 signature bytes). The signed message is the digest as its 64
 * lowercase hex characters, so {@code printf %s DIGEST | openssl pkeyutl -sign -rawin -inkey
 * key.pem | base64} makes the same file. Since the manifest's digest covers the SHA-256 of every
 * file, one signature covers the whole artifact; {@link #verify} checks the files against the
 * manifest too, before anything parses them.
 *
 * <p>Keys are PEM: a private key as {@code openssl genpkey -algorithm ed25519} writes it (PKCS#8,
 * {@code BEGIN PRIVATE KEY}), public keys as X.509 SubjectPublicKeyInfo ({@code BEGIN PUBLIC KEY},
 * or the bare base64). A public-key file may hold several keys, so that during a key rotation
 * artifacts signed with the old key and with the new one both load.
 */
public final class ArtifactSignature {

  /** The signature file, beside {@link ArtifactManifest#FILE}. */
  public static final String FILE = "manifest.sig";

  /** Where {@link #sign} writes before renaming into place, so no reader sees half a file. */
  static final String TEMPORARY = "." + FILE + ".tmp";

  static final String ALGORITHM = "Ed25519";

  private static final Pattern PEM =
      Pattern.compile("-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

  private ArtifactSignature() {}

  /**
   * Signs the artifact in {@code directory}: checks its files against its manifest, then writes
   * {@link #FILE}, replacing an earlier signature.
   *
   * @return the manifest signed
   */
  public static ArtifactManifest sign(Path directory, PrivateKey key) throws IOException {
    ArtifactManifest manifest = ArtifactManifest.verify(directory);
    String signature = Base64.getEncoder().encodeToString(signature(key, manifest.digest()));
    Path temporary = directory.resolve(TEMPORARY);
    Files.writeString(temporary, signature + "\n");
    Files.move(
        temporary,
        directory.resolve(FILE),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    return manifest;
  }

  /**
   * Checks that {@code directory} holds exactly the files its manifest lists and that {@link #FILE}
   * is a signature of the manifest's digest by one of {@code trusted}.
   *
   * @throws InvalidModelException naming what is missing or wrong
   */
  public static ArtifactManifest verify(Path directory, List<PublicKey> trusted) {
    if (!Files.isRegularFile(directory.resolve(ArtifactManifest.FILE))) {
      throw new InvalidModelException(
          directory,
          "has no "
              + ArtifactManifest.FILE
              + ", so it cannot be signed, and model.signature.public.key.file requires a"
              + " signature");
    }
    Path file = directory.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      throw new InvalidModelException(
          directory,
          "is not signed (no "
              + FILE
              + "), and model.signature.public.key.file requires a signature: sign it with"
              + " scorer models sign --key PRIVATE-KEY.pem "
              + directory);
    }
    ArtifactManifest manifest = ArtifactManifest.verify(directory);
    byte[] signature;
    try {
      signature = Base64.getDecoder().decode(Files.readString(file).trim());
    } catch (IllegalArgumentException | IOException e) {
      throw new InvalidModelException(directory, FILE + " is not a base64 signature");
    }
    for (PublicKey key : trusted) {
      if (valid(key, manifest.digest(), signature)) {
        return manifest;
      }
    }
    throw new InvalidModelException(
        directory,
        FILE
            + " is not a valid signature of its manifest (digest "
            + manifest.shortDigest()
            + ") by the key(s) in model.signature.public.key.file: signed with another key, or"
            + " changed after signing");
  }

  /** A new Ed25519 key pair. */
  public static KeyPair generate() {
    try {
      return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM has no " + ALGORITHM, e);
    }
  }

  /** True when {@code key} signs what {@code publicKey} verifies. */
  public static boolean matches(PrivateKey key, PublicKey publicKey) {
    String probe = "scorestream key check";
    return valid(publicKey, probe, signature(key, probe));
  }

  /** The PEM text of a key: {@code PRIVATE KEY} (PKCS#8) or {@code PUBLIC KEY} (X.509). */
  public static String pem(Key key) {
    String type = key instanceof PrivateKey ? "PRIVATE KEY" : "PUBLIC KEY";
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded())
        + "\n-----END "
        + type
        + "-----\n";
  }

  /**
   * The Ed25519 public keys in {@code file}: PEM blocks, or one bare base64 key.
   *
   * @throws IllegalArgumentException naming the file (never its contents) when it holds none
   */
  public static List<PublicKey> readPublicKeys(Path file) {
    List<PublicKey> keys = new ArrayList<>();
    for (byte[] encoded : blocks(file, "PUBLIC KEY")) {
      try {
        keys.add(KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(encoded)));
      } catch (GeneralSecurityException e) {
        throw new IllegalArgumentException(file + " holds a key that is not an Ed25519 public key");
      }
    }
    return List.copyOf(keys);
  }

  /**
   * The Ed25519 private key in {@code file} (PKCS#8 PEM, as openssl genpkey writes it).
   *
   * @throws IllegalArgumentException naming the file (never its contents) when it holds none
   */
  public static PrivateKey readPrivateKey(Path file) {
    List<byte[]> blocks = blocks(file, "PRIVATE KEY");
    if (blocks.size() != 1) {
      throw new IllegalArgumentException(file + " must hold exactly one private key");
    }
    try {
      return KeyFactory.getInstance(ALGORITHM)
          .generatePrivate(new PKCS8EncodedKeySpec(blocks.get(0)));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          file + " does not hold an unencrypted Ed25519 private key (PKCS#8 PEM)");
    }
  }

  private static List<byte[]> blocks(Path file, String type) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException | UncheckedIOException e) {
      throw new IllegalArgumentException(
          "cannot read key file " + file + ": " + e.getClass().getSimpleName());
    }
    List<byte[]> blocks = new ArrayList<>();
    Matcher matcher = PEM.matcher(text);
    try {
      while (matcher.find()) {
        if (matcher.group(1).equals(type)) {
          blocks.add(Base64.getMimeDecoder().decode(matcher.group(2)));
        }
      }
      if (blocks.isEmpty() && !text.contains("-----") && !text.isBlank()) {
        blocks.add(Base64.getMimeDecoder().decode(text.trim()));
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + " is not PEM or base64");
    }
    if (blocks.isEmpty()) {
      throw new IllegalArgumentException(file + " holds no " + type + " (PEM)");
    }
    return blocks;
  }

  private static byte[] signature(PrivateKey key, String digest) {
    try {
      Signature signer = Signature.getInstance(ALGORITHM);
      signer.initSign(key);
      signer.update(digest.getBytes(StandardCharsets.US_ASCII));
      return signer.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot sign with that key: " + e.getMessage(), e);
    }
  }

  private static boolean valid(PublicKey key, String digest, byte[] signature) {
    try {
      Signature verifier = Signature.getInstance(ALGORITHM);
      verifier.initVerify(key);
      verifier.update(digest.getBytes(StandardCharsets.US_ASCII));
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}

package dev.scorestream.app;

import dev.scorestream.config.ScorerConfig;
import dev.scorestream.model.ArtifactSignature;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.List;
import org.apache.kafka.common.config.ConfigException;

/**
 * The artifact-signing keys the configuration names: the public keys every served artifact must be
 * signed with ({@code model.signature.public.key.file}) and the private key the retraining
 * controller signs with ({@code model.signature.private.key.file}). A key file that cannot be read
 * stops start-up naming the key and the path.
 */
public final class ArtifactKeys {

  private ArtifactKeys() {}

  /** The trusted public keys; empty when signatures are not required. */
  public static List<PublicKey> trusted(ScorerConfig config) {
    String file = config.getString(ScorerConfig.MODEL_SIGNATURE_PUBLIC_KEY_FILE);
    if (file.isEmpty()) {
      return List.of();
    }
    try {
      return ArtifactSignature.readPublicKeys(Path.of(file));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          ScorerConfig.MODEL_SIGNATURE_PUBLIC_KEY_FILE + ": " + e.getMessage());
    }
  }

  /**
   * The key the retraining controller signs its candidates with, or null when it publishes unsigned
   * artifacts. Refuses a public key without a private key (the scorers would refuse every candidate
   * the loop publishes) and a private key that matches none of the public keys.
   */
  public static PrivateKey forRetraining(ScorerConfig config) {
    if (config.getString(ScorerConfig.MODEL_SIGNATURE_PRIVATE_KEY_FILE).isEmpty()) {
      if (!trusted(config).isEmpty()) {
        throw new ConfigException(
            ScorerConfig.MODEL_SIGNATURE_PRIVATE_KEY_FILE
                + " is not set, but "
                + ScorerConfig.MODEL_SIGNATURE_PUBLIC_KEY_FILE
                + " is: the scorers would refuse every candidate the retraining controller"
                + " publishes unsigned. Give the controller the private key that matches (or unset"
                + " the public key)");
      }
      return null;
    }
    return signing(config);
  }

  /**
   * The private key {@code model.signature.private.key.file} names, or null when it is not set;
   * refused when it matches none of the trusted public keys.
   */
  public static PrivateKey signing(ScorerConfig config) {
    String file = config.getString(ScorerConfig.MODEL_SIGNATURE_PRIVATE_KEY_FILE);
    if (file.isEmpty()) {
      return null;
    }
    List<PublicKey> trusted = trusted(config);
    PrivateKey key;
    try {
      key = ArtifactSignature.readPrivateKey(Path.of(file));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          ScorerConfig.MODEL_SIGNATURE_PRIVATE_KEY_FILE + ": " + e.getMessage());
    }
    if (!trusted.isEmpty() && trusted.stream().noneMatch(k -> ArtifactSignature.matches(key, k))) {
      throw new ConfigException(
          "the key in "
              + ScorerConfig.MODEL_SIGNATURE_PRIVATE_KEY_FILE
              + " ("
              + file
              + ") matches none of the public keys in "
              + ScorerConfig.MODEL_SIGNATURE_PUBLIC_KEY_FILE
              + ": the scorers would refuse what it signs");
    }
    return key;
  }
}

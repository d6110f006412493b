package dev.scorestream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scorestream.config.ScorerConfig;
import dev.scorestream.fixtures.Configs;
import dev.scorestream.model.ArtifactSignature;
import dev.scorestream.model.InvalidModelException;
import dev.scorestream.training.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A scorer with model.signature.public.key.file serves only signed artifacts from the start. */
class SignedArtifactsTest {

  static final KeyPair KEYS = ArtifactSignature.generate();
  static final KeyPair OTHER = ArtifactSignature.generate();

  @TempDir Path dir;

  @Test
  void shouldStartOnASignedArtifactAndRefuseAnUnsignedOneNamingIt() throws IOException {
    Path models = dir.resolve("models");
    Path signed = models.resolve("fraud-v1");
    TestModels.logistic().save(signed);
    ArtifactSignature.sign(signed, KEYS.getPrivate());
    Map<String, Object> values = values(models.toString());

    assertThat(ServingSetup.load(ScorerConfig.of(values)).models().champion().directory())
        .isEqualTo(signed);

    Path unsigned = dir.resolve("single");
    TestModels.logistic().save(unsigned);
    assertThatThrownBy(() -> ServingSetup.load(ScorerConfig.of(values(unsigned.toString()))))
        .isInstanceOf(InvalidModelException.class)
        .hasMessageContaining(unsigned.toString())
        .hasMessageContaining("is not signed");
    Files.delete(signed.resolve(ArtifactSignature.FILE));
    assertThatThrownBy(() -> ServingSetup.load(ScorerConfig.of(values)))
        .isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("holds no valid model artifact")
        .hasMessageContaining("is not signed");
  }

  @Test
  void shouldRefuseTheRetrainingControllerAPublicKeyWithoutTheMatchingPrivateKey()
      throws IOException {
    Map<String, Object> values = values(dir.resolve("models").toString());

    assertThatThrownBy(() -> ArtifactKeys.forRetraining(ScorerConfig.of(values)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(ScorerConfig.MODEL_SIGNATURE_PRIVATE_KEY_FILE + " is not set")
        .hasMessageContaining(ScorerConfig.MODEL_SIGNATURE_PUBLIC_KEY_FILE);

    values.put(ScorerConfig.MODEL_SIGNATURE_PRIVATE_KEY_FILE, key("other.pem", OTHER));
    assertThatThrownBy(() -> ArtifactKeys.forRetraining(ScorerConfig.of(values)))
        .hasMessageContaining("matches none of the public keys");

    values.put(ScorerConfig.MODEL_SIGNATURE_PRIVATE_KEY_FILE, key("signing.pem", KEYS));
    assertThat(ArtifactKeys.forRetraining(ScorerConfig.of(values)).getEncoded())
        .isEqualTo(KEYS.getPrivate().getEncoded());

    values.put(ScorerConfig.MODEL_SIGNATURE_PUBLIC_KEY_FILE, dir.resolve("gone.pem").toString());
    assertThatThrownBy(() -> ArtifactKeys.trusted(ScorerConfig.of(values)))
        .hasMessageContaining(ScorerConfig.MODEL_SIGNATURE_PUBLIC_KEY_FILE)
        .hasMessageContaining(dir.resolve("gone.pem").toString());
  }

  private Map<String, Object> values(String modelDir) throws IOException {
    Map<String, Object> values = Configs.minimal();
    values.put(ScorerConfig.MODEL_DIR, modelDir);
    Path publicKey = dir.resolve("trusted.pem");
    Files.writeString(publicKey, ArtifactSignature.pem(KEYS.getPublic()));
    values.put(ScorerConfig.MODEL_SIGNATURE_PUBLIC_KEY_FILE, publicKey.toString());
    return values;
  }

  private String key(String name, KeyPair pair) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, ArtifactSignature.pem(pair.getPrivate()));
    return file.toString();
  }
}

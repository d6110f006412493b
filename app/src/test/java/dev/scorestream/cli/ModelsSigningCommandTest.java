package dev.scorestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.model.ArtifactManifest;
import dev.scorestream.model.ArtifactSignature;
import dev.scorestream.model.ModelArtifact;
import dev.scorestream.training.TestModels;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scorer models keygen}, {@code sign} and {@code verify}, as CI or a data scientist runs
 * them.
 */
class ModelsSigningCommandTest {

  @TempDir Path dir;

  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  int run(String... args) {
    return ScorerCli.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  @Test
  void shouldMakeKeysSignAnArtifactAndVerifyItAsTheScorerWould() throws IOException {
    Path keys = dir.resolve("keys");
    Path privateKey = keys.resolve(ModelsSigningCommand.PRIVATE_KEY);
    Path publicKey = keys.resolve(ModelsSigningCommand.PUBLIC_KEY);
    Path artifact = dir.resolve("fraud-v1");
    TestModels.logistic().save(artifact);

    assertThat(run("models", "keygen", "--out", keys.toString())).as(err.toString()).isZero();
    assertThat(Files.getPosixFilePermissions(privateKey))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(run("models", "verify", "--public-key", publicKey.toString(), artifact.toString()))
        .isEqualTo(1);
    assertThat(err.toString()).contains("REFUSED").contains("is not signed");

    assertThat(run("models", "sign", "--key", privateKey.toString(), artifact.toString()))
        .as(err.toString())
        .isZero();
    assertThat(out.toString()).contains("signed " + artifact);
    assertThat(run("models", "verify", "--public-key", publicKey.toString(), artifact.toString()))
        .isZero();
    assertThat(out.toString()).contains("OK " + artifact);
    Path models = dir.resolve("models");
    TestModels.logistic().save(models.resolve("fraud-unsigned"));
    Files.setLastModifiedTime(
        models.resolve("fraud-unsigned"), java.nio.file.attribute.FileTime.fromMillis(1_000L));
    Files.move(artifact, models.resolve("fraud-v1"));
    assertThat(run("models", "--dir", models.toString(), "--public-key", publicKey.toString()))
        .isZero();
    assertThat(out.toString())
        .containsPattern("ACTIVE\\s+fraud-v1")
        .containsPattern("fraud-unsigned.*INVALID: .*is not signed");
    artifact = models.resolve("fraud-v1");
    assertThat(Files.readString(privateKey)).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(Files.readString(publicKey)).startsWith("-----BEGIN PUBLIC KEY-----");

    Files.writeString(artifact.resolve(ModelArtifact.SMOKE_FILE), "[]");
    ArtifactManifest.of(artifact).write(artifact);
    assertThat(run("models", "verify", "--public-key", publicKey.toString(), artifact.toString()))
        .isEqualTo(1);
    assertThat(err.toString()).contains("not a valid signature of its manifest");
  }

  @Test
  void shouldNeverOverwriteAKeyAndRefuseToSignAChangedArtifact() throws IOException {
    Path keys = dir.resolve("keys");
    assertThat(run("models", "keygen", "--out", keys.toString())).isZero();
    String before = Files.readString(keys.resolve(ModelsSigningCommand.PRIVATE_KEY));

    assertThat(run("models", "keygen", "--out", keys.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("exists already");
    assertThat(Files.readString(keys.resolve(ModelsSigningCommand.PRIVATE_KEY))).isEqualTo(before);

    Path artifact = dir.resolve("fraud-v1");
    TestModels.logistic().save(artifact);
    Files.writeString(artifact.resolve(ModelArtifact.SMOKE_FILE), "[]");
    assertThat(
            run(
                "models",
                "sign",
                "--key",
                keys.resolve(ModelsSigningCommand.PRIVATE_KEY).toString(),
                artifact.toString()))
        .isEqualTo(1);
    assertThat(err.toString()).contains("changed after the artifact was made");
    assertThat(artifact.resolve(ArtifactSignature.FILE)).doesNotExist();
  }
}

package dev.scorestream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signed artifacts: with trusted keys, only an artifact whose manifest.sig is a signature of its
 * manifest's digest by one of them loads, at start-up and at a hot swap; the files are checked
 * against the manifest as well, so no file can change without the signature failing.
 */
class ArtifactSignatureTest {

  static final KeyPair KEYS = ArtifactSignature.generate();
  static final KeyPair OTHER = ArtifactSignature.generate();

  @TempDir Path root;

  Path saved(String name) throws IOException {
    Path dir = root.resolve("staging").resolve(name);
    ReferenceModels.logistic().save(dir);
    return dir;
  }

  Path publish(Path staged, Path models, long modifiedMillis) throws IOException {
    Files.setLastModifiedTime(staged, FileTime.fromMillis(modifiedMillis));
    return Files.move(staged, models.resolve(staged.getFileName()), StandardCopyOption.ATOMIC_MOVE);
  }

  ModelDirectory trusting(Path models, PublicKey... keys) {
    return new ModelDirectory(models, ReferenceModels.extractor()).trusting(List.of(keys));
  }

  @Test
  void shouldLoadASignedArtifactAndWriteTheSignatureBesideTheManifest() throws IOException {
    Path models = Files.createDirectories(root.resolve("models"));
    Path staged = saved("fraud-v1");

    ArtifactManifest signed = ArtifactSignature.sign(staged, KEYS.getPrivate());
    publish(staged, models, 1_000_000L);

    assertThat(models.resolve("fraud-v1").resolve(ArtifactSignature.FILE)).isRegularFile();
    assertThat(signed).isEqualTo(ArtifactManifest.verify(models.resolve("fraud-v1")));
    assertThat(trusting(models, KEYS.getPublic()).newestValid()).isPresent();
  }

  @Test
  void shouldRefuseAnUnsignedArtifactWhenKeysAreTrusted() throws IOException {
    Path models = Files.createDirectories(root.resolve("models"));
    publish(saved("fraud-v1"), models, 1_000_000L);

    ModelDirectory.Entry entry = trusting(models, KEYS.getPublic()).list().get(0);

    assertThat(entry.valid()).isFalse();
    assertThat(entry.problem())
        .contains("fraud-v1")
        .contains("is not signed (no manifest.sig)")
        .contains("model.signature.public.key.file")
        .contains("scorer models sign");
    assertThat(new ModelDirectory(models, ReferenceModels.extractor()).newestValid())
        .as("without trusted keys no signature is needed")
        .isPresent();
  }

  @Test
  void shouldRefuseAFileChangedAfterSigningEvenWithTheManifestMadeAnew() throws IOException {
    Path dir = saved("fraud-v1");
    ArtifactSignature.sign(dir, KEYS.getPrivate());
    Files.writeString(dir.resolve(ModelArtifact.SMOKE_FILE), "[]");

    assertThatThrownBy(() -> ArtifactSignature.verify(dir, List.of(KEYS.getPublic())))
        .isInstanceOf(InvalidModelException.class)
        .hasMessageContaining(ModelArtifact.SMOKE_FILE + " changed after the artifact was made");

    ArtifactManifest.of(dir).write(dir);
    assertThatThrownBy(() -> ArtifactSignature.verify(dir, List.of(KEYS.getPublic())))
        .as("a manifest made anew for the changed file is not the one signed")
        .isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("manifest.sig is not a valid signature of its manifest");
  }

  @Test
  void shouldRefuseASignatureByAnotherKeyAndAGarbledOne() throws IOException {
    Path dir = saved("fraud-v1");
    ArtifactSignature.sign(dir, OTHER.getPrivate());

    assertThatThrownBy(() -> ArtifactSignature.verify(dir, List.of(KEYS.getPublic())))
        .hasMessageContaining("signed with another key");

    Files.writeString(dir.resolve(ArtifactSignature.FILE), "not base64 !!");
    assertThatThrownBy(() -> ArtifactSignature.verify(dir, List.of(KEYS.getPublic())))
        .hasMessageContaining("manifest.sig is not a base64 signature");
  }

  @Test
  void shouldTrustEveryKeyOfAPublicKeyFileWhileKeysRotate() throws IOException {
    Path keys = root.resolve("trusted.pem");
    Files.writeString(
        keys,
        ArtifactSignature.pem(OTHER.getPublic()) + "\n" + ArtifactSignature.pem(KEYS.getPublic()));
    Path bare = root.resolve("bare.pub");
    Files.writeString(
        bare, java.util.Base64.getEncoder().encodeToString(KEYS.getPublic().getEncoded()) + "\n");
    Path dir = saved("fraud-v1");
    ArtifactSignature.sign(dir, KEYS.getPrivate());

    assertThat(ArtifactSignature.readPublicKeys(keys)).hasSize(2);
    assertThat(ArtifactSignature.verify(dir, ArtifactSignature.readPublicKeys(keys))).isNotNull();
    assertThat(ArtifactSignature.verify(dir, ArtifactSignature.readPublicKeys(bare))).isNotNull();
    Path privateFile = root.resolve("signing.pem");
    Files.writeString(privateFile, ArtifactSignature.pem(KEYS.getPrivate()));
    assertThat(
            ArtifactSignature.matches(
                ArtifactSignature.readPrivateKey(privateFile), KEYS.getPublic()))
        .isTrue();
    assertThatThrownBy(() -> ArtifactSignature.readPrivateKey(keys))
        .hasMessageContaining(keys.toString())
        .hasMessageContaining("no PRIVATE KEY");
  }

  @Test
  void shouldKeepServingTheOldModelWhenAHotSwapCandidateIsBadlySigned() throws IOException {
    Path models = Files.createDirectories(root.resolve("models"));
    Path v1 = saved("fraud-v1");
    ArtifactSignature.sign(v1, KEYS.getPrivate());
    publish(v1, models, 1_000_000L);
    ModelDirectory directory = trusting(models, KEYS.getPublic());
    ModelArtifact serving = directory.newestValid().orElseThrow();
    List<String> swappedTo = new ArrayList<>();
    ModelWatcher watcher =
        new ModelWatcher(directory, serving, next -> swappedTo.add(next.directory().toString()));

    Path forged = root.resolve("staging").resolve("fraud-forged");
    ReferenceModels.load(ReferenceModels.LOGISTIC_V2).save(forged);
    ArtifactSignature.sign(forged, OTHER.getPrivate());
    publish(forged, models, 2_000_000L);
    Path unsigned = root.resolve("staging").resolve("fraud-unsigned");
    ReferenceModels.load(ReferenceModels.LOGISTIC_V2).save(unsigned);
    publish(unsigned, models, 3_000_000L);
    watcher.poll();

    assertThat(swappedTo).as("the serving model keeps serving").isEmpty();
    assertThat(watcher.rejected()).isEqualTo(2);

    Path v2 = root.resolve("staging").resolve("fraud-v2");
    ReferenceModels.load(ReferenceModels.LOGISTIC_V2).save(v2);
    ArtifactSignature.sign(v2, KEYS.getPrivate());
    publish(v2, models, 4_000_000L);
    watcher.poll();

    assertThat(swappedTo).containsExactly(models.resolve("fraud-v2").toString());
  }

  @Test
  void shouldAcceptKeysAndSignaturesMadeWithOpenssl() throws Exception {
    assumeThat(Path.of("/usr/bin/openssl")).as("openssl installed").isExecutable();
    Path privateFile = root.resolve("openssl.pem");
    Path publicFile = root.resolve("openssl.pub.pem");
    openssl("genpkey", "-algorithm", "ed25519", "-out", privateFile.toString());
    openssl("pkey", "-in", privateFile.toString(), "-pubout", "-out", publicFile.toString());
    Path dir = saved("fraud-v1");
    ArtifactManifest manifest = ArtifactManifest.verify(dir);
    Path digest = root.resolve("digest.txt");
    Files.writeString(digest, manifest.digest());
    Path raw = root.resolve("sig.bin");
    openssl(
        "pkeyutl",
        "-sign",
        "-rawin",
        "-inkey",
        privateFile.toString(),
        "-in",
        digest.toString(),
        "-out",
        raw.toString());
    Files.writeString(
        dir.resolve(ArtifactSignature.FILE),
        java.util.Base64.getEncoder().encodeToString(Files.readAllBytes(raw)) + "\n");

    List<PublicKey> trusted = ArtifactSignature.readPublicKeys(publicFile);
    assertThat(ArtifactSignature.verify(dir, trusted)).isEqualTo(manifest);
    assertThat(
            ArtifactSignature.matches(
                ArtifactSignature.readPrivateKey(privateFile), trusted.get(0)))
        .isTrue();
  }

  private static void openssl(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("/usr/bin/openssl"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
  }
}

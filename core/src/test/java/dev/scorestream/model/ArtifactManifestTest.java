package dev.scorestream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The manifest makes an artifact immutable: every file changed, added or removed after it was
 * saved, and a manifest whose own digest was edited, refuse the artifact naming the file.
 */
class ArtifactManifestTest {

  static final List<String> FILES =
      List.of(
          ModelArtifact.MODEL_FILE,
          ModelArtifact.METADATA_FILE,
          ModelArtifact.BASELINE_FILE,
          ModelArtifact.SMOKE_FILE);

  @TempDir Path root;

  /** The committed model saved anew into {@code name}: the save writes its manifest. */
  Path saved(String name) throws IOException {
    Path dir = root.resolve(name);
    ReferenceModels.logistic().save(dir);
    return dir;
  }

  /** The committed model as committed (no manifest), copied file by file into {@code target}. */
  static Path copyCommitted(String version, Path target) throws IOException {
    Files.createDirectories(target);
    try (Stream<Path> files = Files.list(ReferenceModels.directory(version))) {
      for (Path file : files.toList()) {
        Files.copy(file, target.resolve(file.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
    return target;
  }

  @Test
  void shouldVerifyAnArtifactAsItWasSaved() throws IOException {
    Path dir = saved("fresh");

    ArtifactManifest verified = ArtifactManifest.verify(dir);

    assertThat(verified.files()).containsOnlyKeys(FILES);
    assertThat(verified).isEqualTo(ArtifactManifest.read(dir).orElseThrow());
    assertThat(verified.files().get(ModelArtifact.METADATA_FILE))
        .isEqualTo(ArtifactManifest.sha256(dir.resolve(ModelArtifact.METADATA_FILE)));
    assertThat(verified.digest()).hasSize(64).startsWith(verified.shortDigest());
    assertThat(verified.shortDigest()).hasSize(12);
  }

  @Test
  void shouldGiveTheSameDigestToTheSameFilesWhereverTheyLie() throws IOException {
    assertThat(ArtifactManifest.verify(saved("a")).digest())
        .isEqualTo(ArtifactManifest.verify(saved("b")).digest());
  }

  @Test
  void shouldRefuseAChangedByteNamingTheFile() throws IOException {
    Path dir = saved("changed");
    Path baseline = dir.resolve(ModelArtifact.BASELINE_FILE);
    byte[] bytes = Files.readAllBytes(baseline);
    bytes[bytes.length / 2] ^= 1;
    Files.write(baseline, bytes);

    assertThatThrownBy(() -> ArtifactManifest.verify(dir))
        .isInstanceOf(InvalidModelException.class)
        .hasMessageContaining(ModelArtifact.BASELINE_FILE + " changed after the artifact was made");
  }

  @Test
  void shouldRefuseAnAddedFileNamingIt() throws IOException {
    Path dir = saved("added");
    Files.writeString(dir.resolve("notes.txt"), "added later");

    assertThatThrownBy(() -> ArtifactManifest.verify(dir))
        .isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("holds notes.txt, which manifest.json does not list");
  }

  @Test
  void shouldRefuseARemovedFileNamingIt() throws IOException {
    Path dir = saved("removed");
    Files.delete(dir.resolve(ModelArtifact.SMOKE_FILE));

    assertThatThrownBy(() -> ArtifactManifest.verify(dir))
        .isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("has no " + ModelArtifact.SMOKE_FILE + ", which manifest.json lists");
  }

  @Test
  void shouldRefuseAManifestWhoseDigestWasTamperedWith() throws IOException {
    Path dir = saved("tampered");
    ArtifactManifest recorded = ArtifactManifest.read(dir).orElseThrow();
    String forged =
        (recorded.digest().charAt(0) == '0' ? "1" : "0") + recorded.digest().substring(1);
    new ArtifactManifest(recorded.files(), forged).write(dir);

    assertThatThrownBy(() -> ArtifactManifest.verify(dir))
        .isInstanceOf(InvalidModelException.class)
        .hasMessageContaining(
            ArtifactManifest.FILE + "'s digest is not the digest of the files it lists");
  }

  @Test
  void shouldRefuseAManifestThatListsAFileWithAnotherHash() throws IOException {
    Path dir = saved("relisted");
    ArtifactManifest recorded = ArtifactManifest.read(dir).orElseThrow();
    Map<String, String> files = new java.util.TreeMap<>(recorded.files());
    files.put(ModelArtifact.SMOKE_FILE, "00".repeat(32));
    // A manifest rewritten whole, with a digest that fits its own lines: the file still refuses it.
    ArtifactManifest consistent = new ArtifactManifest(files, digestOf(files));
    consistent.write(dir);

    assertThatThrownBy(() -> ArtifactManifest.verify(dir))
        .isInstanceOf(InvalidModelException.class)
        .hasMessageContaining(ModelArtifact.SMOKE_FILE + " changed after the artifact was made");
  }

  /** The documented digest: SHA-256 over the sorted lines {@code name hex\n}. */
  static String digestOf(Map<String, String> files) {
    StringBuilder lines = new StringBuilder();
    new java.util.TreeMap<>(files)
        .forEach((name, hex) -> lines.append(name).append(' ').append(hex).append('\n'));
    return ModelArtifact.sha256(lines.toString());
  }

  @Test
  void shouldDigestTheSortedNameAndHashLines() throws IOException {
    ArtifactManifest manifest = ArtifactManifest.verify(saved("documented"));

    assertThat(manifest.digest()).isEqualTo(digestOf(manifest.files()));
  }

  @Test
  void shouldVerifyOnLoadWhenTheArtifactHasAManifest() throws IOException {
    Path dir = saved("loaded");
    assertThat(ModelArtifact.load(dir, ReferenceModels.extractor()).metadata().version())
        .isEqualTo(ReferenceModels.LOGISTIC_V1);
    // Still valid JSON with the same values: only the manifest can tell.
    Files.writeString(dir.resolve(ModelArtifact.METADATA_FILE), "\n", StandardOpenOption.APPEND);

    assertThatThrownBy(() -> ModelArtifact.load(dir, ReferenceModels.extractor()))
        .isInstanceOf(InvalidModelException.class)
        .hasMessageContaining(ModelArtifact.METADATA_FILE + " changed after the artifact was made");

    Files.delete(dir.resolve(ArtifactManifest.FILE));
    assertThat(ModelArtifact.load(dir, ReferenceModels.extractor()).metadata().version())
        .as("without a manifest the same files load")
        .isEqualTo(ReferenceModels.LOGISTIC_V1);
  }

  @Test
  void shouldRefuseAnArtifactWithoutAManifestWhenTheDirectoryRequiresOne() throws IOException {
    Path models = Files.createDirectories(root.resolve("models"));
    Path bare = copyCommitted(ReferenceModels.LOGISTIC_V1, models.resolve("fraud-v1"));
    assertThat(bare.resolve(ArtifactManifest.FILE)).doesNotExist();

    ModelDirectory strict = new ModelDirectory(models, ReferenceModels.extractor(), true);
    ModelDirectory lenient = new ModelDirectory(models, ReferenceModels.extractor());

    assertThat(strict.list())
        .singleElement()
        .satisfies(
            entry -> {
              assertThat(entry.valid()).isFalse();
              assertThat(entry.problem())
                  .contains("fraud-v1")
                  .contains("has no " + ArtifactManifest.FILE)
                  .contains("model.require.manifest");
            });
    assertThat(strict.newestValid()).isEmpty();
    assertThat(lenient.newestValid()).isPresent();

    ReferenceModels.load(ReferenceModels.LOGISTIC_V1).save(bare);
    assertThat(strict.newestValid().orElseThrow().metadata().version())
        .as("saved again, it carries a manifest")
        .isEqualTo(ReferenceModels.LOGISTIC_V1);
  }

  /** jqwik has no @TempDir: each try saves into a directory of its own and removes it. */
  @Property(tries = 60)
  void shouldRefuseAnyFlippedByteOfAnyListedFileNamingThatFile(
      @ForAll @IntRange(min = 0, max = 3) int fileIndex,
      @ForAll @IntRange(min = 0, max = 1_000_000) int position,
      @ForAll @IntRange(min = 1, max = 255) int mask)
      throws IOException {
    Path copy = Files.createTempDirectory("manifest-flip-");
    try {
      ReferenceModels.logistic().save(copy);
      String name = FILES.get(fileIndex);
      byte[] bytes = Files.readAllBytes(copy.resolve(name));
      bytes[position % bytes.length] ^= (byte) mask;
      Files.write(copy.resolve(name), bytes);

      assertThatThrownBy(() -> ArtifactManifest.verify(copy))
          .isInstanceOf(InvalidModelException.class)
          .hasMessageContaining(name + " changed after the artifact was made");
    } finally {
      try (Stream<Path> files = Files.list(copy)) {
        for (Path file : files.toList()) {
          Files.delete(file);
        }
      }
      Files.delete(copy);
    }
  }
}

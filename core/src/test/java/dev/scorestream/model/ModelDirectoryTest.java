package dev.scorestream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Publication into a models directory: one atomic rename, stamped as the newest. */
class ModelDirectoryTest {

  @TempDir Path root;

  /** {@code version} saved under a staging name inside {@code models}, its directory dated then. */
  static Path staged(Path models, String version, String name, FileTime modified)
      throws IOException {
    Path staged = models.resolve(name);
    ReferenceModels.load(version).save(staged);
    Files.setLastModifiedTime(staged, modified);
    return staged;
  }

  @Test
  void shouldPublishAnArtifactWithOldFilesAsTheNewest() throws IOException {
    Path models = Files.createDirectories(root.resolve("models"));
    FileTime aMinuteAgo = FileTime.from(Instant.now().minus(Duration.ofMinutes(1)));
    staged(models, ReferenceModels.LOGISTIC_V1, "fraud-v1", aMinuteAgo);
    Path staged =
        staged(models, ReferenceModels.LOGISTIC_V2, ".staging-v2", FileTime.fromMillis(1_000_000L));
    ModelDirectory directory = new ModelDirectory(models, ReferenceModels.extractor());
    assertThat(directory.newestValid().orElseThrow().metadata().version())
        .as("staging names are ignored")
        .isEqualTo(ReferenceModels.LOGISTIC_V1);

    Path published = ModelDirectory.publish(models, staged, "fraud-v2");

    assertThat(published).isEqualTo(models.resolve("fraud-v2")).isDirectory();
    assertThat(staged).doesNotExist();
    assertThat(Files.getLastModifiedTime(published)).isGreaterThan(aMinuteAgo);
    assertThat(directory.newestValid().orElseThrow().metadata().version())
        .isEqualTo(ReferenceModels.LOGISTIC_V2);
  }

  @Test
  void shouldRefuseANameAlreadyPublishedAndLeaveBothAsTheyWere() throws IOException {
    Path models = Files.createDirectories(root.resolve("models"));
    FileTime then = FileTime.fromMillis(5_000_000L);
    Path first = staged(models, ReferenceModels.LOGISTIC_V1, "fraud", then);
    Path staged = staged(models, ReferenceModels.LOGISTIC_V2, ".staging-fraud", then);

    assertThatThrownBy(() -> ModelDirectory.publish(models, staged, "fraud"))
        .isInstanceOf(FileAlreadyExistsException.class)
        .hasMessageContaining(first.toString());

    assertThat(staged).isDirectory();
    assertThat(Files.getLastModifiedTime(first)).isEqualTo(then);
    assertThat(ModelArtifact.load(first, ReferenceModels.extractor()).metadata().version())
        .isEqualTo(ReferenceModels.LOGISTIC_V1);
  }
}

package dev.scorestream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelWatcherTest {

  @TempDir Path root;

  /**
   * Writes {@code artifact} into a staging area, then renames it into the models directory at once.
   */
  Path publish(ModelArtifact artifact, Path models, String name, long modifiedMillis)
      throws IOException {
    Path staging = root.resolve("staging").resolve(name);
    artifact.save(staging);
    Files.setLastModifiedTime(staging, FileTime.fromMillis(modifiedMillis));
    return Files.move(staging, models.resolve(name), StandardCopyOption.ATOMIC_MOVE);
  }

  @Test
  void shouldSwapToNewlyPublishedValidModelAndIgnoreInvalidOnes() throws IOException {
    Path models = Files.createDirectories(root.resolve("models"));
    publish(ReferenceModels.logistic(), models, "fraud-v1", 1_000_000L);
    ModelDirectory directory = new ModelDirectory(models, ReferenceModels.extractor());
    ModelArtifact serving = directory.newestValid().orElseThrow();
    List<String> swappedTo = new ArrayList<>();
    ModelWatcher watcher =
        new ModelWatcher(directory, serving, next -> swappedTo.add(next.metadata().version()));

    watcher.poll();
    assertThat(swappedTo).as("nothing new yet").isEmpty();

    Path broken =
        publish(
            ReferenceModels.load(ReferenceModels.LOGISTIC_V2), models, "fraud-broken", 2_000_000L);
    Files.write(broken.resolve(ModelArtifact.MODEL_FILE), new byte[] {9, 9, 9});
    Files.setLastModifiedTime(broken, FileTime.fromMillis(2_000_000L));
    watcher.poll();
    assertThat(swappedTo).isEmpty();
    assertThat(watcher.rejected()).isEqualTo(1);

    publish(ReferenceModels.load(ReferenceModels.LOGISTIC_V2), models, "fraud-v2", 3_000_000L);
    Files.createDirectories(models.resolve(".incoming-v3"));
    watcher.poll();
    watcher.poll();

    assertThat(swappedTo).containsExactly(ReferenceModels.LOGISTIC_V2);
    assertThat(directory.newestValid().orElseThrow().metadata().version())
        .isEqualTo(ReferenceModels.LOGISTIC_V2);
    assertThat(directory.list())
        .extracting(ModelDirectory.Entry::valid)
        .containsExactly(true, false, true);
  }

  @Test
  void shouldRefuseArtifactWhoseSmokeAnswersDoNotMatch() throws IOException {
    Path dir = root.resolve("tampered");
    ReferenceModels.logistic().save(dir);
    String smoke = Files.readString(dir.resolve(ModelArtifact.SMOKE_FILE));
    Files.writeString(
        dir.resolve(ModelArtifact.SMOKE_FILE),
        smoke.replaceFirst("\"LEGIT\" : 0\\.", "\"LEGIT\" : 0.0001"));
    // Sealed again, so that the smoke check, not the manifest, is what refuses it.
    ArtifactManifest.of(dir).write(dir);

    assertThatThrownBy(() -> ModelArtifact.load(dir, ReferenceModels.extractor()))
        .hasMessageContaining("smoke example 0");
  }

  final List<String> offered = new ArrayList<>();
  final AtomicInteger gone = new AtomicInteger();

  /** A challenger directory, empty, and a watcher of it: nothing serves yet. */
  ModelWatcher challengerWatcher(Path challengers) throws IOException {
    Files.createDirectories(challengers);
    return new ModelWatcher(
        new ModelDirectory(challengers, ReferenceModels.extractor()),
        null,
        next -> offered.add(next.metadata().version()),
        gone::incrementAndGet);
  }

  /** {@code version} staged inside {@code directory}, then published as {@code name}. */
  static Path publishNow(Path directory, String version, String name) throws IOException {
    Path staged = directory.resolve(".staging-" + name);
    ReferenceModels.load(version).save(staged);
    return ModelDirectory.publish(directory, staged, name);
  }

  static void delete(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      for (Path file : files.toList()) {
        Files.delete(file);
      }
    }
    Files.delete(directory);
  }

  @Test
  void shouldOfferEachPublishedChallengerAndSayOnceWhenItIsGone() throws IOException {
    Path challengers = root.resolve("challengers");
    ModelWatcher watcher = challengerWatcher(challengers);

    watcher.poll();
    assertThat(offered).as("no challenger yet").isEmpty();
    assertThat(gone).as("nothing served, nothing gone").hasValue(0);

    Path first = publishNow(challengers, ReferenceModels.LOGISTIC_V2, "challenger-a");
    watcher.poll();
    watcher.poll();
    assertThat(offered).containsExactly(ReferenceModels.LOGISTIC_V2);

    Files.move(first, challengers.resolve(".retired-challenger-a"), StandardCopyOption.ATOMIC_MOVE);
    watcher.poll();
    watcher.poll();
    assertThat(gone).as("retired by a rename").hasValue(1);

    Path second = publishNow(challengers, ReferenceModels.LOGISTIC_V1, "challenger-b");
    watcher.poll();
    assertThat(offered).containsExactly(ReferenceModels.LOGISTIC_V2, ReferenceModels.LOGISTIC_V1);

    delete(second);
    watcher.poll();
    watcher.poll();
    assertThat(gone).as("retired by deletion").hasValue(2);
    assertThat(offered).hasSize(2);
  }

  @Test
  void shouldOfferAnArtifactOlderThanTheGoneOneOnceNothingServes() throws IOException {
    Path challengers = root.resolve("challengers");
    ModelWatcher watcher = challengerWatcher(challengers);
    Path serving = publishNow(challengers, ReferenceModels.LOGISTIC_V2, "challenger-a");
    watcher.poll();
    delete(serving);
    watcher.poll();
    assertThat(gone).hasValue(1);

    // Moved in by hand without touching it: dated long before the one that is gone.
    publish(ReferenceModels.logistic(), challengers, "challenger-old", 1_000_000L);
    watcher.poll();

    assertThat(offered).containsExactly(ReferenceModels.LOGISTIC_V2, ReferenceModels.LOGISTIC_V1);
  }
}

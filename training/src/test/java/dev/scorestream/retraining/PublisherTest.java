package dev.scorestream.retraining;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scorestream.model.ArtifactManifest;
import dev.scorestream.model.ArtifactSignature;
import dev.scorestream.model.ModelArtifact;
import dev.scorestream.model.ModelDirectory;
import dev.scorestream.model.ReferenceModels;
import dev.scorestream.model.TrainingRows;
import dev.scorestream.schemas.Contracts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyPair;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loop's files: the candidate store, publication by a checked copy and one rename, retirement,
 * the sweep of what a fenced controller staged, and pruning.
 */
class PublisherTest {

  static final Schema READER = Contracts.paymentEvent();

  @TempDir Path root;

  Path models;
  Path challengers;
  Publisher publisher;

  Publisher publisher() throws IOException {
    models = Files.createDirectories(root.resolve("models"));
    challengers = root.resolve("challengers");
    publisher = new Publisher(models, challengers);
    return publisher;
  }

  static List<TrainingRows.Row> rows(int count, long seed) {
    return TrainingRows.of(ReferenceModels.payments(count, seed), "event_id", "event_time");
  }

  static ModelArtifact artifact() {
    return ReferenceModels.logistic();
  }

  /** Names in {@code directory}, sorted. */
  static List<String> names(Path directory) throws IOException {
    try (Stream<Path> entries = Files.list(directory)) {
      return entries.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void shouldSignWhatItStoresWithItsKeySoScorersRequiringSignaturesAcceptWhatItPublishes()
      throws IOException {
    KeyPair keys = ArtifactSignature.generate();
    models = Files.createDirectories(root.resolve("models"));
    challengers = root.resolve("challengers");
    publisher = new Publisher(models, challengers, keys.getPrivate());

    Publisher.Stored stored = publisher.store(artifact(), READER, rows(20, 3));
    String name = stored.directory().getFileName().toString();
    assertThat(publisher.publish(stored.directory(), challengers, name)).isTrue();

    assertThat(ArtifactSignature.verify(stored.directory(), List.of(keys.getPublic())))
        .isEqualTo(stored.manifest());
    assertThat(
            new ModelDirectory(challengers, ReferenceModels.extractor())
                .trusting(List.of(keys.getPublic()))
                .newestValid())
        .as("the published copy carries the signature")
        .isPresent();
    Publisher unsigned = new Publisher(root.resolve("other"), root.resolve("other-challengers"));
    Files.createDirectories(root.resolve("other"));
    Publisher.Stored plain = unsigned.store(artifact(), READER, rows(20, 3));
    assertThat(plain.directory().resolve(ArtifactSignature.FILE)).doesNotExist();
  }

  @Test
  void shouldStoreACandidateWithItsRowsUnderItsVersionAndDigest() throws IOException {
    Publisher.Stored stored = publisher().store(artifact(), READER, rows(20, 3));

    ArtifactManifest manifest = ArtifactManifest.verify(stored.directory());
    assertThat(stored.manifest()).isEqualTo(manifest);
    assertThat(stored.directory())
        .isEqualTo(
            models
                .resolve(Publisher.CANDIDATES)
                .resolve(ReferenceModels.LOGISTIC_V1 + "-" + manifest.shortDigest()));
    assertThat(manifest.files()).containsKey(TrainingRows.FILE);
    assertThat(TrainingRows.read(stored.directory(), READER))
        .extracting(TrainingRows.Row::eventId)
        .containsExactlyElementsOf(rows(20, 3).stream().map(TrainingRows.Row::eventId).toList());
    assertThat(names(models.resolve(Publisher.CANDIDATES)))
        .as("nothing left under a temporary name")
        .containsExactly(stored.directory().getFileName().toString());
    assertThat(new ModelDirectory(models, ReferenceModels.extractor()).list())
        .as("instances never see the store")
        .isEmpty();
  }

  @Test
  void shouldStoreTheSameFilesOnce() throws IOException {
    Publisher.Stored first = publisher().store(artifact(), READER, rows(20, 3));
    Publisher.Stored again = publisher.store(artifact(), READER, rows(20, 3));

    assertThat(again).isEqualTo(first);
    assertThat(names(models.resolve(Publisher.CANDIDATES)))
        .containsExactly(first.directory().getFileName().toString());
  }

  @Test
  void shouldFindTheNewestStoredCandidateOfAVersion() throws IOException {
    Publisher.Stored older = publisher().store(artifact(), READER, rows(20, 3));
    Publisher.Stored newer = publisher.store(artifact(), READER, rows(20, 4));
    assertThat(newer.directory()).as("other rows, another digest").isNotEqualTo(older.directory());
    Files.setLastModifiedTime(older.directory(), FileTime.fromMillis(2_000_000L));
    Files.setLastModifiedTime(newer.directory(), FileTime.fromMillis(3_000_000L));
    // A longer version that starts the same, stored last: not the version asked for.
    Path decoy =
        models
            .resolve(Publisher.CANDIDATES)
            .resolve(ReferenceModels.LOGISTIC_V1 + "-x-0123456789ab");
    artifact().save(decoy);
    Files.setLastModifiedTime(decoy, FileTime.fromMillis(4_000_000L));

    assertThat(publisher.storedArtifact(ReferenceModels.LOGISTIC_V1))
        .isEqualTo(
            new ModelEvent.ArtifactRef(
                newer.directory().getFileName().toString(), newer.manifest().digest()));
    assertThatThrownBy(() -> publisher.storedArtifact("test-v9"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no stored candidate of test-v9");
  }

  @Test
  void shouldSayWhenNoCandidateWasEverStored() throws IOException {
    assertThatThrownBy(() -> publisher().storedArtifact(ReferenceModels.LOGISTIC_V1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no candidate was ever stored");
  }

  @Test
  void shouldPublishACopyOnceWithTheStoredDigest() throws IOException {
    Publisher.Stored stored = publisher().store(artifact(), READER, rows(20, 3));
    String name = stored.directory().getFileName().toString();

    assertThat(publisher.publish(stored.directory(), challengers, name)).isTrue();
    assertThat(publisher.publish(stored.directory(), challengers, name))
        .as("published already: done")
        .isFalse();

    assertThat(ArtifactManifest.verify(challengers.resolve(name)).digest())
        .isEqualTo(stored.manifest().digest());
    assertThat(names(challengers)).containsExactly(name);
    assertThat(publisher.published(challengers)).containsExactly(name);
    assertThat(ArtifactManifest.verify(stored.directory())).isEqualTo(stored.manifest());
    assertThat(
            new ModelDirectory(challengers, ReferenceModels.extractor(), true)
                .newestValid()
                .orElseThrow()
                .metadata()
                .version())
        .isEqualTo(ReferenceModels.LOGISTIC_V1);
  }

  @Test
  void shouldRefuseToPublishACopyThatDiffersFromItsManifest() throws IOException {
    Publisher.Stored stored = publisher().store(artifact(), READER, rows(20, 3));
    Files.writeString(stored.directory().resolve("late.txt"), "added after it was stored");

    assertThatThrownBy(() -> publisher.publish(stored.directory(), models, "fraud-v2"))
        .hasMessageContaining("late.txt");
    assertThat(publisher.published(models)).isEmpty();
  }

  @Test
  void shouldRetireByARenameAsideAndAgainWithoutComplaint() throws IOException {
    Publisher.Stored stored = publisher().store(artifact(), READER, rows(20, 3));
    String name = stored.directory().getFileName().toString();
    publisher.publish(stored.directory(), challengers, name);

    publisher.retire(challengers, name);
    publisher.retire(challengers, name);

    assertThat(challengers.resolve(name)).doesNotExist();
    assertThat(names(challengers)).singleElement().asString().startsWith(".retired-" + name + "-");
    assertThat(publisher.published(challengers)).isEmpty();
    assertThat(new ModelDirectory(challengers, ReferenceModels.extractor()).list()).isEmpty();
  }

  @Test
  void shouldSweepStagedDirectoriesSoThatAFencedRenameFindsNothing() throws IOException {
    publisher();
    Files.createDirectories(challengers);
    Path stagedModel = Files.createDirectories(models.resolve(Publisher.STAGING + "fraud-v9-1"));
    Files.writeString(stagedModel.resolve("model.tribuo"), "half copied");
    Path stagedChallenger =
        Files.createDirectories(challengers.resolve(Publisher.STAGING + "fraud-v8-2"));
    Path published = Files.createDirectories(models.resolve("fraud-v1"));

    publisher.sweep();

    assertThat(names(models)).containsExactly("fraud-v1");
    assertThat(names(challengers)).isEmpty();
    assertThat(published).isDirectory();
    assertThatThrownBy(() -> ModelDirectory.publish(models, stagedModel, "fraud-v9"))
        .as("the earlier controller's rename, after the sweep")
        .isInstanceOf(NoSuchFileException.class);
    assertThatThrownBy(() -> ModelDirectory.publish(challengers, stagedChallenger, "fraud-v8"))
        .isInstanceOf(NoSuchFileException.class);
    assertThat(models.resolve("fraud-v9")).doesNotExist();
    assertThat(challengers.resolve("fraud-v8")).doesNotExist();
  }

  @Test
  void shouldSweepWhenTheChallengerDirectoryDoesNotExistYet() throws IOException {
    publisher().sweep();

    assertThat(challengers).doesNotExist();
  }

  @Test
  void shouldPruneAllButTheNewestAndTheCandidateInUse() throws IOException {
    publisher().prune(2, "none");
    Path store = Files.createDirectories(models.resolve(Publisher.CANDIDATES));
    String[] byAge = {"v1-aaaaaaaaaaaa", "v2-bbbbbbbbbbbb", "v3-cccccccccccc", "v4-dddddddddddd"};
    for (int i = 0; i < byAge.length; i++) {
      Path candidate = Files.createDirectories(store.resolve(byAge[i]));
      Files.writeString(candidate.resolve("model.tribuo"), "candidate " + i);
      Files.setLastModifiedTime(candidate, FileTime.fromMillis(1_000_000L * (i + 1)));
    }
    Files.createDirectories(store.resolve(".tmp-being-written"));

    publisher.prune(2, "v1-aaaaaaaaaaaa");

    assertThat(names(store))
        .containsExactly(
            ".tmp-being-written", "v1-aaaaaaaaaaaa", "v3-cccccccccccc", "v4-dddddddddddd");
  }
}

package dev.scorestream.retraining;

import dev.scorestream.model.ArtifactManifest;
import dev.scorestream.model.ArtifactSignature;
import dev.scorestream.model.ModelArtifact;
import dev.scorestream.model.ModelDirectory;
import dev.scorestream.model.TrainingRows;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.PrivateKey;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files of the loop, each step a rename so that a crash never leaves half of anything where an
 * instance looks:
 *
 * <ul>
 *   <li>the candidate store ({@code <model.dir>/.candidates/<version>-<digest12>}): every trained
 *       candidate with its training rows, written under a {@code .tmp-} name and renamed, then
 *       never changed (its manifest says so);
 *   <li>publication into the models directory or the challenger directory: a copy staged under a
 *       {@code .staging-} name (ignored by instances), checked against its manifest, then renamed
 *       into place ({@link ModelDirectory#publish});
 *   <li>retiring a challenger: a rename to {@code .retired-...}, which instances see as gone.
 * </ul>
 *
 * A controller that takes the lease first {@linkplain #sweep sweeps} every staging directory aside,
 * so a rename an earlier (fenced) controller was about to make finds nothing to rename.
 */
final class Publisher {

  private static final Logger LOG = LoggerFactory.getLogger(Publisher.class);

  static final String CANDIDATES = ".candidates";
  static final String STAGING = ".staging-";
  static final String RETIRED = ".retired-";
  static final String TRASH = ".trash-";

  private final Path models;
  private final Path challengers;
  private final Path candidates;
  private final PrivateKey signingKey;

  Publisher(Path models, Path challengers) {
    this(models, challengers, null);
  }

  /**
   * @param signingKey signs every stored candidate (so every copy published from it), or null
   */
  Publisher(Path models, Path challengers, PrivateKey signingKey) {
    this.models = models;
    this.challengers = challengers;
    this.candidates = models.resolve(CANDIDATES);
    this.signingKey = signingKey;
  }

  Path models() {
    return models;
  }

  Path challengers() {
    return challengers;
  }

  /** A candidate's directory name: its version and the first digits of its digest. */
  static String name(String version, ArtifactManifest manifest) {
    return version + "-" + manifest.shortDigest();
  }

  /**
   * Deletes the oldest stored candidates beyond the newest {@code keep}, except {@code inUse} (the
   * candidate in flight).
   */
  void prune(int keep, String inUse) throws IOException {
    if (!Files.isDirectory(candidates)) {
      return;
    }
    List<Path> stored;
    try (Stream<Path> entries = Files.list(candidates)) {
      stored =
          entries
              .filter(p -> !p.getFileName().toString().startsWith("."))
              .sorted(Comparator.comparing(Publisher::modified).reversed())
              .toList();
    }
    for (Path old : stored.subList(Math.min(keep, stored.size()), stored.size())) {
      if (!old.getFileName().toString().equals(inUse)) {
        Path trash = candidates.resolve(TRASH + UUID.randomUUID());
        Files.move(old, trash, StandardCopyOption.ATOMIC_MOVE);
        delete(trash);
      }
    }
  }

  /**
   * Stores a trained candidate with the rows it was trained on; returns where, and its manifest.
   */
  Stored store(ModelArtifact artifact, Schema reader, List<TrainingRows.Row> rows)
      throws IOException {
    Files.createDirectories(candidates);
    Path temporary = candidates.resolve(".tmp-" + UUID.randomUUID());
    TrainingRows.write(temporary, reader, rows);
    artifact.save(temporary);
    ArtifactManifest manifest =
        signingKey == null
            ? ArtifactManifest.verify(temporary)
            : ArtifactSignature.sign(temporary, signingKey);
    Path stored = candidates.resolve(name(artifact.metadata().version(), manifest));
    if (Files.exists(stored)) {
      delete(temporary);
    } else {
      Files.move(temporary, stored, StandardCopyOption.ATOMIC_MOVE);
    }
    return new Stored(stored, manifest);
  }

  /** A stored candidate and its manifest. */
  record Stored(Path directory, ArtifactManifest manifest) {}

  /** The stored candidate of a version (the newest when it was made twice). */
  ModelEvent.ArtifactRef storedArtifact(String version) throws IOException {
    if (!Files.isDirectory(candidates)) {
      throw new IllegalStateException("no candidate was ever stored in " + candidates);
    }
    try (Stream<Path> entries = Files.list(candidates)) {
      Path stored =
          entries
              .filter(p -> p.getFileName().toString().startsWith(version + "-"))
              .filter(p -> p.getFileName().toString().length() == version.length() + 13)
              .max(Comparator.comparing(Publisher::modified))
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "no stored candidate of " + version + " in " + candidates));
      return new ModelEvent.ArtifactRef(
          stored.getFileName().toString(), ArtifactManifest.verify(stored).digest());
    }
  }

  private static java.nio.file.attribute.FileTime modified(Path path) {
    try {
      return Files.getLastModifiedTime(path);
    } catch (IOException e) {
      return java.nio.file.attribute.FileTime.fromMillis(0);
    }
  }

  /** A stored candidate, by its directory name. */
  Path candidate(String name) {
    return candidates.resolve(name);
  }

  /**
   * Publishes a copy of {@code artifact} into {@code target} as {@code name}. Idempotent: an
   * artifact already published under that name (by this controller before a crash, or by the one
   * before it) counts as done.
   *
   * @return true when this call published it
   */
  boolean publish(Path artifact, Path target, String name) throws IOException {
    if (Files.isDirectory(target.resolve(name))) {
      return false;
    }
    Files.createDirectories(target);
    Path staged = target.resolve(STAGING + name + "-" + UUID.randomUUID());
    Files.createDirectories(staged);
    try (Stream<Path> files = Files.list(artifact)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        Files.copy(file, staged.resolve(file.getFileName()));
      }
    }
    // The copy is the artifact the trail names: the same files, the same digest.
    ArtifactManifest.verify(staged);
    try {
      ModelDirectory.publish(target, staged, name);
      return true;
    } catch (FileAlreadyExistsException e) {
      delete(staged);
      return false;
    }
  }

  /**
   * Retires a published artifact: renamed aside, which instances watching the directory see as
   * gone. Idempotent.
   */
  void retire(Path target, String name) throws IOException {
    try {
      Files.move(
          target.resolve(name),
          target.resolve(RETIRED + name + "-" + UUID.randomUUID()),
          StandardCopyOption.ATOMIC_MOVE);
    } catch (NoSuchFileException e) {
      LOG.debug("{} in {} is retired already", name, target);
    }
  }

  /** Names of the artifacts published in {@code target}. */
  List<String> published(Path target) {
    if (!Files.isDirectory(target)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(target)) {
      return entries
          .filter(Files::isDirectory)
          .map(p -> p.getFileName().toString())
          .filter(name -> !name.startsWith("."))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Moves every staging directory in the models and challenger directories aside, then deletes it:
   * what an earlier controller staged is never published by it after this.
   */
  void sweep() throws IOException {
    for (Path directory : List.of(models, challengers)) {
      if (!Files.isDirectory(directory)) {
        continue;
      }
      List<Path> leftovers;
      try (Stream<Path> entries = Files.list(directory)) {
        leftovers = entries.filter(p -> p.getFileName().toString().startsWith(STAGING)).toList();
      }
      for (Path staged : leftovers) {
        Path trash = directory.resolve(TRASH + UUID.randomUUID());
        try {
          Files.move(staged, trash, StandardCopyOption.ATOMIC_MOVE);
          delete(trash);
          LOG.info("swept {} (staged by an earlier controller, never published)", staged);
        } catch (NoSuchFileException e) {
          LOG.debug("{} was moved meanwhile", staged);
        }
      }
    }
  }

  static void delete(Path directory) throws IOException {
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}

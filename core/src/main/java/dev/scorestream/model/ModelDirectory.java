package dev.scorestream.model;

import dev.scorestream.features.FeatureExtractor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.PublicKey;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A directory of model artifacts, one subdirectory per version. Publishing a version is an atomic
 * rename of a complete artifact directory into it ({@code mv staging/fraud-v7 models/fraud-v7});
 * names starting with '.' are ignored, so a half-copied staging directory inside it is never picked
 * up.
 *
 * <p>The most recently published valid artifact serves: the one whose directory was modified last.
 * {@link #publish} stamps that time; a plain {@code mv} keeps the time the directory was made, so
 * touch it before the move. Roll back by publishing the old artifact again under a new name.
 */
public final class ModelDirectory {

  /** One subdirectory and whether it can serve. */
  public record Entry(
      Path path, FileTime modified, Optional<ModelArtifact> artifact, String problem) {
    public boolean valid() {
      return artifact.isPresent();
    }
  }

  private final Path directory;
  private final FeatureExtractor extractor;
  private final boolean requireManifest;
  private final boolean mayBeMissing;
  private final List<PublicKey> trusted;

  public ModelDirectory(Path directory, FeatureExtractor extractor) {
    this(directory, extractor, false);
  }

  /**
   * @param requireManifest refuse artifacts without a {@code manifest.json}, so that none can serve
   *     whose files were not checked against the ones it was made with
   */
  public ModelDirectory(Path directory, FeatureExtractor extractor, boolean requireManifest) {
    this(directory, extractor, requireManifest, false);
  }

  private ModelDirectory(
      Path directory, FeatureExtractor extractor, boolean requireManifest, boolean mayBeMissing) {
    this(directory, extractor, requireManifest, mayBeMissing, List.of());
  }

  private ModelDirectory(
      Path directory,
      FeatureExtractor extractor,
      boolean requireManifest,
      boolean mayBeMissing,
      List<PublicKey> trusted) {
    this.directory = directory;
    this.extractor = extractor;
    this.requireManifest = requireManifest;
    this.mayBeMissing = mayBeMissing;
    this.trusted = List.copyOf(trusted);
  }

  /**
   * This directory, accepting only artifacts signed by one of {@code keys} ({@link
   * ArtifactSignature}), checked before any file of the artifact is parsed; no keys: no signature
   * needed.
   */
  public ModelDirectory trusting(List<PublicKey> keys) {
    return new ModelDirectory(directory, extractor, requireManifest, mayBeMissing, keys);
  }

  /**
   * A directory that holds no artifact while it does not exist: the challenger directory, which the
   * retraining controller creates when it first runs, after the scorers may have started. A missing
   * champion directory stays an error, since nothing could serve.
   */
  public static ModelDirectory mayNotExistYet(
      Path directory, FeatureExtractor extractor, boolean requireManifest) {
    return new ModelDirectory(directory, extractor, requireManifest, true);
  }

  public Path path() {
    return directory;
  }

  /** True when {@code path} is itself one artifact rather than a directory of them. */
  public static boolean isArtifact(Path path) {
    return Files.isRegularFile(path.resolve(ModelArtifact.MODEL_FILE));
  }

  /** Every published subdirectory, newest first, each loaded and checked. */
  public List<Entry> list() {
    return candidates().map(this::check).toList();
  }

  /** The newest valid artifact, if any. */
  public Optional<ModelArtifact> newestValid() {
    return candidates().map(this::check).filter(Entry::valid).findFirst().flatMap(Entry::artifact);
  }

  /** Loads and checks one candidate: files, model type, provenance, features, smoke answers. */
  public Entry check(Path candidate) {
    FileTime modified = modified(candidate);
    if (requireManifest && ArtifactManifest.read(candidate).isEmpty()) {
      return new Entry(
          candidate,
          modified,
          Optional.empty(),
          "model artifact "
              + candidate
              + " has no "
              + ArtifactManifest.FILE
              + ", which model.require.manifest requires");
    }
    try {
      if (!trusted.isEmpty()) {
        ArtifactSignature.verify(candidate, trusted);
      }
      return new Entry(
          candidate, modified, Optional.of(ModelArtifact.load(candidate, extractor)), "");
    } catch (InvalidModelException e) {
      return new Entry(candidate, modified, Optional.empty(), e.getMessage());
    } catch (RuntimeException e) {
      return new Entry(
          candidate,
          modified,
          Optional.empty(),
          "model artifact " + candidate + " cannot be loaded: " + e);
    }
  }

  /**
   * Publishes a complete artifact directory {@code staged} (in {@code directory}, its name starting
   * with '.') as {@code name}: stamps it as the newest, then renames it in one atomic step, so
   * instances never see a half-copied artifact.
   *
   * @return the published directory
   * @throws java.nio.file.FileAlreadyExistsException when {@code name} is published already
   */
  public static Path publish(Path directory, Path staged, String name) throws IOException {
    Path target = directory.resolve(name);
    if (Files.exists(target)) {
      throw new java.nio.file.FileAlreadyExistsException(target.toString());
    }
    Files.setLastModifiedTime(staged, FileTime.from(java.time.Instant.now()));
    return Files.move(staged, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /** Published subdirectories, newest first. */
  Stream<Path> candidates() {
    if (mayBeMissing && Files.notExists(directory)) {
      return Stream.empty();
    }
    if (!Files.isDirectory(directory)) {
      throw new InvalidModelException(directory, "is not a directory");
    }
    try (Stream<Path> entries = Files.list(directory)) {
      return entries
          .filter(Files::isDirectory)
          .filter(path -> !path.getFileName().toString().startsWith("."))
          .sorted(
              Comparator.comparing(ModelDirectory::modified)
                  .reversed()
                  .thenComparing(Path::toString))
          .toList()
          .stream();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list models directory " + directory, e);
    }
  }

  static FileTime modified(Path path) {
    try {
      return Files.getLastModifiedTime(path);
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }
}

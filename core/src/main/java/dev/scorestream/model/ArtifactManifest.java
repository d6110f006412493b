package dev.scorestream.model;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The SHA-256 of every file of an artifact ({@code manifest.json}), written last when an artifact
 * is saved and checked whenever one is loaded, at start-up and at each hot swap: a file changed,
 * added or removed after the artifact was made refuses it. The artifact's digest, over the sorted
 * {@code name hex} lines, names it in the audit trail and in the directory it is published under.
 *
 * @param files file name to SHA-256 hex
 * @param digest SHA-256 hex over the lines {@code name hex\n}, sorted by name
 */
public record ArtifactManifest(Map<String, String> files, String digest) {

  public static final String FILE = "manifest.json";

  /**
   * Files an artifact may hold beside those its manifest lists: the manifest itself and its
   * signature ({@link ArtifactSignature}), which covers the manifest and is added after it.
   */
  static final Set<String> UNLISTED =
      Set.of(FILE, ArtifactSignature.FILE, ArtifactSignature.TEMPORARY);

  public ArtifactManifest {
    files = Map.copyOf(files);
  }

  /** The first 12 hex digits of the digest, as directory names carry it. */
  public String shortDigest() {
    return digest.substring(0, 12);
  }

  /** The manifest of the files in {@code directory} now. */
  public static ArtifactManifest of(Path directory) {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> entries = Files.list(directory)) {
      for (Path file : entries.filter(Files::isRegularFile).toList()) {
        String name = file.getFileName().toString();
        if (!UNLISTED.contains(name)) {
          files.put(name, sha256(file));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list artifact " + directory, e);
    }
    return new ArtifactManifest(files, digestOf(files));
  }

  /** Writes {@code manifest.json} into {@code directory}. */
  public void write(Path directory) throws IOException {
    ModelArtifact.JSON.writeValue(directory.resolve(FILE).toFile(), this);
  }

  /** The manifest an artifact carries, if any. */
  public static Optional<ArtifactManifest> read(Path directory) {
    Path file = directory.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(ModelArtifact.JSON.readValue(file.toFile(), ArtifactManifest.class));
    } catch (IOException e) {
      throw new InvalidModelException(directory, FILE + " is not valid: " + e.getMessage(), e);
    }
  }

  /**
   * Checks that {@code directory} holds exactly the files its manifest lists, each with its
   * recorded SHA-256, and that the recorded digest is theirs.
   *
   * @throws InvalidModelException naming the first file that differs
   */
  public static ArtifactManifest verify(Path directory) {
    ArtifactManifest recorded =
        read(directory).orElseThrow(() -> new InvalidModelException(directory, "has no " + FILE));
    if (!digestOf(new TreeMap<>(recorded.files())).equals(recorded.digest())) {
      throw new InvalidModelException(
          directory, FILE + "'s digest is not the digest of the files it lists");
    }
    ArtifactManifest actual = of(directory);
    for (Map.Entry<String, String> file : new TreeMap<>(recorded.files()).entrySet()) {
      String now = actual.files().get(file.getKey());
      if (now == null) {
        throw new InvalidModelException(
            directory, "has no " + file.getKey() + ", which " + FILE + " lists");
      }
      if (!now.equals(file.getValue())) {
        throw new InvalidModelException(
            directory,
            file.getKey()
                + " changed after the artifact was made: SHA-256 "
                + now
                + ", "
                + FILE
                + " says "
                + file.getValue());
      }
    }
    for (String name : new TreeMap<>(actual.files()).keySet()) {
      if (!recorded.files().containsKey(name)) {
        throw new InvalidModelException(
            directory, "holds " + name + ", which " + FILE + " does not list");
      }
    }
    return recorded;
  }

  private static String digestOf(Map<String, String> files) {
    StringBuilder lines = new StringBuilder();
    new TreeMap<>(files)
        .forEach((name, hex) -> lines.append(name).append(' ').append(hex).append('\n'));
    return ModelArtifact.sha256(lines.toString());
  }

  static String sha256(Path file) {
    try (DigestInputStream in =
        new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
      in.transferTo(OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(in.getMessageDigest().digest());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

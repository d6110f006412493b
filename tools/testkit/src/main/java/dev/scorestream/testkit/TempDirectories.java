package dev.scorestream.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scratch directories of the embedded components and the demo: created under java.io.tmpdir,
 * deleted after.
 */
public final class TempDirectories {

  private static final Logger LOG = LoggerFactory.getLogger(TempDirectories.class);

  private TempDirectories() {}

  public static Path create(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary directory", e);
    }
  }

  /**
   * Deletes {@code root} and everything below it, best effort: leftovers are logged, not thrown.
   */
  public static void delete(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(
              path -> {
                try {
                  Files.deleteIfExists(path);
                } catch (IOException e) {
                  LOG.debug("cannot delete {}: {}", path, e.getMessage());
                }
              });
    } catch (IOException e) {
      LOG.debug("cannot walk {}: {}", root, e.getMessage());
    }
  }
}

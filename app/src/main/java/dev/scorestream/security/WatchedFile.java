package dev.scorestream.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A file parsed once and parsed again whenever its modification time or size changes, so a rotated
 * token list or key set takes effect at the next request. A change that does not parse keeps the
 * previous value (and is logged by path and error, never by content); the first read must parse, so
 * a bad file fails at start-up.
 *
 * @param <T> what the file parses to
 */
public final class WatchedFile<T> {

  private static final Logger LOG = LoggerFactory.getLogger(WatchedFile.class);

  private final Path path;
  private final Function<byte[], T> parser;
  private volatile Loaded<T> loaded;

  private record Loaded<T>(Object stamp, T value) {}

  /** Reads and parses {@code path} now; throws when it is unreadable or does not parse. */
  public WatchedFile(Path path, Function<byte[], T> parser) {
    this.path = path;
    this.parser = parser;
    Object stamp = stamp();
    try {
      this.loaded = new Loaded<>(stamp, parser.apply(Files.readAllBytes(path)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path, e);
    }
  }

  public Path path() {
    return path;
  }

  /** The value of the file as it is now: parsed again when it changed since the last call. */
  public T current() {
    Loaded<T> last = loaded;
    Object stamp;
    try {
      stamp = stamp();
    } catch (UncheckedIOException e) {
      return last.value();
    }
    if (Objects.equals(stamp, last.stamp())) {
      return last.value();
    }
    synchronized (this) {
      if (!Objects.equals(stamp, loaded.stamp())) {
        try {
          loaded = new Loaded<>(stamp, parser.apply(Files.readAllBytes(path)));
          LOG.info("reloaded {}", path);
        } catch (IOException | RuntimeException e) {
          LOG.warn(
              "{} changed but cannot be used, keeping the previous one: {}", path, e.toString());
          loaded = new Loaded<>(stamp, loaded.value());
        }
      }
      return loaded.value();
    }
  }

  private Object stamp() {
    try {
      BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
      // the file key (inode) changes when a Kubernetes secret is swapped in by a symlink rename
      return java.util.Arrays.asList(
          attributes.lastModifiedTime(), attributes.size(), attributes.fileKey());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path, e);
    }
  }
}

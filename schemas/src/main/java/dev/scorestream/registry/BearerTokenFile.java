package dev.scorestream.registry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;

/**
 * A bearer token kept in a file that an operator, a sidecar or a mounted Kubernetes secret rewrites
 * to rotate it. The token is read again when the file's modification time or size changes, when it
 * is older than {@code maxAge} (a rewrite within the file system's time resolution keeps both), and
 * after the registry refused it ({@link #forget()}): a rotation never needs a restart. The token is
 * never part of a message.
 */
final class BearerTokenFile {

  /** Longest a token read from the file is used without looking at the file again. */
  static final Duration MAX_AGE = Duration.ofSeconds(60);

  private final Path file;
  private final long maxAgeNanos;
  private Read last;

  private record Read(String token, FileTime modified, long size, long readAt) {}

  BearerTokenFile(Path file, Duration maxAge) {
    this.file = file;
    this.maxAgeNanos = maxAge.toNanos();
  }

  Path file() {
    return file;
  }

  /**
   * The current token: the file's content without surrounding white space.
   *
   * @throws IOException the file is missing, unreadable, empty or holds characters a bearer token
   *     cannot have (the message names the file, never the content)
   */
  synchronized String token() throws IOException {
    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
    long now = System.nanoTime();
    if (last != null
        && last.modified().equals(attributes.lastModifiedTime())
        && last.size() == attributes.size()
        && now - last.readAt() < maxAgeNanos) {
      return last.token();
    }
    String token = Files.readString(file, StandardCharsets.UTF_8).strip();
    if (token.isEmpty()) {
      throw new IOException("bearer token file " + file + " is empty");
    }
    if (!token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new IOException(
          "bearer token file "
              + file
              + " holds white space or non-ASCII characters inside the token (one token, one line)");
    }
    last = new Read(token, attributes.lastModifiedTime(), attributes.size(), now);
    return token;
  }

  /** The registry refused the token: read the file again next time even if it looks unchanged. */
  synchronized void forget() {
    last = null;
  }
}

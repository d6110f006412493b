package dev.scorestream.security;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Static bearer tokens from a file, one per line (blank lines and lines starting with {@code #} are
 * skipped), re-read when the file changes: add the new token, roll the clients over, remove the old
 * one. Only SHA-256 digests of the tokens are kept in memory and compared.
 */
public final class StaticTokens implements TokenCheck {

  private final WatchedFile<Set<String>> file;

  /** Reads {@code path} now; throws when it holds no token. */
  public StaticTokens(Path path) {
    this.file = new WatchedFile<>(path, StaticTokens::parse);
  }

  @Override
  public Optional<String> refusal(String token) {
    return file.current().contains(digest(token))
        ? Optional.empty()
        : Optional.of("the token is not valid");
  }

  private static Set<String> parse(byte[] content) {
    Set<String> digests = new HashSet<>();
    for (String line : new String(content, StandardCharsets.UTF_8).split("\\R")) {
      String token = line.strip();
      if (!token.isEmpty() && !token.startsWith("#")) {
        digests.add(digest(token));
      }
    }
    if (digests.isEmpty()) {
      throw new IllegalArgumentException("holds no token (one per line)");
    }
    return Set.copyOf(digests);
  }

  private static String digest(String token) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}

package dev.scorestream.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.kafka.common.config.ConfigException;

/**
 * Settings read from files, the Kubernetes Secret convention: {@code <key>.file=/path} (or the
 * variable {@code SCORER_<KEY>_FILE=/path}, which maps to it) sets {@code <key>} to the file's
 * contents, trailing line breaks removed, so a secret mounted as a file never has to be copied into
 * a properties file, an environment variable or the process list. A file that is missing,
 * unreadable, not UTF-8 or larger than 1 MiB stops start-up with a message naming the key and the
 * path, never the contents.
 */
public final class SecretFiles {

  /** What a key ends with when its value is the path of the file holding the setting. */
  public static final String KEY_SUFFIX = ".file";

  /** Larger files are refused: no secret is that big, and a wrong path might name a huge file. */
  static final long MAX_BYTES = 1 << 20;

  private SecretFiles() {}

  /**
   * Replaces each file reference among {@code values} by the setting it names, read from the file.
   *
   * @param values settings as given, key to value (not changed)
   * @param isReference whether a key ending in {@link #KEY_SUFFIX} is a file reference (and not a
   *     setting of its own, such as a key whose name ends in {@code .file})
   * @param source where a key came from, for messages (a variable name, a file)
   * @return the settings with every reference replaced by its key and the file's contents
   * @throws ConfigException naming the key and the path when a file cannot be read, or when a key
   *     is given both directly and from a file
   */
  public static Map<String, String> resolve(
      Map<String, String> values, Predicate<String> isReference, Function<String, String> source) {
    Map<String, String> resolved = new TreeMap<>(values);
    values.forEach(
        (name, path) -> {
          if (!name.endsWith(KEY_SUFFIX) || !isReference.test(name)) {
            return;
          }
          String key = target(name);
          if (values.containsKey(key)) {
            throw new ConfigException(
                "give either "
                    + key
                    + " or "
                    + name
                    + " (a file holding it), not both; "
                    + source.apply(name));
          }
          resolved.remove(name);
          resolved.put(key, read(key, path.trim(), source.apply(name)));
        });
    return resolved;
  }

  /** The key a file reference sets: {@code kafka.sasl.jaas.config} for {@code ...config.file}. */
  public static String target(String reference) {
    return reference.substring(0, reference.length() - KEY_SUFFIX.length());
  }

  /** The contents of {@code path}, trailing line breaks removed. */
  static String read(String key, String path, String source) {
    String where = "the secret file of " + key + " (" + source + "), " + path;
    try {
      Path file = Path.of(path);
      if (!Files.isRegularFile(file)) {
        throw new ConfigException("cannot read " + where + ": not a readable file");
      }
      if (Files.size(file) > MAX_BYTES) {
        throw new ConfigException("cannot read " + where + ": larger than 1 MiB");
      }
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file)))
              .toString();
      return text.replaceAll("[\r\n]+$", "");
    } catch (CharacterCodingException e) {
      throw new ConfigException("cannot read " + where + ": not UTF-8 text");
    } catch (IOException | java.nio.file.InvalidPathException e) {
      throw new ConfigException("cannot read " + where + ": " + e.getClass().getSimpleName());
    }
  }
}

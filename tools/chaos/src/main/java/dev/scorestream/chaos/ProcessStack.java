package dev.scorestream.chaos;

import dev.scorestream.testkit.BrokerProcess;
import dev.scorestream.testkit.EmbeddedRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A broker and a registry as child processes under one work directory, for runs that kill and
 * restart them: the broker's logs and the registry's database live on disk, so both come back with
 * their topics and schemas.
 */
final class ProcessStack {

  /** What runs while the stack is up. */
  @FunctionalInterface
  interface Body<T> {
    T run(BrokerProcess broker, EmbeddedRegistry registry) throws IOException;
  }

  private ProcessStack() {}

  static <T> T run(Path work, Body<T> body) throws IOException {
    Files.createDirectories(work);
    try (BrokerProcess broker = BrokerProcess.start(work.resolve("broker"))) {
      EmbeddedRegistry registry =
          EmbeddedRegistry.start(
              EmbeddedRegistry.locateHome(),
              work.resolve("registry.log"),
              work.resolve("registry-data"));
      try {
        return body.run(broker, registry);
      } finally {
        registry.stop();
      }
    }
  }

  /** Writes a scorer's configuration file, one {@code key=value} line per setting. */
  static Path writeConfig(Path file, Map<String, String> settings) throws IOException {
    StringBuilder text = new StringBuilder();
    settings.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
    Files.createDirectories(file.getParent());
    return Files.writeString(file, text.toString());
  }
}

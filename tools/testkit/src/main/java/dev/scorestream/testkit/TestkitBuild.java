package dev.scorestream.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.Properties;

/**
 * What the testkit's build recorded in {@code testkit.properties}: where it unpacked Apicurio, and
 * the Kafka and Apicurio versions of the parent POM.
 */
final class TestkitBuild {

  private static final Properties PROPERTIES = load();

  private TestkitBuild() {}

  static Optional<String> property(String name) {
    return Optional.ofNullable(PROPERTIES.getProperty(name)).filter(value -> !value.isBlank());
  }

  private static Properties load() {
    Properties properties = new Properties();
    try (InputStream in = TestkitBuild.class.getResourceAsStream("testkit.properties")) {
      if (in != null) {
        properties.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read testkit.properties", e);
    }
    return properties;
  }
}

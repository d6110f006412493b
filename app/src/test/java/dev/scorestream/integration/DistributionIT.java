package dev.scorestream.integration;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * What ships: the distribution (bin/scorer, lib/, app/) and scorer.jar carry the natives of the
 * platforms the image runs on (Linux glibc, x86-64 and aarch64) and never debug symbols, and the
 * launcher runs the CLI from the jars beside it.
 */
class DistributionIT {

  static final Path TARGET = Path.of("target");

  /** Debug symbols: nothing that ships may hold one. */
  static final Pattern DEBUG = Pattern.compile("(?i).*(\\.pdb|\\.dsym/.*)$");

  /** Windows and macOS libraries: scorer.jar holds none, of any dependency. */
  static final Pattern NOT_LINUX = Pattern.compile("(?i).*\\.(dll|dylib|jnilib)$");

  /**
   * The big native libraries (RocksDB, onnxruntime, XGBoost: about 14 MB per platform each), of
   * which only the Linux glibc x86-64 and aarch64 builds ship.
   */
  static final Pattern BIG_NATIVE =
      Pattern.compile("(?i).*(rocksdbjni|onnxruntime|xgboost4j).*\\.(so|dll|dylib|jnilib)$");

  static final Pattern SHIPPED_BIG_NATIVE =
      Pattern.compile(
          ".*(librocksdbjni-linux64\\.so|librocksdbjni-linux-aarch64\\.so"
              + "|native/linux-(x64|aarch64)/lib\\w+\\.so|lib/linux/x86_64/libxgboost4j\\.so)$");

  static Path distribution() throws IOException {
    try (Stream<Path> dirs = Files.list(TARGET)) {
      return dirs.filter(p -> p.getFileName().toString().matches("scorer-[0-9].*"))
          .filter(Files::isDirectory)
          .findFirst()
          .orElseThrow(() -> new AssertionError("no distribution in target/; run mvn package"));
    }
  }

  @Test
  void shouldShipLinuxNativesOnlyAndNoDebugSymbols() throws IOException {
    List<Path> jars = new ArrayList<>(List.of(TARGET.resolve("scorer.jar")));
    try (Stream<Path> lib = Files.list(distribution().resolve("lib"))) {
      lib.filter(p -> p.toString().endsWith(".jar")).forEach(jars::add);
    }
    List<String> foreign = new ArrayList<>();
    List<String> natives = new ArrayList<>();
    for (Path jar : jars) {
      boolean fat = jar.getFileName().toString().equals("scorer.jar");
      try (ZipFile zip = new ZipFile(jar.toFile())) {
        for (ZipEntry entry : zip.stream().toList()) {
          String name = jar.getFileName() + "!" + entry.getName();
          boolean big = BIG_NATIVE.matcher(name).matches();
          if (DEBUG.matcher(name).matches()
              || (fat && NOT_LINUX.matcher(name).matches())
              || (big && !SHIPPED_BIG_NATIVE.matcher(name).matches())) {
            foreign.add(name);
          } else if (big) {
            natives.add(name);
          }
        }
      }
    }

    assertThat(foreign).isEmpty();
    assertThat(natives)
        .anyMatch(n -> n.startsWith("scorer.jar!") && n.endsWith("librocksdbjni-linux64.so"))
        .anyMatch(n -> n.startsWith("rocksdbjni-") && n.endsWith("librocksdbjni-linux64.so"))
        .anyMatch(n -> n.endsWith("librocksdbjni-linux-aarch64.so"))
        .anyMatch(n -> n.endsWith("linux-x64/libonnxruntime.so"))
        .anyMatch(n -> n.endsWith("lib/linux/x86_64/libxgboost4j.so"));
  }

  @Test
  void shouldRunTheCliFromTheDistributionsLauncher() throws Exception {
    Path launcher = distribution().resolve("bin/scorer");
    assertThat(Files.isExecutable(launcher)).as("%s is executable", launcher).isTrue();
    try (Stream<Path> app = Files.list(distribution().resolve("app"))) {
      assertThat(app.map(p -> p.getFileName().toString()))
          .anyMatch(name -> name.startsWith("scorestream-app-"))
          .anyMatch(name -> name.startsWith("scorestream-core-"))
          .noneMatch(name -> name.startsWith("scorestream-testkit-"));
    }

    Process process =
        new ProcessBuilder(launcher.toAbsolutePath().toString(), "--version")
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    // The version the build stamps into the jars' manifests (failsafe passes the project's).
    assertThat(output.trim())
        .isEqualTo("scorer " + System.getProperty("scorestream.image.version", "unknown"));
  }
}

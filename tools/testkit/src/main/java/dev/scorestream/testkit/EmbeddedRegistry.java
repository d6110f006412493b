package dev.scorestream.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Apicurio Registry 2.6 (in-memory storage) as a child process on 127.0.0.1, reached through its
 * Confluent-compatible API at {@link #url()}. The build unpacks it from Maven Central ({@code
 * io.apicurio:apicurio-registry-app:tar.gz:all}); {@link #locateHome()} finds it. Stopped by
 * killing the process it started (by PID), never anything else.
 */
public final class EmbeddedRegistry implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedRegistry.class);
  public static final String HOME_PROPERTY = "scorestream.apicurio.home";
  public static final String HOME_ENV = "SCORER_APICURIO_HOME";
  static final String CCOMPAT_PATH = "/apis/ccompat/v7";
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

  private final Path runnerJar;
  private final Path logFile;
  private final int port;
  private final Path dataDirectory;
  private volatile Process process;

  private EmbeddedRegistry(Path runnerJar, Path logFile, int port, Path dataDirectory) {
    this.runnerJar = runnerJar;
    this.logFile = logFile;
    this.port = port;
    this.dataDirectory = dataDirectory;
  }

  /**
   * Starts the registry found by {@link #locateHome()} on a free port; logs go to a temporary file.
   */
  public static EmbeddedRegistry start() {
    try {
      Path log = Files.createTempFile("scorestream-apicurio-", ".log");
      log.toFile().deleteOnExit();
      return start(locateHome(), log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static EmbeddedRegistry start(Path home, Path logFile) {
    return start(home, logFile, null);
  }

  /**
   * As {@link #start(Path, Path)}, storing the registry in H2 files under {@code dataDirectory}
   * instead of memory, so registered schemas survive {@link #restart()} as they do in a production
   * registry. Null: in memory.
   */
  public static EmbeddedRegistry start(Path home, Path logFile, Path dataDirectory) {
    EmbeddedRegistry registry =
        new EmbeddedRegistry(runnerJar(home), logFile, FreePort.pick(), dataDirectory);
    // One hook per registry, whichever process it runs now (restart() replaces it).
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  Process running = registry.process;
                  if (running != null) {
                    running.destroyForcibly();
                  }
                },
                "apicurio-reaper"));
    registry.launch();
    return registry;
  }

  /**
   * Where the unpacked Apicurio lives: system property {@value #HOME_PROPERTY}, environment {@value
   * #HOME_ENV}, the {@code apicurio} directory beside the running jar, or where the testkit's build
   * unpacked it ({@code tools/testkit/target/apicurio}, recorded in {@code testkit.properties}).
   */
  public static Path locateHome() {
    List<Optional<Path>> candidates =
        List.of(
            Optional.ofNullable(System.getProperty(HOME_PROPERTY)).map(Path::of),
            Optional.ofNullable(System.getenv(HOME_ENV)).map(Path::of),
            besideRunningJar(),
            TestkitBuild.property("apicurio.home").map(Path::of));
    for (Optional<Path> candidate : candidates) {
      if (candidate.isPresent()
          && Files.isDirectory(candidate.get())
          && findRunner(candidate.get()).isPresent()) {
        // Absolute: the registry process runs in that directory, so a relative jar path would not
        // resolve.
        return candidate.get().toAbsolutePath();
      }
    }
    throw new IllegalStateException(
        "Apicurio Registry not found. Build it into place with"
            + " `mvn -pl testkit package`, or set "
            + HOME_ENV
            + " to a directory holding apicurio-registry-app-*-runner.jar.");
  }

  private static Optional<Path> besideRunningJar() {
    try {
      Path location =
          Path.of(
              EmbeddedRegistry.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return Optional.ofNullable(location.getParent()).map(dir -> dir.resolve("apicurio"));
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  private static Optional<Path> findRunner(Path home) {
    try (var files = Files.list(home)) {
      return files
          .filter(p -> p.getFileName().toString().matches("apicurio-registry-app-.*-runner\\.jar"))
          .findFirst();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static Path runnerJar(Path home) {
    return findRunner(home)
        .orElseThrow(
            () -> new IllegalStateException("no apicurio-registry-app-*-runner.jar in " + home));
  }

  /** The Confluent-compatible base URL, e.g. {@code http://127.0.0.1:41234/apis/ccompat/v7}. */
  public String url() {
    return "http://127.0.0.1:" + port + CCOMPAT_PATH;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  /**
   * Stops the process (an outage, for tests); {@link #restart()} brings it back on the same port.
   */
  public void stop() {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    process = null;
  }

  /**
   * Starts again on the same port; with in-memory storage the registered schemas are gone, with a
   * data directory they are kept.
   */
  public void restart() {
    stop();
    launch();
  }

  private void launch() {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder =
        new ProcessBuilder(
                java,
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=" + port,
                "-Dquarkus.log.level=WARN",
                "-Dquarkus.log.category.\"io.apicurio\".level=WARN",
                "-jar",
                runnerJar.toString())
            .directory(runnerJar.getParent().toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    if (dataDirectory != null) {
      builder
          .environment()
          .put(
              "REGISTRY_DATASOURCE_URL",
              "jdbc:h2:file:" + dataDirectory.toAbsolutePath().resolve("registry"));
    }
    long started = System.nanoTime();
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start Apicurio from " + runnerJar, e);
    }
    awaitReady();
    LOG.info(
        "Apicurio registry ready at {} (pid {}) in {} ms",
        url(),
        process.pid(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
  }

  private void awaitReady() {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest probe =
        HttpRequest.newBuilder(URI.create(url() + "/subjects"))
            .timeout(Duration.ofSeconds(5))
            .build();
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "Apicurio exited with "
                + process.exitValue()
                + " before it was ready; log "
                + logFile
                + ":\n"
                + tail(logFile));
      }
      try {
        if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for Apicurio", e);
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for Apicurio", e);
      }
    }
    stop();
    throw new IllegalStateException(
        "Apicurio not ready after " + READY_TIMEOUT + "; log " + logFile + ":\n" + tail(logFile));
  }

  private static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(cannot read log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    stop();
  }
}

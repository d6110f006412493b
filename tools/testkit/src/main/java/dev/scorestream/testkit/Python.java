package dev.scorestream.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A python3 for tests that run Python outside the JVM: the first of {@code SCORER_PYTHON}, {@code
 * /usr/bin/python3} and {@code python3} that imports the given modules. Such tests skip without
 * one, unless {@code SCORER_REQUIRE_PYTHON_TESTS} is set, as CI does: then they fail.
 */
public final class Python {

  /** Set: a test that needs Python fails rather than skips without it. */
  public static final String REQUIRE_ENV = "SCORER_REQUIRE_PYTHON_TESTS";

  private Python() {}

  public static boolean required() {
    return System.getenv(REQUIRE_ENV) != null;
  }

  /**
   * Runs {@code python} with {@code args} and answers what it printed (stdout and stderr); fails
   * naming that output when it exits non-zero or outlives {@code timeout}.
   */
  public static String run(String python, Duration timeout, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(python));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException(String.join(" ", command) + " ran over " + timeout);
    }
    if (process.exitValue() != 0) {
      throw new IllegalStateException(
          String.join(" ", command) + " exited " + process.exitValue() + ":\n" + output);
    }
    return output;
  }

  /**
   * The interpreter that imports every one of {@code modules}. Without one the calling test is
   * skipped, or fails where {@value #REQUIRE_ENV} is set.
   */
  public static String orSkip(String... modules) {
    Optional<String> python = with(modules);
    String needed = "a python3 that imports " + String.join(", ", modules);
    if (python.isEmpty() && required()) {
      throw new AssertionError(needed + " (" + REQUIRE_ENV + " is set)");
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(python.isPresent(), "no " + needed);
    return python.orElseThrow();
  }

  /** The interpreter, or empty when none imports every one of {@code modules}. */
  public static Optional<String> with(String... modules) {
    List<String> candidates =
        Optional.ofNullable(System.getenv("SCORER_PYTHON"))
            .map(List::of)
            .orElse(List.of("/usr/bin/python3", "python3"));
    for (String candidate : candidates) {
      try {
        Process probe =
            new ProcessBuilder(candidate, "-c", "import " + String.join(", ", modules))
                .redirectErrorStream(true)
                .start();
        probe.getInputStream().readAllBytes();
        if (probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0) {
          return Optional.of(candidate);
        }
      } catch (IOException e) {
        // not installed there
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      }
    }
    return Optional.empty();
  }
}

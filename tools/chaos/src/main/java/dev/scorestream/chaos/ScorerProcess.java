package dev.scorestream.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One scorer process as operators run it: {@code java -jar scorer.jar run --config FILE} (or the
 * retraining controller, {@code retrain --watch}) in a process of its own, which the suite kills
 * with SIGKILL, freezes with SIGSTOP and thaws with SIGCONT. Only the process it started is ever
 * signalled, by its PID.
 */
final class ScorerProcess implements AutoCloseable {

  private final String name;
  private final Path jar;
  private final List<String> arguments;
  private final Path log;
  private final int healthPort;
  private final String readyPath;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private volatile Process process;

  ScorerProcess(String name, Path jar, Path config, Path log, int healthPort) {
    this(
        name,
        jar,
        List.of("run", "--config", config.toString()),
        log,
        healthPort,
        "/health/pipeline");
  }

  /**
   * @param arguments the CLI's arguments after {@code -jar scorer.jar}
   * @param readyPath the HTTP path that answers 200 once the process is ready
   */
  ScorerProcess(
      String name, Path jar, List<String> arguments, Path log, int healthPort, String readyPath) {
    this.name = name;
    this.jar = jar;
    this.arguments = List.copyOf(arguments);
    this.log = log;
    this.healthPort = healthPort;
    this.readyPath = readyPath;
    Runtime.getRuntime().addShutdownHook(new Thread(this::killQuietly, "reaper-" + name));
  }

  String name() {
    return name;
  }

  /** The running process's id. */
  long pid() {
    return process.pid();
  }

  /** Starts the process and returns how long it took to become ready. */
  Duration start(Duration timeout) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    long started = System.nanoTime();
    try {
      List<String> command =
          new java.util.ArrayList<>(List.of(java, "-Xmx512m", "-jar", jar.toString()));
      command.addAll(arguments);
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
    return awaitReady(started, timeout);
  }

  /** Waits until the ready path answers 200; returns the time since {@code since}. */
  Duration awaitReady(long since, Duration timeout) {
    long deadline = since + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (process == null || !process.isAlive()) {
        throw new IllegalStateException(name + " exited; see " + log);
      }
      if (ready()) {
        return Duration.ofNanos(System.nanoTime() - since);
      }
      sleep(200);
    }
    throw new IllegalStateException(name + " not ready within " + timeout + "; see " + log);
  }

  boolean ready() {
    try {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + readyPath))
              .timeout(Duration.ofSeconds(2))
              .build();
      return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** SIGKILL: no shutdown hook runs, no transaction is committed or aborted, no store is closed. */
  void kill() {
    Process running = process;
    running.destroyForcibly();
    waitFor(running);
  }

  /**
   * SIGTERM, and waits for the process to exit: the scorer commits, closes its stores and leaves,
   * as in a rolling restart.
   */
  void terminate() {
    Process running = process;
    running.destroy();
    waitFor(running);
    if (running.isAlive()) {
      throw new IllegalStateException(name + " did not stop within 60 s of SIGTERM; see " + log);
    }
  }

  /** SIGSTOP: the process stops answering (heartbeats, commits) without knowing it. */
  void pause() {
    signal("STOP");
  }

  /** SIGCONT: the frozen process runs on and finds out it was fenced. */
  void resume() {
    signal("CONT");
  }

  boolean alive() {
    return process != null && process.isAlive();
  }

  private void signal(String signal) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void waitFor(Process process) {
    try {
      process.waitFor(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void killQuietly() {
    Process running = process;
    if (running != null && running.isAlive()) {
      running.destroyForcibly();
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** SIGTERM, then SIGKILL if it does not stop within 60 s. */
  @Override
  public void close() {
    Process running = process;
    if (running != null && running.isAlive()) {
      signalQuietly("CONT");
      running.destroy();
      try {
        if (!running.waitFor(60, TimeUnit.SECONDS)) {
          running.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        running.destroyForcibly();
      }
    }
  }

  private void signalQuietly(String signal) {
    try {
      signal(signal);
    } catch (RuntimeException e) {
      // already gone
    }
  }
}

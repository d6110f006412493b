package dev.scorestream.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A JVM the harness starts (a pipeline or a passthrough instance), measured from outside, stopped
 * by its PID.
 */
final class Child implements AutoCloseable {

  /** JVM options of every measured process, pipeline and passthrough alike. */
  static final List<String> JVM_OPTIONS = List.of("-Xms256m", "-Xmx256m", "-XX:+UseG1GC");

  private final Process process;
  private final Path log;

  private Child(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Extra JVM options for every child, e.g. {@code -XX:StartFlightRecording=...} to profile. */
  static final List<String> EXTRA_OPTIONS = new ArrayList<>();

  static Child start(Path jar, String mainClass, List<String> args, Path log) {
    return start(jar, mainClass, JVM_OPTIONS, args, log);
  }

  /** A child with its own JVM options instead of {@link #JVM_OPTIONS} (plus the extra ones). */
  static Child start(
      Path jar, String mainClass, List<String> jvmOptions, List<String> args, Path log) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(EXTRA_OPTIONS);
    command.addAll(List.of("-cp", jar.toString(), mainClass));
    command.addAll(args);
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      return new Child(process, log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + mainClass, e);
    }
  }

  static Path writeProperties(Path file, Properties props) {
    try {
      try (var writer = Files.newBufferedWriter(file)) {
        props.store(writer, "written by the benchmark harness");
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  /** The exit code once it has ended. */
  int exitCode() throws InterruptedException {
    return process.waitFor();
  }

  /**
   * Resident set size now and at its peak (VmRSS, VmHWM from /proc), in bytes; -1 where unreadable.
   */
  long[] rss() {
    long rss = -1;
    long peak = -1;
    try {
      for (String line :
          Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
        if (line.startsWith("VmRSS:")) {
          rss = kilobytes(line) * 1024;
        } else if (line.startsWith("VmHWM:")) {
          peak = kilobytes(line) * 1024;
        }
      }
    } catch (IOException e) {
      // the process ended, or no /proc here
    }
    return new long[] {rss, peak};
  }

  /**
   * CPU time the process has used so far (user + system, from /proc/PID/stat), in nanoseconds; -1
   * where unreadable.
   */
  long cpuNanos() {
    return processCpuNanos(process.pid());
  }

  static long processCpuNanos(long pid) {
    try {
      return cpuNanos(Files.readString(Path.of("/proc", String.valueOf(pid), "stat")));
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** utime + stime of a {@code /proc/.../stat} line, in nanoseconds. */
  private static long cpuNanos(String stat) {
    // fields after the command name, which is in parentheses and may contain spaces
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    return ticks * (1_000_000_000L / CLOCK_TICKS_PER_SECOND);
  }

  /**
   * CPU nanoseconds used so far per thread name (from /proc/PID/task/TID/stat; names truncated to
   * 15 characters by the kernel, threads of the same name summed).
   */
  Map<String, Long> threadCpuNanos() {
    return threadCpuNanos(process.pid());
  }

  /**
   * As {@link #threadCpuNanos()}, for any process (the harness's own: broker and registry threads).
   */
  static Map<String, Long> threadCpuNanos(long pid) {
    Map<String, Long> threads = new TreeMap<>();
    try (var tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
      tasks.forEach(
          task -> {
            try {
              String stat = Files.readString(task.resolve("stat"));
              String name =
                  stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
                      .replaceAll("[0-9]+", "N");
              threads.merge(name, cpuNanos(stat), Long::sum);
            } catch (IOException | RuntimeException e) {
              // the thread ended
            }
          });
    } catch (IOException | RuntimeException e) {
      // the process ended, or no /proc here
    }
    return threads;
  }

  /**
   * Busy and total jiffies of the whole machine (first line of /proc/stat); {-1, -1} where
   * unreadable.
   */
  static long[] machineJiffies() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < f.length; i++) {
        total += Long.parseLong(f[i]);
      }
      long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]); // idle, iowait
      return new long[] {total - idle, total};
    } catch (IOException | RuntimeException e) {
      return new long[] {-1, -1};
    }
  }

  /** USER_HZ: 100 on every Linux architecture the JDK runs on. */
  private static final long CLOCK_TICKS_PER_SECOND = 100;

  private static long kilobytes(String line) {
    return Long.parseLong(line.replaceAll("[^0-9]", ""));
  }

  String tail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}

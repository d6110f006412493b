package dev.scorestream.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * nginx (Debian's {@code nginx-light} or {@code nginx}) as a child process on 127.0.0.1: a real
 * TLS-terminating reverse proxy in front of a registry, for tests of what a secured production
 * registry does (certificates, basic auth, bearer tokens, client certificates). It runs with its
 * own prefix directory, {@code daemon off} and {@code master_process off}, so the one process this
 * starts is the one {@link #close()} kills, by PID.
 *
 * <p>Tests skip without nginx or openssl unless {@value #REQUIRE_ENV} is set, as CI does: then they
 * fail.
 */
public final class Nginx implements AutoCloseable {

  /** Set: a test that needs nginx and openssl fails rather than skips without them. */
  public static final String REQUIRE_ENV = "SCORER_REQUIRE_NGINX_TESTS";

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(10);

  private final Process process;
  private final Path prefix;

  private Nginx(Process process, Path prefix) {
    this.process = process;
    this.prefix = prefix;
  }

  /**
   * The nginx binary: {@code SCORER_NGINX}, {@code /usr/sbin/nginx} or {@code nginx} on the PATH.
   * Without one the calling test is skipped, or fails when {@value #REQUIRE_ENV} is set.
   */
  public static Path binaryOrSkip() {
    Optional<Path> binary = Tools.find("SCORER_NGINX", "/usr/sbin/nginx", "nginx", List.of("-v"));
    Tools.requireOrSkip(binary, "nginx (apt-get install nginx-light)", REQUIRE_ENV);
    return binary.orElseThrow();
  }

  /**
   * Starts nginx with {@code http} as the body of its {@code http} block (server blocks, maps),
   * files under {@code prefix}, and waits until every port in {@code ports} accepts connections.
   */
  public static Nginx start(Path binary, Path prefix, String http, List<Integer> ports) {
    try {
      Files.createDirectories(prefix.resolve("tmp"));
      Path conf = prefix.resolve("nginx.conf");
      Files.writeString(conf, config(prefix, http), StandardCharsets.UTF_8);
      Process process =
          new ProcessBuilder(
                  binary.toString(),
                  "-p",
                  prefix.toString(),
                  "-c",
                  conf.toString(),
                  "-e",
                  prefix.resolve("error.log").toString())
              .redirectErrorStream(true)
              .redirectOutput(prefix.resolve("stdout.log").toFile())
              .start();
      Nginx nginx = new Nginx(process, prefix);
      nginx.awaitPorts(ports);
      return nginx;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start nginx from " + binary, e);
    }
  }

  /**
   * A server block: TLS on 127.0.0.1:{@code port} with {@code certificate} and {@code key} (PEM),
   * {@code directives} (auth, client certificates) in front of {@code upstream}, e.g. {@code
   * http://127.0.0.1:8080}.
   */
  public static String tlsProxy(
      int port, Path certificate, Path key, String directives, String upstream) {
    return String.join(
        "\n",
        "  server {",
        "    listen 127.0.0.1:" + port + " ssl;",
        "    ssl_certificate " + certificate + ";",
        "    ssl_certificate_key " + key + ";",
        "    " + directives,
        "    location / {",
        "      proxy_pass " + upstream + ";",
        "      proxy_set_header Host $http_host;",
        "    }",
        "  }");
  }

  private static String config(Path prefix, String http) {
    String tmp = prefix.resolve("tmp").toString();
    return String.join(
        "\n",
        "daemon off;",
        "master_process off;",
        "worker_processes 1;",
        "pid " + prefix.resolve("nginx.pid") + ";",
        "error_log " + prefix.resolve("error.log") + " warn;",
        "events { worker_connections 64; }",
        "http {",
        "  access_log off;",
        "  client_body_temp_path " + tmp + "/body;",
        "  proxy_temp_path " + tmp + "/proxy;",
        "  fastcgi_temp_path " + tmp + "/fastcgi;",
        "  uwsgi_temp_path " + tmp + "/uwsgi;",
        "  scgi_temp_path " + tmp + "/scgi;",
        http,
        "}",
        "");
  }

  private void awaitPorts(List<Integer> ports) {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    for (int port : ports) {
      while (!accepts(port)) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          close();
          throw new IllegalStateException(
              "nginx did not listen on 127.0.0.1:" + port + "; " + log());
        }
        try {
          process.waitFor(20, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          close();
          throw new IllegalStateException("interrupted while nginx started", e);
        }
      }
    }
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** What nginx logged: its error log and its output. */
  public String log() {
    StringBuilder text = new StringBuilder();
    for (String name : List.of("error.log", "stdout.log")) {
      try {
        text.append(name).append(":\n").append(Files.readString(prefix.resolve(name)));
      } catch (IOException e) {
        text.append(name).append(": (none)\n");
      }
    }
    return text.toString();
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  /** Finding a command-line tool, and skipping or failing without it. */
  static final class Tools {
    private Tools() {}

    /** The first of $env, path, name on the PATH that runs with {@code probe} and exits 0. */
    static Optional<Path> find(String env, String path, String name, List<String> probe) {
      List<String> candidates =
          Optional.ofNullable(System.getenv(env)).map(List::of).orElse(List.of(path, name));
      for (String candidate : candidates) {
        try {
          List<String> command = new java.util.ArrayList<>(List.of(candidate));
          command.addAll(probe);
          Process run = new ProcessBuilder(command).redirectErrorStream(true).start();
          run.getInputStream().readAllBytes();
          if (run.waitFor(10, TimeUnit.SECONDS) && run.exitValue() == 0) {
            return Optional.of(Path.of(candidate));
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

    static void requireOrSkip(Optional<Path> tool, String what, String requireEnv) {
      if (tool.isEmpty() && System.getenv(requireEnv) != null) {
        throw new IllegalStateException(
            "no " + what + ", and " + requireEnv + " is set: this test must run here");
      }
      Assumptions.assumeTrue(
          tool.isPresent(), "no " + what + "; set " + requireEnv + " to fail instead of skipping");
    }
  }
}

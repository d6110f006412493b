package dev.scorestream.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.scorestream.testkit.Python;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An outside client against the running demo: {@code examples/clients/v2_client.py} generates a
 * Python gRPC client from the repository's {@code .proto} with grpc_tools and calls every RPC of
 * the Open Inference Protocol, every REST V2 endpoint with {@code http.client}, and {@code
 * /v1/score}; it checks the three agree to 1e-12 and that bad rows come back with the documented
 * errors. The Python example of docs/calling.md runs as written. Then SIGTERM must stop the demo
 * cleanly.
 *
 * <p>Needs a python3 with grpcio and grpc_tools (Debian: python3-grpcio, python3-grpc-tools);
 * skipped without one, unless {@code SCORER_REQUIRE_PYTHON_TESTS} is set (CI sets it).
 */
class OpenInferenceClientsIT {

  static final Path CLIENT = Path.of("..", "..", "examples", "clients", "v2_client.py");
  static final Path DOC = Path.of("..", "..", "docs", "calling.md");
  static final Path PROTO_DIR = Path.of("..", "..", "protocol", "src", "main", "proto");

  @TempDir Path dir;

  @Test
  void shouldAnswerAPythonClientGeneratedFromTheProtoLikeV1() throws Exception {
    String python = Python.orSkip("grpc", "grpc_tools");

    Path jar = Path.of("target", "scorer-demo.jar").toAbsolutePath();
    Path out = dir.resolve("demo.out");
    Process demo =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx768m",
                "-jar",
                jar.toString(),
                "demo",
                "--keep-running",
                "--events",
                "500")
            .redirectOutput(out.toFile())
            .redirectError(dir.resolve("demo.err").toFile())
            .start();
    try {
      Matcher endpoints = awaitEndpoints(demo, out, dir.resolve("demo.err"), Duration.ofMinutes(3));
      Process client =
          new ProcessBuilder(
                  python,
                  CLIENT.toString(),
                  "--http",
                  endpoints.group(1),
                  "--grpc",
                  endpoints.group(2),
                  "--events",
                  "128")
              .redirectErrorStream(true)
              .start();
      String output = new String(client.getInputStream().readAllBytes());
      assertThat(client.waitFor(2, TimeUnit.MINUTES)).as(output).isTrue();
      assertThat(client.exitValue()).as(output).isZero();
      assertThat(output)
          .contains("gRPC ModelInfer (typed contents): 128 rows equal /v1/score within 1e-12")
          .contains("gRPC ModelInfer (raw_input_contents): 128 rows equal /v1/score within 1e-12")
          .contains("REST V2 infer: 128 rows equal /v1/score within 1e-12")
          .contains("gRPC errors: INVALID_ARGUMENT naming rows 1 and 3")
          .contains("OK: REST v1, REST V2 and gRPC agree");

      String snippet = runDocumentedSnippet(python, endpoints.group(2));
      assertThat(snippet)
          .startsWith("True\n")
          .contains("['FRAUD', 'LEGIT'] [")
          .contains("StatusCode.NOT_FOUND model 'churn' is not served");

      demo.destroy(); // SIGTERM
      assertThat(demo.waitFor(90, TimeUnit.SECONDS)).as("demo stops on SIGTERM").isTrue();
      assertThat(Files.readString(out)).contains("Stopping: scorer, registry, broker");
    } finally {
      if (demo.isAlive()) {
        demo.destroyForcibly();
      }
    }
  }

  /**
   * Runs the Python block of docs/calling.md as it is written there, with a client generated from
   * the .proto the way the page says; returns its output.
   */
  String runDocumentedSnippet(String python, String grpcAddress) throws Exception {
    String page = Files.readString(DOC);
    int marker = page.indexOf("<!-- snippet: grpc-python");
    assertThat(marker).as("snippet marker in " + DOC).isPositive();
    int start = page.indexOf("```python\n", marker) + "```python\n".length();
    String code = page.substring(start, page.indexOf("```", start));
    Path work = Files.createDirectories(dir.resolve("snippet"));
    Files.writeString(work.resolve("snippet.py"), code);
    Process protoc =
        new ProcessBuilder(
                python,
                "-m",
                "grpc_tools.protoc",
                "-I",
                PROTO_DIR.toAbsolutePath().toString(),
                "--python_out=.",
                "--grpc_python_out=.",
                "grpc_predict_v2.proto")
            .directory(work.toFile())
            .redirectErrorStream(true)
            .start();
    String generated = new String(protoc.getInputStream().readAllBytes());
    assertThat(protoc.waitFor(1, TimeUnit.MINUTES) && protoc.exitValue() == 0)
        .as(generated)
        .isTrue();
    ProcessBuilder run =
        new ProcessBuilder(python, "snippet.py").directory(work.toFile()).redirectErrorStream(true);
    run.environment().put("SCORER_GRPC", grpcAddress);
    Process snippet = run.start();
    String output = new String(snippet.getInputStream().readAllBytes());
    assertThat(snippet.waitFor(1, TimeUnit.MINUTES)).as(output).isTrue();
    assertThat(snippet.exitValue()).as(output).isZero();
    return output;
  }

  /** Waits for the demo's {@code --keep-running} line; group 1 the HTTP URL, 2 the gRPC address. */
  static Matcher awaitEndpoints(Process demo, Path out, Path err, Duration timeout) {
    Pattern line = Pattern.compile("http=(http://\\S+) grpc=(\\S+)");
    String text =
        await()
            .atMost(timeout)
            .pollInterval(Duration.ofMillis(500))
            .until(
                () -> {
                  String written = Files.readString(out);
                  assertThat(demo.isAlive())
                      .as(
                          "demo exited early:\n"
                              + written
                              + "\n--- stderr ---\n"
                              + Files.readString(err))
                      .isTrue();
                  return written;
                },
                written ->
                    line.matcher(written).find() && written.contains("Pipeline keeps running"));
    Matcher matcher = line.matcher(text);
    assertThat(matcher.find()).isTrue();
    return matcher;
  }
}

package dev.scorestream.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Abuse limits of the HTTP servers: a full scoring pool answers 503 at once and the management port
 * keeps answering; slow clients are cut off at the request timeout and never delay health.
 */
class ScorerHttpServerLimitsTest {

  final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void shouldAnswer503AtOnceWhenThreadsAndQueueAreFullWhileHealthAnswers() throws Exception {
    try (LimitedServers servers = new LimitedServers()) {
      String scoring = servers.scoring.url();
      List<CompletableFuture<HttpResponse<String>>> flood = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        flood.add(
            client.sendAsync(
                HttpRequest.newBuilder(URI.create(scoring + "/slow")).build(),
                HttpResponse.BodyHandlers.ofString()));
      }
      // one request holds the only thread, one waits in the queue: the rest are refused at once
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> answered(flood).size() >= 30);
      List<HttpResponse<String>> refused = answered(flood);
      assertThat(refused).hasSizeGreaterThanOrEqualTo(30);
      HttpResponse<String> first = refused.get(0);
      assertThat(first.statusCode()).isEqualTo(503);
      assertThat(first.headers().firstValue("Retry-After")).hasValue("1");
      JsonNode error = LimitedServers.JSON.readTree(first.body());
      assertThat(error.get("error").asText()).isEqualTo("OVERLOADED");
      assertThat(error.get("message").asText()).contains("retry later");

      long started = System.nanoTime();
      HttpResponse<String> live = get(servers.management.url() + "/health/live");
      assertThat(live.statusCode()).isEqualTo(200);
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));

      servers.release.countDown();
      long served =
          flood.stream()
              .map(CompletableFuture::join)
              .filter(response -> response.statusCode() == 200)
              .count();
      assertThat(served).as("the running and the queued request finish").isGreaterThanOrEqualTo(2);
      assertThat(get(scoring + "/fast").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void shouldCutSlowClientsOffAndKeepHealthAnsweringWithinOneSecond(
      @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m",
                "-cp",
                System.getProperty("java.class.path"),
                LimitedServers.class.getName())
            .redirectError(dir.resolve("servers.log").toFile())
            .start();
    List<Socket> slow = new ArrayList<>();
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      String line = out.readLine();
      while (!line.startsWith(LimitedServers.PORTS)) {
        line = out.readLine();
      }
      String[] ports = line.substring(LimitedServers.PORTS.length()).split(" ");
      Thread drain = new Thread(() -> out.lines().forEach(ignored -> {}), "child-stdout");
      drain.setDaemon(true);
      drain.start();
      int scoring = Integer.parseInt(ports[0]);
      int management = Integer.parseInt(ports[1]);
      // 100 clients that start a request and then send one byte at a time, never finishing it
      for (int i = 0; i < 100; i++) {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", scoring), 2000);
        socket.getOutputStream().write("GET /fast HTTP/1.1\r\nHost: x\r\n".getBytes());
        slow.add(socket);
      }
      for (int round = 0; round < 4; round++) {
        for (Socket socket : slow) {
          trickle(socket);
        }
        long started = System.nanoTime();
        HttpResponse<String> live = get("http://127.0.0.1:" + management + "/health/live");
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - started))
            .as("health on the management port while 100 slow clients hold the scoring port")
            .isLessThan(Duration.ofSeconds(1));
        Thread.sleep(250);
      }
      // the 1-second request timeout disconnects them, freeing the scoring thread
      for (Socket socket : slow) {
        socket.setSoTimeout(5000);
        assertThat(readAnswer(socket)).as("the server closed the slow connection").isEmpty();
      }
      assertThat(get("http://127.0.0.1:" + scoring + "/fast").statusCode()).isEqualTo(200);
    } finally {
      for (Socket socket : slow) {
        socket.close();
      }
      child.getOutputStream().close();
      child.destroy();
      child.waitFor();
    }
  }

  /** One more header byte, while the server still accepts it. */
  private static void trickle(Socket socket) {
    try {
      socket.getOutputStream().write('X');
      socket.getOutputStream().flush();
    } catch (IOException closedByServer) {
      // already cut off: that is the point
    }
  }

  /** What the server sent before closing: an overflow thread's 503, or nothing. */
  private static String readAnswer(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    try {
      byte[] bytes = in.readAllBytes();
      String answer = new String(bytes, StandardCharsets.US_ASCII);
      return answer.startsWith("HTTP/1.1 503") ? "" : answer;
    } catch (java.net.SocketException reset) {
      return "";
    }
  }

  private HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return client.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The responses of the calls that completed so far. */
  static List<HttpResponse<String>> answered(List<CompletableFuture<HttpResponse<String>>> calls) {
    return calls.stream()
        .filter(call -> call.isDone() && !call.isCompletedExceptionally())
        .map(CompletableFuture::join)
        .toList();
  }
}

package dev.scorestream.bench;

import static dev.scorestream.bench.BenchContext.say;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.protobuf.ByteString;
import dev.scorestream.inference.InferenceService;
import dev.scorestream.payments.PaymentGenerator;
import dev.scorestream.protocol.v2.GRPCInferenceServiceGrpc;
import dev.scorestream.protocol.v2.InferTensorContents;
import dev.scorestream.protocol.v2.ModelInferRequest;
import dev.scorestream.protocol.v2.ModelInferResponse;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.testkit.FreePort;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * Request-response scoring over the Open Inference Protocol, against a scorer process running the
 * default pipeline (idle stream: the numbers are the inference path's): gRPC {@code ModelInfer}
 * with 256-row requests (rows per second, {@value #CONCURRENCY} calls in flight), single-row gRPC
 * latency at a fixed {@value #SINGLE_ROW_RATE} requests per second (measured from each request's
 * scheduled send time, so a stall counts against every request it delays), and REST V2 with the
 * same 256-row batch. The load generator shares the machine with the scorer.
 */
final class ServingRuns {

  static final int BATCH_ROWS = 256;
  static final int CONCURRENCY = 4;
  static final int SINGLE_ROW_RATE = 500;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final BenchContext ctx;

  ServingRuns(BenchContext ctx) {
    this.ctx = ctx;
  }

  void run() throws Exception {
    int seconds = ctx.options().servingSeconds;
    BenchContext.Topics topics = BenchContext.Topics.of("serving", "bench-serving-events");
    topics.create(ctx.kafka(), true);
    int httpPort = FreePort.pick();
    int grpcPort = FreePort.pick();
    String configFile = writeConfig(topics, httpPort, grpcPort);
    List<GenericRecord> rows = payments(BATCH_ROWS);
    ModelInferRequest batch = grpcRequest(rows);
    ModelInferRequest single = grpcRequest(rows.subList(0, 1));
    String restBatch = restRequest(rows);
    try (Child child =
        Child.start(
            ctx.jar(),
            "dev.scorestream.cli.ScorerCli",
            List.of("run", "--config", configFile),
            ctx.work().resolve("serving.log"))) {
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + httpPort;
      LatencyRuns.waitReady(http, base, child);
      ManagedChannel channel =
          NettyChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
      try {
        GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub blocking =
            GRPCInferenceServiceGrpc.newBlockingStub(channel);
        say("serving: gRPC ModelInfer, %d-row requests, %d in flight", BATCH_ROWS, CONCURRENCY);
        double grpcRows = batchRowsPerSecond(seconds, () -> check(blocking.modelInfer(batch)));
        say("serving: gRPC single rows at %d requests/s", SINGLE_ROW_RATE);
        GRPCInferenceServiceGrpc.GRPCInferenceServiceFutureStub async =
            GRPCInferenceServiceGrpc.newFutureStub(channel);
        openLoop(async, single, Duration.ofSeconds(5));
        List<Long> latencies = openLoop(async, single, Duration.ofSeconds(seconds));
        say("serving: REST V2 infer, %d-row requests, %d in flight", BATCH_ROWS, CONCURRENCY);
        HttpRequest rest =
            HttpRequest.newBuilder(URI.create(base + "/v2/models/fraud/infer"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(restBatch))
                .build();
        double restRows = batchRowsPerSecond(seconds, () -> checkRest(http, rest));
        long[] rss = child.rss();
        report(grpcRows, restRows, latencies, rss[0], seconds);
      } finally {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      }
    }
  }

  /** The default pipeline's configuration, with the gRPC port open. */
  private String writeConfig(BenchContext.Topics topics, int httpPort, int grpcPort) {
    Properties config =
        ctx.pipelineConfig(
            Variant.DEFAULT,
            "bench-serving",
            topics,
            1,
            "serving",
            httpPort,
            ctx.options().commitIntervalMs);
    config.put("grpc.port", String.valueOf(grpcPort));
    return Child.writeProperties(ctx.work().resolve("serving.properties"), config).toString();
  }

  /**
   * Rows per second of {@code call}, one {@value #BATCH_ROWS}-row request, in a closed loop
   * measured for {@code seconds} after 5 seconds of warm-up.
   */
  private static double batchRowsPerSecond(int seconds, Call call) throws InterruptedException {
    closedLoop(Duration.ofSeconds(5), call);
    return closedLoop(Duration.ofSeconds(seconds), call) * BATCH_ROWS;
  }

  /** Puts the results into the report, with their table and targets. */
  private void report(
      double grpcRows, double restRows, List<Long> latencies, long rssBytes, int seconds) {
    Collections.sort(latencies);
    double p50 = Report.percentile(latencies, 0.50) / 1e6;
    double p99 = Report.percentile(latencies, 0.99) / 1e6;
    double max = latencies.isEmpty() ? -1 : latencies.get(latencies.size() - 1) / 1e6;
    Map<String, Object> results = new LinkedHashMap<>();
    results.put("grpc_batch_rows_per_s", grpcRows);
    results.put("rest_v2_batch_rows_per_s", restRows);
    results.put("grpc_single_row_rate", SINGLE_ROW_RATE);
    results.put("grpc_single_row_requests", latencies.size());
    results.put("grpc_single_row_p50_ms", p50);
    results.put("grpc_single_row_p99_ms", p99);
    results.put("grpc_single_row_max_ms", max);
    results.put("batch_rows", BATCH_ROWS);
    results.put("concurrency", CONCURRENCY);
    results.put("seconds", seconds);
    results.put("scorer_rss_bytes", rssBytes);
    ctx.report().results.put("serving", results);
    ctx.report()
        .table(
            String.format(
                "%-44s %14s%n%-44s %14.0f%n%-44s %14.0f%n%-44s %14.2f%n%-44s %14.2f%n%-44s"
                    + " %14.2f%n",
                "Open Inference Protocol ("
                    + BATCH_ROWS
                    + "-row batches, "
                    + CONCURRENCY
                    + " in flight)",
                "",
                "gRPC ModelInfer rows/s",
                grpcRows,
                "REST V2 infer rows/s",
                restRows,
                "gRPC single row p50 at " + SINGLE_ROW_RATE + " req/s (ms)",
                p50,
                "gRPC single row p99 at " + SINGLE_ROW_RATE + " req/s (ms)",
                p99,
                "gRPC single row max (ms)",
                max));
    ctx.report().target("gRPC ModelInfer 256-row batches (rows/s)", grpcRows, ">=", 50_000);
    ctx.report().target("gRPC single-row p99 at " + SINGLE_ROW_RATE + " req/s (ms)", p99, "<=", 5);
  }

  /** A call that throws when the answer is not a full success. */
  @FunctionalInterface
  interface Call {
    void run() throws Exception;
  }

  /** {@value #CONCURRENCY} threads calling back to back for {@code duration}; calls per second. */
  private static double closedLoop(Duration duration, Call call) throws InterruptedException {
    AtomicLong calls = new AtomicLong();
    long end = System.nanoTime() + duration.toNanos();
    List<Thread> threads = new ArrayList<>();
    List<Exception> failures = Collections.synchronizedList(new ArrayList<>());
    long started = System.nanoTime();
    for (int i = 0; i < CONCURRENCY; i++) {
      Thread thread =
          new Thread(
              () -> {
                while (System.nanoTime() < end && failures.isEmpty()) {
                  try {
                    call.run();
                    calls.incrementAndGet();
                  } catch (Exception e) {
                    failures.add(e);
                  }
                }
              },
              "serving-load-" + i);
      thread.start();
      threads.add(thread);
    }
    for (Thread thread : threads) {
      thread.join();
    }
    if (!failures.isEmpty()) {
      throw new IllegalStateException("a serving call failed", failures.get(0));
    }
    return calls.get() / ((System.nanoTime() - started) / 1e9);
  }

  /**
   * Sends {@code request} at {@value #SINGLE_ROW_RATE} per second for {@code duration}, without
   * waiting for answers; returns each latency in nanoseconds from its scheduled send time.
   */
  private static List<Long> openLoop(
      GRPCInferenceServiceGrpc.GRPCInferenceServiceFutureStub stub,
      ModelInferRequest request,
      Duration duration)
      throws InterruptedException {
    long interval = TimeUnit.SECONDS.toNanos(1) / SINGLE_ROW_RATE;
    int count = (int) (duration.toNanos() / interval);
    List<Long> latencies = Collections.synchronizedList(new ArrayList<>(count));
    List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch done = new CountDownLatch(count);
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      long scheduled = start + i * interval;
      long wait = scheduled - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      Futures.addCallback(
          stub.withDeadlineAfter(10, TimeUnit.SECONDS).modelInfer(request),
          new FutureCallback<ModelInferResponse>() {
            @Override
            public void onSuccess(ModelInferResponse response) {
              latencies.add(System.nanoTime() - scheduled);
              done.countDown();
            }

            @Override
            public void onFailure(Throwable failure) {
              failures.add(failure);
              done.countDown();
            }
          },
          MoreExecutors.directExecutor());
    }
    if (!done.await(30, TimeUnit.SECONDS) || !failures.isEmpty()) {
      throw new IllegalStateException(
          "single-row calls failed or hung: "
              + (failures.isEmpty() ? "timeout" : failures.get(0).toString()));
    }
    return new ArrayList<>(latencies);
  }

  private static void check(ModelInferResponse response) {
    if (response.getOutputsCount() != 3) {
      throw new IllegalStateException("unexpected answer " + response);
    }
  }

  private static void checkRest(HttpClient http, HttpRequest request) throws Exception {
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          "REST V2 answered " + response.statusCode() + ": " + response.body());
    }
  }

  /** Valid payments of the reader schema. */
  static List<GenericRecord> payments(int count) {
    Schema schema = Contracts.paymentEvent();
    PaymentGenerator generator = new PaymentGenerator(schema, 99);
    List<GenericRecord> records = new ArrayList<>();
    while (records.size() < count) {
      records.add(generator.next(1_764_000_000_000L + records.size()).record());
    }
    return records;
  }

  /** One typed input per reader-schema field. */
  static ModelInferRequest grpcRequest(List<GenericRecord> records) {
    ModelInferRequest.Builder request = ModelInferRequest.newBuilder().setModelName("fraud");
    for (Schema.Field field : Contracts.paymentEvent().getFields()) {
      InferTensorContents.Builder contents = InferTensorContents.newBuilder();
      String datatype = datatype(field);
      for (GenericRecord record : records) {
        Object value = record.get(field.name());
        switch (datatype) {
          case "FP64" -> contents.addFp64Contents(((Number) value).doubleValue());
          case "INT32" -> contents.addIntContents(((Number) value).intValue());
          case "INT64" -> contents.addInt64Contents(((Number) value).longValue());
          case "BOOL" -> contents.addBoolContents((Boolean) value);
          default -> contents.addBytesContents(ByteString.copyFromUtf8(String.valueOf(value)));
        }
      }
      request.addInputs(
          ModelInferRequest.InferInputTensor.newBuilder()
              .setName(field.name())
              .setDatatype(datatype)
              .addShape(records.size())
              .setContents(contents));
    }
    return request.build();
  }

  static String restRequest(List<GenericRecord> records) {
    ObjectNode body = JSON.createObjectNode();
    ArrayNode inputs = body.putArray("inputs");
    for (Schema.Field field : Contracts.paymentEvent().getFields()) {
      ObjectNode input = inputs.addObject();
      input.put("name", field.name());
      input.put("datatype", datatype(field));
      input.putArray("shape").add(records.size());
      ArrayNode data = input.putArray("data");
      for (GenericRecord record : records) {
        Object value = record.get(field.name());
        if (value instanceof Number || value instanceof Boolean) {
          data.add(JSON.valueToTree(value));
        } else {
          data.add(String.valueOf(value));
        }
      }
    }
    return body.toString();
  }

  private static String datatype(Schema.Field field) {
    return InferenceService.datatype(field.schema()).orElseThrow();
  }
}

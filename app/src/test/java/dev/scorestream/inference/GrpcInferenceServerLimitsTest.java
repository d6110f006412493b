package dev.scorestream.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.protobuf.ByteString;
import dev.scorestream.protocol.v2.GRPCInferenceServiceGrpc;
import dev.scorestream.protocol.v2.GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub;
import dev.scorestream.protocol.v2.ModelInferRequest;
import dev.scorestream.protocol.v2.ServerReadyRequest;
import dev.scorestream.protocol.v2.ServerReadyResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The gRPC server's abuse limits on a real Netty server and channel over loopback: the message
 * limit holds for the decompressed size (a gzip bomb is refused), and a call beyond the threads and
 * the queue is refused with RESOURCE_EXHAUSTED at once.
 */
class GrpcInferenceServerLimitsTest {

  static final int LIMIT = 1 << 20;

  GrpcInferenceServer server;
  ManagedChannel channel;

  GRPCInferenceServiceBlockingStub start(
      GrpcInferenceServer.Limits limits, BooleanSupplier accepting) {
    InferenceService service = GrpcInferenceServerTest.service(accepting);
    server =
        GrpcInferenceServer.start(
            new GrpcInferenceServer.Settings(
                "127.0.0.1",
                0,
                LIMIT,
                Duration.ofSeconds(10),
                Duration.ofSeconds(1),
                limits,
                null,
                null),
            service,
            "scorestream",
            () -> "9.9",
            (protocol, outcome, rows, nanos) -> {});
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    return GRPCInferenceServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  @AfterEach
  void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.close();
  }

  @Test
  void shouldRefuseAGzipBombThatInflatesPastTheMessageLimit() throws IOException {
    GRPCInferenceServiceBlockingStub stub =
        start(GrpcInferenceServer.Limits.DEFAULT, () -> true).withCompression("gzip");
    ModelInferRequest bomb =
        ModelInferRequest.newBuilder()
            .setModelName("fraud")
            .addInputs(
                ModelInferRequest.InferInputTensor.newBuilder()
                    .setName("amount")
                    .setDatatype("FP64")
                    .addShape(1 << 20))
            .addRawInputContents(ByteString.copyFrom(new byte[8 * LIMIT]))
            .build();
    assertThat(gzipped(bomb.toByteArray()))
        .as("on the wire the bomb is far below the limit")
        .isLessThan(LIMIT / 16);

    assertThatThrownBy(() -> stub.modelInfer(bomb))
        .isInstanceOf(StatusRuntimeException.class)
        .extracting(e -> ((StatusRuntimeException) e).getStatus().getCode())
        .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    // the connection still serves compressed calls within the limit
    assertThat(stub.serverReady(ServerReadyRequest.getDefaultInstance()).getReady()).isTrue();
  }

  @Test
  void shouldRefuseACallBeyondTheThreadsAndQueueWithResourceExhausted() throws Exception {
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    GRPCInferenceServiceBlockingStub stub =
        start(
            new GrpcInferenceServer.Limits(1, 0, 100, 200, Duration.ofMinutes(1)),
            () -> {
              holding.countDown();
              try {
                return release.await(20, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
              }
            });
    ListenableFuture<ServerReadyResponse> held =
        GRPCInferenceServiceGrpc.newFutureStub(channel)
            .serverReady(ServerReadyRequest.getDefaultInstance());
    assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();

    long started = System.nanoTime();
    assertThatThrownBy(() -> stub.serverReady(ServerReadyRequest.getDefaultInstance()))
        .isInstanceOf(StatusRuntimeException.class)
        .extracting(e -> ((StatusRuntimeException) e).getStatus().getCode())
        .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .as("refused at once, not queued")
        .isLessThan(Duration.ofSeconds(2));

    release.countDown();
    assertThat(held.get(10, TimeUnit.SECONDS).getReady()).isTrue();
    assertThat(stub.serverReady(ServerReadyRequest.getDefaultInstance()).getReady()).isTrue();
  }

  private static int gzipped(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(bytes);
    }
    return out.size();
  }
}

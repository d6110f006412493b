package dev.scorestream.inference;

import dev.scorestream.http.BoundedExecutor;
import dev.scorestream.inference.InferenceException.Kind;
import dev.scorestream.model.ScoreResult;
import dev.scorestream.protocol.v2.GRPCInferenceServiceGrpc;
import dev.scorestream.protocol.v2.InferParameter;
import dev.scorestream.protocol.v2.InferTensorContents;
import dev.scorestream.protocol.v2.ModelInferRequest;
import dev.scorestream.protocol.v2.ModelInferResponse;
import dev.scorestream.protocol.v2.ModelMetadataRequest;
import dev.scorestream.protocol.v2.ModelMetadataResponse;
import dev.scorestream.protocol.v2.ModelReadyRequest;
import dev.scorestream.protocol.v2.ModelReadyResponse;
import dev.scorestream.protocol.v2.ServerLiveRequest;
import dev.scorestream.protocol.v2.ServerLiveResponse;
import dev.scorestream.protocol.v2.ServerMetadataRequest;
import dev.scorestream.protocol.v2.ServerMetadataResponse;
import dev.scorestream.protocol.v2.ServerReadyRequest;
import dev.scorestream.protocol.v2.ServerReadyResponse;
import dev.scorestream.security.BearerAuth;
import dev.scorestream.security.PemTls;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.Status;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Open Inference Protocol V2 over gRPC: {@code inference.GRPCInferenceService} on grpc-java
 * (Netty). Inputs come as typed contents or as {@code raw_input_contents}; a request that sent raw
 * contents is answered with {@code raw_output_contents}, one that sent typed contents with typed
 * contents. Messages are limited to {@code grpc.max.message.size} after decompression (a small gzip
 * message that inflates past it is refused); a call runs until the client's deadline or {@code
 * grpc.request.timeout}, whichever is sooner; {@link #close} stops taking calls and lets running
 * ones finish for the shutdown grace. {@link Limits} bound the threads and the waiting calls (a
 * call beyond them is refused with RESOURCE_EXHAUSTED at once), the calls per connection,
 * RST_STREAM floods and client keepalive pings.
 */
public final class GrpcInferenceServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(GrpcInferenceServer.class);

  /** Limits and timeouts. */
  public record Settings(
      String host,
      int port,
      int maxMessageBytes,
      Duration requestTimeout,
      Duration shutdownGrace,
      Limits limits,
      BearerAuth auth,
      PemTls tls) {

    /** With the default {@link Limits}, without authentication, without TLS. */
    public Settings(
        String host,
        int port,
        int maxMessageBytes,
        Duration requestTimeout,
        Duration shutdownGrace) {
      this(host, port, maxMessageBytes, requestTimeout, shutdownGrace, Limits.DEFAULT, null, null);
    }
  }

  /**
   * Abuse limits.
   *
   * @param threads threads that run calls
   * @param queue calls that may wait for one; beyond them a call is refused with RESOURCE_EXHAUSTED
   * @param maxCallsPerConnection concurrent calls (HTTP/2 streams) one connection may open
   * @param maxRstFramesPerWindow RST_STREAM frames a client may send per {@link #RST_WINDOW} before
   *     its connection is closed (the HTTP/2 rapid-reset attack)
   * @param permitKeepAliveTime the most frequent keepalive ping a client may send; pings sooner, or
   *     without a call in flight, get the connection closed
   */
  public record Limits(
      int threads,
      int queue,
      int maxCallsPerConnection,
      int maxRstFramesPerWindow,
      Duration permitKeepAliveTime) {

    /** The window {@code maxRstFramesPerWindow} counts in. */
    public static final Duration RST_WINDOW = Duration.ofSeconds(10);

    /** The defaults of the grpc.* settings. */
    public static final Limits DEFAULT = new Limits(4, 64, 100, 200, Duration.ofMinutes(1));
  }

  private final Server server;
  private final Settings settings;
  private final BoundedExecutor executor;

  private GrpcInferenceServer(Server server, Settings settings, BoundedExecutor executor) {
    this.server = server;
    this.settings = settings;
    this.executor = executor;
  }

  /** Binds {@code host:port} (0: any free port) and serves the protocol. */
  public static GrpcInferenceServer start(
      Settings settings,
      InferenceService service,
      String serverName,
      Supplier<String> serverVersion,
      InferenceListener listener) {
    Limits limits = settings.limits();
    BoundedExecutor executor = new BoundedExecutor("grpc", limits.threads(), limits.queue());
    Server server =
        NettyServerBuilder.forAddress(
                new InetSocketAddress(settings.host(), settings.port()),
                credentials(settings.tls()))
            .executor(executor)
            // grpc-java enforces this on the decompressed message, as it inflates
            .maxInboundMessageSize(settings.maxMessageBytes())
            .maxConcurrentCallsPerConnection(limits.maxCallsPerConnection())
            .maxRstFramesPerWindow(
                limits.maxRstFramesPerWindow(), (int) Limits.RST_WINDOW.toSeconds())
            .permitKeepAliveTime(limits.permitKeepAliveTime().toMillis(), TimeUnit.MILLISECONDS)
            .permitKeepAliveWithoutCalls(false)
            .addService(
                GrpcGuards.guard(
                    new Service(
                        service, serverName, serverVersion, settings.requestTimeout(), listener),
                    settings.auth()))
            .build();
    try {
      server.start();
    } catch (IOException e) {
      executor.shutdownNow();
      throw new UncheckedIOException(
          "cannot bind gRPC server to " + settings.host() + ":" + settings.port(), e);
    }
    GrpcInferenceServer grpc = new GrpcInferenceServer(server, settings, executor);
    LOG.info("gRPC server (Open Inference Protocol V2) listening on {}", grpc.address());
    return grpc;
  }

  /** Plaintext, or TLS with {@code tls}'s reloading certificate (and client CA when mutual). */
  private static ServerCredentials credentials(PemTls tls) {
    if (tls == null) {
      return InsecureServerCredentials.create();
    }
    TlsServerCredentials.Builder credentials =
        TlsServerCredentials.newBuilder().keyManager(tls.keyManager());
    if (tls.mutual()) {
      credentials
          .trustManager(tls.trustManager())
          .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
    }
    return credentials.build();
  }

  public int port() {
    return server.getPort();
  }

  /** {@code host:port}, as a gRPC client targets it. */
  public String address() {
    return settings.host() + ":" + port();
  }

  /** Stops taking calls, waits up to the shutdown grace for running ones, then cancels them. */
  @Override
  public void close() {
    server.shutdown();
    try {
      if (!server.awaitTermination(settings.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("gRPC calls still running after {}; cancelling them", settings.shutdownGrace());
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
    executor.shutdownNow();
  }

  /** The protocol's six RPCs, mapped onto {@link InferenceService}. */
  static final class Service extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {

    private final InferenceService service;
    private final String serverName;
    private final Supplier<String> serverVersion;
    private final Duration requestTimeout;
    private final InferenceListener listener;

    Service(
        InferenceService service,
        String serverName,
        Supplier<String> serverVersion,
        Duration requestTimeout,
        InferenceListener listener) {
      this.service = service;
      this.serverName = serverName;
      this.serverVersion = serverVersion;
      this.requestTimeout = requestTimeout;
      this.listener = listener;
    }

    @Override
    public void serverLive(
        ServerLiveRequest request, StreamObserver<ServerLiveResponse> responses) {
      answer(responses, () -> ServerLiveResponse.newBuilder().setLive(service.live()).build());
    }

    @Override
    public void serverReady(
        ServerReadyRequest request, StreamObserver<ServerReadyResponse> responses) {
      answer(responses, () -> ServerReadyResponse.newBuilder().setReady(service.ready()).build());
    }

    @Override
    public void modelReady(
        ModelReadyRequest request, StreamObserver<ModelReadyResponse> responses) {
      answer(
          responses,
          () -> {
            if (service.resolve(request.getName(), request.getVersion()).isEmpty()) {
              service.metadata(request.getName(), request.getVersion()); // NOT_FOUND, named
            }
            return ModelReadyResponse.newBuilder()
                .setReady(service.modelReady(request.getName(), request.getVersion()))
                .build();
          });
    }

    @Override
    public void serverMetadata(
        ServerMetadataRequest request, StreamObserver<ServerMetadataResponse> responses) {
      answer(
          responses,
          () ->
              ServerMetadataResponse.newBuilder()
                  .setName(serverName)
                  .setVersion(serverVersion.get())
                  .build());
    }

    @Override
    public void modelMetadata(
        ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> responses) {
      answer(
          responses,
          () -> {
            InferenceService.ModelInfo info =
                service.metadata(request.getName(), request.getVersion());
            ModelMetadataResponse.Builder builder =
                ModelMetadataResponse.newBuilder()
                    .setName(info.name())
                    .addAllVersions(info.versions())
                    .setPlatform(info.platform());
            info.inputs().forEach(spec -> builder.addInputs(tensor(spec)));
            info.outputs().forEach(spec -> builder.addOutputs(tensor(spec)));
            return builder.build();
          });
    }

    private static ModelMetadataResponse.TensorMetadata tensor(InferenceService.TensorSpec spec) {
      return ModelMetadataResponse.TensorMetadata.newBuilder()
          .setName(spec.name())
          .setDatatype(spec.datatype())
          .addAllShape(spec.shape())
          .build();
    }

    @Override
    public void modelInfer(
        ModelInferRequest request, StreamObserver<ModelInferResponse> responses) {
      answer(
          responses,
          () -> {
            Deadline own = Deadline.after(requestTimeout.toNanos(), TimeUnit.NANOSECONDS);
            Deadline client = Context.current().getDeadline();
            Deadline deadline = client == null ? own : client.minimum(own);
            boolean raw = request.getRawInputContentsCount() > 0;
            long started = System.nanoTime();
            InferResult result;
            try {
              result = service.infer(decode(request, raw), () -> deadline.isExpired());
            } catch (InferenceException e) {
              listener.answered(
                  InferenceListener.GRPC,
                  InferenceListener.outcome(e.kind()),
                  0,
                  System.nanoTime() - started);
              throw e;
            }
            ModelInferResponse response = encode(result, raw);
            listener.answered(
                InferenceListener.GRPC,
                InferenceListener.OK,
                result.rows().size(),
                System.nanoTime() - started);
            return response;
          });
    }

    private static InferRequest decode(ModelInferRequest request, boolean raw) {
      if (raw && request.getRawInputContentsCount() != request.getInputsCount()) {
        throw new InferenceException(
            Kind.INVALID_ARGUMENT,
            "raw_input_contents has "
                + request.getRawInputContentsCount()
                + " entries for "
                + request.getInputsCount()
                + " inputs; give one per input, in order");
      }
      List<InputTensor> inputs = new ArrayList<>(request.getInputsCount());
      for (int i = 0; i < request.getInputsCount(); i++) {
        ModelInferRequest.InferInputTensor input = request.getInputs(i);
        if (raw && input.hasContents()) {
          throw new InferenceException(
              Kind.INVALID_ARGUMENT,
              "input '"
                  + input.getName()
                  + "' has typed contents while the request uses raw_input_contents; use one");
        }
        long[] shape = input.getShapeList().stream().mapToLong(Long::longValue).toArray();
        List<Object> values =
            raw
                ? TensorCodec.fromRaw(
                    input.getName(), input.getDatatype(), request.getRawInputContents(i))
                : TensorCodec.fromContents(
                    input.getName(), input.getDatatype(), input.getContents());
        inputs.add(new InputTensor(input.getName(), input.getDatatype(), shape, values));
      }
      List<String> outputs =
          request.getOutputsList().stream()
              .map(ModelInferRequest.InferRequestedOutputTensor::getName)
              .toList();
      return new InferRequest(
          request.getModelName(), request.getModelVersion(), request.getId(), inputs, outputs);
    }

    static ModelInferResponse encode(InferResult result, boolean raw) {
      ModelInferResponse.Builder response =
          ModelInferResponse.newBuilder()
              .setModelName(result.modelName())
              .setModelVersion(result.modelVersion())
              .setId(result.id());
      int rows = result.rows().size();
      for (String name : result.outputs()) {
        ModelInferResponse.InferOutputTensor.Builder tensor =
            ModelInferResponse.InferOutputTensor.newBuilder().setName(name);
        InferTensorContents.Builder contents = InferTensorContents.newBuilder();
        switch (name) {
          case InferenceService.PREDICTED_LABEL -> {
            tensor.setDatatype("BYTES").addShape(rows);
            List<String> labels = result.rows().stream().map(ScoreResult::label).toList();
            if (raw) {
              response.addRawOutputContents(TensorCodec.rawBytes(labels));
            } else {
              labels.forEach(label -> contents.addBytesContents(utf8(label)));
            }
          }
          case InferenceService.SCORES -> {
            List<String> order = result.labels();
            tensor
                .setDatatype("FP64")
                .addShape(rows)
                .addShape(order.size())
                .putParameters(
                    InferenceService.LABELS_PARAMETER,
                    InferParameter.newBuilder()
                        .setStringParam(RestV2Routes.labelsParameter(order))
                        .build());
            double[] scores = new double[rows * order.size()];
            for (int r = 0; r < rows; r++) {
              for (int c = 0; c < order.size(); c++) {
                scores[r * order.size() + c] =
                    result.rows().get(r).scores().getOrDefault(order.get(c), 0.0);
              }
            }
            if (raw) {
              response.addRawOutputContents(TensorCodec.rawDoubles(scores));
            } else {
              for (double score : scores) {
                contents.addFp64Contents(score);
              }
            }
          }
          default -> {
            tensor.setDatatype("BYTES").addShape(rows);
            List<String> versions = Collections.nCopies(rows, result.modelVersion());
            if (raw) {
              response.addRawOutputContents(TensorCodec.rawBytes(versions));
            } else {
              versions.forEach(version -> contents.addBytesContents(utf8(version)));
            }
          }
        }
        if (!raw) {
          tensor.setContents(contents);
        }
        response.addOutputs(tensor);
      }
      return response.build();
    }

    private static com.google.protobuf.ByteString utf8(String text) {
      return com.google.protobuf.ByteString.copyFromUtf8(text);
    }

    /** Runs {@code call}; maps a failure to its gRPC status, with the message for the client. */
    private static <T> void answer(StreamObserver<T> responses, Supplier<T> call) {
      T response;
      try {
        response = call.get();
      } catch (InferenceException e) {
        responses.onError(status(e.kind()).withDescription(e.getMessage()).asRuntimeException());
        return;
      } catch (RuntimeException e) {
        LOG.warn("gRPC call failed", e);
        responses.onError(
            Status.INTERNAL.withDescription(e.getClass().getSimpleName()).asRuntimeException());
        return;
      }
      responses.onNext(response);
      responses.onCompleted();
    }

    private static Status status(Kind kind) {
      return switch (kind) {
        case INVALID_ARGUMENT -> Status.INVALID_ARGUMENT;
        case NOT_FOUND -> Status.NOT_FOUND;
        case DEADLINE_EXCEEDED -> Status.DEADLINE_EXCEEDED;
        case UNAVAILABLE -> Status.UNAVAILABLE;
        case INTERNAL -> Status.INTERNAL;
      };
    }
  }
}

package dev.scorestream.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import com.google.protobuf.ByteString;
import dev.scorestream.features.FeatureExtractor;
import dev.scorestream.model.ModelScorer;
import dev.scorestream.protocol.v2.GRPCInferenceServiceGrpc;
import dev.scorestream.protocol.v2.GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub;
import dev.scorestream.protocol.v2.InferTensorContents;
import dev.scorestream.protocol.v2.ModelInferRequest;
import dev.scorestream.protocol.v2.ModelInferResponse;
import dev.scorestream.protocol.v2.ModelMetadataRequest;
import dev.scorestream.protocol.v2.ModelMetadataResponse;
import dev.scorestream.protocol.v2.ModelReadyRequest;
import dev.scorestream.protocol.v2.ServerLiveRequest;
import dev.scorestream.protocol.v2.ServerMetadataRequest;
import dev.scorestream.protocol.v2.ServerReadyRequest;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.serving.ActiveModel;
import dev.scorestream.serving.EventScorer;
import dev.scorestream.training.TestModels;
import dev.scorestream.validation.RecordValidator;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The gRPC binding on a real Netty server and channel over loopback. */
class GrpcInferenceServerTest {

  static final Schema READER = Contracts.paymentEvent();

  final AtomicBoolean accepting = new AtomicBoolean(true);
  final InferenceService service = service(accepting::get);

  /** Inference with the logistic test model, ready while {@code accepting} says so. */
  static InferenceService service(java.util.function.BooleanSupplier accepting) {
    return new InferenceService(READER, scorer(), 1000, accepting);
  }

  /**
   * A server on any free port with the default limits, {@code auth} and {@code tls} (null: none).
   */
  static GrpcInferenceServer serve(
      InferenceService service,
      dev.scorestream.security.BearerAuth auth,
      dev.scorestream.security.PemTls tls) {
    return GrpcInferenceServer.start(
        new GrpcInferenceServer.Settings(
            "127.0.0.1",
            0,
            4 << 20,
            Duration.ofSeconds(10),
            Duration.ofSeconds(1),
            GrpcInferenceServer.Limits.DEFAULT,
            auth,
            tls),
        service,
        "scorestream",
        () -> "9.9",
        (protocol, outcome, rows, nanos) -> {});
  }

  /** The logistic test model behind the reader schema's rules and features. */
  static EventScorer scorer() {
    return new EventScorer(
        RecordValidator.forSchema(READER),
        FeatureExtractor.forSchema(READER),
        new ActiveModel(new ModelScorer(TestModels.logistic())));
  }

  final List<AutoCloseable> opened = new ArrayList<>();
  final List<String> answered = new java.util.concurrent.CopyOnWriteArrayList<>();

  GRPCInferenceServiceBlockingStub start(int maxMessageBytes, Duration requestTimeout) {
    GrpcInferenceServer server =
        GrpcInferenceServer.start(
            new GrpcInferenceServer.Settings(
                "127.0.0.1", 0, maxMessageBytes, requestTimeout, Duration.ofSeconds(2)),
            service,
            "scorestream",
            () -> "9.9",
            (protocol, outcome, rows, nanos) ->
                answered.add(protocol + " " + outcome + " " + rows));
    opened.add(server);
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    opened.add(0, () -> channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
    return GRPCInferenceServiceGrpc.newBlockingStub(channel);
  }

  GRPCInferenceServiceBlockingStub start() {
    return start(4 << 20, Duration.ofSeconds(10));
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable closeable : opened) {
      closeable.close();
    }
  }

  static ModelInferRequest typed(List<GenericRecord> records) {
    ModelInferRequest.Builder request = ModelInferRequest.newBuilder().setModelName("fraud");
    for (InputTensor tensor : InferenceServiceTest.columns(records)) {
      InferTensorContents.Builder contents = InferTensorContents.newBuilder();
      for (Object value : tensor.values()) {
        switch (tensor.datatype()) {
          case "BYTES" -> contents.addBytesContents(ByteString.copyFrom((byte[]) value));
          case "FP64" -> contents.addFp64Contents((Double) value);
          case "INT32" -> contents.addIntContents((int) (long) (Long) value);
          case "INT64" -> contents.addInt64Contents((Long) value);
          case "BOOL" -> contents.addBoolContents((Boolean) value);
          default -> throw new IllegalStateException(tensor.datatype());
        }
      }
      request.addInputs(
          ModelInferRequest.InferInputTensor.newBuilder()
              .setName(tensor.name())
              .setDatatype(tensor.datatype())
              .addShape(records.size())
              .setContents(contents));
    }
    return request.build();
  }

  static ModelInferRequest raw(List<GenericRecord> records) {
    ModelInferRequest.Builder request = ModelInferRequest.newBuilder().setModelName("fraud");
    for (InputTensor tensor : InferenceServiceTest.columns(records)) {
      ByteBuffer buffer = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
      for (Object value : tensor.values()) {
        switch (tensor.datatype()) {
          case "BYTES" -> buffer.putInt(((byte[]) value).length).put((byte[]) value);
          case "FP64" -> buffer.putDouble((Double) value);
          case "INT32" -> buffer.putInt((int) (long) (Long) value);
          case "INT64" -> buffer.putLong((Long) value);
          case "BOOL" -> buffer.put((byte) ((Boolean) value ? 1 : 0));
          default -> throw new IllegalStateException(tensor.datatype());
        }
      }
      buffer.flip();
      request
          .addInputs(
              ModelInferRequest.InferInputTensor.newBuilder()
                  .setName(tensor.name())
                  .setDatatype(tensor.datatype())
                  .addShape(records.size()))
          .addRawInputContents(ByteString.copyFrom(buffer));
    }
    return request.build();
  }

  @Test
  void shouldAnswerHealthAndMetadataRpcs() {
    GRPCInferenceServiceBlockingStub stub = start();

    assertThat(stub.serverLive(ServerLiveRequest.getDefaultInstance()).getLive()).isTrue();
    assertThat(stub.serverReady(ServerReadyRequest.getDefaultInstance()).getReady()).isTrue();
    assertThat(
            stub.modelReady(
                    ModelReadyRequest.newBuilder().setName("fraud").setVersion("test-v1").build())
                .getReady())
        .isTrue();
    assertThat(stub.serverMetadata(ServerMetadataRequest.getDefaultInstance()).getVersion())
        .isEqualTo("9.9");
    ModelMetadataResponse metadata =
        stub.modelMetadata(ModelMetadataRequest.newBuilder().setName("fraud").build());
    assertThat(metadata.getVersionsList()).containsExactly("test-v1");
    assertThat(metadata.getInputs(2).getName()).isEqualTo("amount");
    assertThat(metadata.getInputs(2).getDatatype()).isEqualTo("FP64");
    assertThat(metadata.getInputs(2).getShapeList()).containsExactly(-1L);
    assertThat(metadata.getOutputs(1).getShapeList()).containsExactly(-1L, 2L);

    accepting.set(false);
    assertThat(stub.serverReady(ServerReadyRequest.getDefaultInstance()).getReady()).isFalse();
    assertCode(
        () -> stub.modelMetadata(ModelMetadataRequest.newBuilder().setName("churn").build()),
        Status.Code.NOT_FOUND,
        "'churn'");
  }

  @Test
  void shouldAnswerTypedContentsWithTypedAndRawWithRawAlike() {
    GRPCInferenceServiceBlockingStub stub = start();
    List<GenericRecord> records = InferenceServiceTest.payments(30, 21);
    InferResult expected =
        service.infer(
            new InferRequest(
                "fraud",
                "",
                "",
                InferenceServiceTest.columns(InferenceServiceTest.payments(30, 21)),
                List.of()),
            () -> false);

    ModelInferResponse typed = stub.modelInfer(typed(records));
    ModelInferResponse raw = stub.modelInfer(raw(InferenceServiceTest.payments(30, 21)));

    assertThat(typed.getModelVersion()).isEqualTo("test-v1");
    assertThat(typed.getOutputs(1).getShapeList()).containsExactly(30L, 2L);
    assertThat(typed.getOutputs(1).getParametersMap().get("labels").getStringParam())
        .isEqualTo("[\"FRAUD\",\"LEGIT\"]");
    assertThat(raw.getRawOutputContentsCount()).isEqualTo(3);
    assertThat(answered).containsExactly("grpc ok 30", "grpc ok 30");
    ByteBuffer rawScores =
        raw.getRawOutputContents(1).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer rawLabels =
        raw.getRawOutputContents(0).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    for (int row = 0; row < 30; row++) {
      String label = expected.rows().get(row).label();
      assertThat(typed.getOutputs(0).getContents().getBytesContents(row).toStringUtf8())
          .isEqualTo(label);
      byte[] rawLabel = new byte[rawLabels.getInt()];
      rawLabels.get(rawLabel);
      assertThat(new String(rawLabel, StandardCharsets.UTF_8)).isEqualTo(label);
      for (int c = 0; c < 2; c++) {
        double score = expected.rows().get(row).scores().get(expected.labels().get(c));
        assertThat(typed.getOutputs(1).getContents().getFp64Contents(row * 2 + c))
            .isCloseTo(score, offset(1e-12));
        assertThat(rawScores.getDouble()).isCloseTo(score, offset(1e-12));
      }
    }
  }

  @Test
  void shouldNameRejectedRowsAndMalformedRequests() {
    GRPCInferenceServiceBlockingStub stub = start();
    ModelInferRequest good = typed(InferenceServiceTest.payments(4, 22));
    ModelInferRequest.Builder bad = good.toBuilder();
    bad.getInputsBuilder(2).getContentsBuilder().setFp64Contents(2, 1e9);

    assertCode(
        () -> stub.modelInfer(bad.build()),
        Status.Code.INVALID_ARGUMENT,
        "row 2: RULE_VIOLATION [amount.max]");
    ModelInferRequest.Builder mixed = raw(InferenceServiceTest.payments(4, 22)).toBuilder();
    mixed
        .getInputsBuilder(0)
        .setContents(InferTensorContents.newBuilder().addBytesContents(ByteString.EMPTY));
    assertCode(
        () -> stub.modelInfer(mixed.build()),
        Status.Code.INVALID_ARGUMENT,
        "has typed contents while the request uses raw_input_contents");
    ModelInferRequest full = raw(InferenceServiceTest.payments(4, 22));
    ModelInferRequest.Builder short_ =
        full.toBuilder()
            .clearRawInputContents()
            .addAllRawInputContents(full.getRawInputContentsList().subList(0, 10));
    assertCode(
        () -> stub.modelInfer(short_.build()),
        Status.Code.INVALID_ARGUMENT,
        "raw_input_contents has 10 entries for 11 inputs");
    ModelInferRequest.Builder truncated = raw(InferenceServiceTest.payments(4, 22)).toBuilder();
    truncated.setRawInputContents(2, ByteString.copyFrom(new byte[12]));
    assertCode(
        () -> stub.modelInfer(truncated.build()),
        Status.Code.INVALID_ARGUMENT,
        "input 'amount' has 12 raw bytes, not a whole number of 8-byte FP64 elements");
    assertCode(
        () -> stub.modelInfer(good.toBuilder().setModelVersion("v0").build()),
        Status.Code.NOT_FOUND,
        "version 'v0'");
    assertThat(answered)
        .containsExactly(
            "grpc invalid_argument 0",
            "grpc invalid_argument 0",
            "grpc invalid_argument 0",
            "grpc invalid_argument 0",
            "grpc not_found 0");
  }

  @Test
  void shouldRefuseMessagesOverTheLimitAndCallsPastTheDeadline() {
    GRPCInferenceServiceBlockingStub small = start(4096, Duration.ofSeconds(10));
    assertCode(
        () -> small.modelInfer(typed(InferenceServiceTest.payments(200, 23))),
        Status.Code.RESOURCE_EXHAUSTED,
        "");

    GRPCInferenceServiceBlockingStub hurried = start(4 << 20, Duration.ZERO);
    assertCode(
        () -> hurried.modelInfer(typed(InferenceServiceTest.payments(2, 24))),
        Status.Code.DEADLINE_EXCEEDED,
        "deadline");
  }

  @Test
  void shouldStopTakingCallsWhenClosed() throws Exception {
    GRPCInferenceServiceBlockingStub stub = start();
    assertThat(stub.serverLive(ServerLiveRequest.getDefaultInstance()).getLive()).isTrue();

    opened.get(opened.size() - 1).close(); // the server

    assertCode(
        () -> stub.serverLive(ServerLiveRequest.getDefaultInstance()), Status.Code.UNAVAILABLE, "");
  }

  static void assertCode(Runnable call, Status.Code code, String description) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(code);
              assertThat(String.valueOf(e.getStatus().getDescription())).contains(description);
            });
  }
}

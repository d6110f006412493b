package dev.scorestream.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scorestream.features.FeatureExtractor;
import dev.scorestream.features.JsonEvents;
import dev.scorestream.http.JsonScorer;
import dev.scorestream.http.ScorerHttpServer;
import dev.scorestream.model.ModelScorer;
import dev.scorestream.payments.PaymentGenerator;
import dev.scorestream.protocol.v2.GRPCInferenceServiceGrpc;
import dev.scorestream.protocol.v2.GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub;
import dev.scorestream.protocol.v2.ModelInferResponse;
import dev.scorestream.protocol.v2.ServerLiveRequest;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.security.BearerAuth;
import dev.scorestream.security.StaticTokens;
import dev.scorestream.serving.ActiveModel;
import dev.scorestream.serving.EventScorer;
import dev.scorestream.serving.PredictionBuilder;
import dev.scorestream.training.TestModels;
import dev.scorestream.validation.RecordValidator;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bearer tokens on the scoring ports, with real clients: curl against REST v1 and REST V2, a gRPC
 * channel against the gRPC server; the management port answers without one.
 */
class AuthenticatedServingTest {

  static final Schema READER = Contracts.paymentEvent();
  static final String TOKEN = "t0k3n-for-tests";

  @TempDir Path dir;
  ScorerHttpServer scoring;
  ScorerHttpServer management;
  GrpcInferenceServer grpc;
  ManagedChannel channel;

  @BeforeEach
  void start() throws IOException {
    BearerAuth auth =
        new BearerAuth(
            new StaticTokens(Files.writeString(dir.resolve("tokens"), "other\n" + TOKEN + "\n")));
    EventScorer scorer =
        new EventScorer(
            RecordValidator.forSchema(READER),
            FeatureExtractor.forSchema(READER),
            new ActiveModel(new ModelScorer(TestModels.logistic())));
    InferenceService inference = new InferenceService(READER, scorer, 1000, () -> true);
    scoring =
        ScorerHttpServer.start(
            "127.0.0.1",
            0,
            new ScorerHttpServer.Options("http", 2, 8, auth, null),
            new JsonScorer(
                new JsonEvents(READER),
                scorer,
                new PredictionBuilder(Contracts.prediction(), READER, "event_id", "event_time"),
                Clock.systemUTC()));
    new RestV2Routes(inference, "scorestream", "9.9", (protocol, outcome, rows, nanos) -> {})
        .register(scoring);
    management =
        ScorerHttpServer.start(
            "127.0.0.1",
            0,
            ScorerHttpServer.Options.MANAGEMENT,
            http ->
                http.route(
                    "/health/live",
                    Map.of(
                        "GET",
                        (method, body) ->
                            ScorerHttpServer.Response.json(
                                200,
                                new com.fasterxml.jackson.databind.ObjectMapper()
                                    .createObjectNode()
                                    .put("status", "UP")))));
    grpc = GrpcInferenceServerTest.serve(inference, auth, null);
    channel = NettyChannelBuilder.forAddress("127.0.0.1", grpc.port()).usePlaintext().build();
  }

  @AfterEach
  void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    grpc.close();
    scoring.close();
    management.close();
  }

  @Test
  void shouldAskRestClientsForABearerTokenAndScoreWithTheRightOne() throws Exception {
    String event = eventJson();
    Curl missing = curl(scoring.url() + "/v1/score", event, null);
    assertThat(missing.status()).isEqualTo(401);
    assertThat(missing.headers()).containsIgnoringCase("WWW-Authenticate: Bearer realm=");
    assertThat(missing.body()).contains("\"error\":\"UNAUTHENTICATED\"");

    Curl wrong = curl(scoring.url() + "/v1/score", event, "wrong");
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.headers()).contains("error=\"invalid_token\"");
    assertThat(wrong.body()).doesNotContain("wrong");

    Curl scored = curl(scoring.url() + "/v1/score", event, TOKEN);
    assertThat(scored.status()).isEqualTo(200);
    assertThat(scored.body()).contains("\"predicted_label\"");

    Curl v2 =
        curl(
            scoring.url() + "/v2/models/fraud/infer",
            RestV2RoutesTest.inferBody(InferenceServiceTest.payments(3, 5)).toString(),
            null);
    assertThat(v2.status()).isEqualTo(401);
    assertThat(v2.body()).startsWith("{\"error\":\"UNAUTHENTICATED: ");
    Curl inferred =
        curl(
            scoring.url() + "/v2/models/fraud/infer",
            RestV2RoutesTest.inferBody(InferenceServiceTest.payments(3, 5)).toString(),
            TOKEN);
    assertThat(inferred.status()).isEqualTo(200);
    assertThat(curl(scoring.url() + "/v2/health/ready", null, null).status()).isEqualTo(401);

    assertThat(curl(management.url() + "/health/live", null, null).status())
        .as("the management port never asks for a token")
        .isEqualTo(200);
  }

  @Test
  void shouldRefuseGrpcCallsWithoutTheTokenAsUnauthenticated() {
    GRPCInferenceServiceBlockingStub anonymous = GRPCInferenceServiceGrpc.newBlockingStub(channel);
    assertThatThrownBy(() -> anonymous.serverLive(ServerLiveRequest.getDefaultInstance()))
        .isInstanceOf(StatusRuntimeException.class)
        .extracting(e -> ((StatusRuntimeException) e).getStatus().getCode())
        .isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThatThrownBy(() -> withToken("wrong").serverLive(ServerLiveRequest.getDefaultInstance()))
        .isInstanceOf(StatusRuntimeException.class)
        .hasMessageContaining("UNAUTHENTICATED")
        .hasMessageNotContaining("wrong");

    ModelInferResponse answer =
        withToken(TOKEN)
            .modelInfer(GrpcInferenceServerTest.typed(InferenceServiceTest.payments(4, 9)));
    assertThat(answer.getOutputsCount()).isPositive();
  }

  private GRPCInferenceServiceBlockingStub withToken(String token) {
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    return GRPCInferenceServiceGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  private static String eventJson() {
    var record = new PaymentGenerator(READER, 3).next(1_764_000_000_000L).record();
    return JsonEvents.toJson(record).toString();
  }

  /** What curl saw: status, response headers, body. */
  record Curl(int status, String headers, String body) {}

  /** POSTs {@code body} as JSON (GET when null) with curl, with a bearer token when not null. */
  private Curl curl(String url, String body, String token) throws Exception {
    Path headers = dir.resolve("headers");
    Path out = dir.resolve("body");
    List<String> command =
        new ArrayList<>(
            List.of(
                "curl",
                "-s",
                "-o",
                out.toString(),
                "-D",
                headers.toString(),
                "-w",
                "%{http_code}"));
    if (body != null) {
      command.addAll(List.of("-H", "Content-Type: application/json", "--data-binary", body));
    }
    if (token != null) {
      command.addAll(List.of("-H", "Authorization: Bearer " + token));
    }
    command.add(url);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String status = new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
    return new Curl(
        Integer.parseInt(status.strip()), Files.readString(headers), Files.readString(out));
  }
}

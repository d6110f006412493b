package dev.scorestream.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scorestream.features.FeatureExtractor;
import dev.scorestream.features.JsonEvents;
import dev.scorestream.model.ModelScorer;
import dev.scorestream.payments.PaymentGenerator;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.serving.ActiveModel;
import dev.scorestream.serving.EventScorer;
import dev.scorestream.serving.PredictionBuilder;
import dev.scorestream.training.TestModels;
import dev.scorestream.validation.RecordValidator;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP contract of request bodies: JSON, UTF-8, at most 1 MiB; errors as JSON. */
class ScorerHttpServerTest {

  static final Schema READER = Contracts.paymentEvent();
  static final ObjectMapper JSON = new ObjectMapper();
  ScorerHttpServer server;
  final HttpClient client = HttpClient.newHttpClient();

  @BeforeEach
  void start() {
    JsonScorer scorer =
        new JsonScorer(
            new JsonEvents(READER),
            new EventScorer(
                RecordValidator.forSchema(READER),
                FeatureExtractor.forSchema(READER),
                new ActiveModel(new ModelScorer(TestModels.logistic()))),
            new PredictionBuilder(Contracts.prediction(), READER, "event_id", "event_time"),
            Clock.systemUTC());
    server = ScorerHttpServer.start("127.0.0.1", 0, scorer);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  String event(String eventId) {
    var record = new PaymentGenerator(READER, 3).next(1_764_000_000_000L).record();
    record.put("event_id", eventId);
    return JsonEvents.toJson(record).toString();
  }

  HttpResponse<String> post(String path, String contentType, byte[] body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(server.url() + path))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode json(HttpResponse<String> response) throws IOException {
    assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
    return JSON.readTree(response.body());
  }

  @Test
  void shouldScoreJsonInUtf8WithOrWithoutACharsetParameter() throws Exception {
    for (String type : new String[] {"application/json", "application/json; charset=UTF-8"}) {
      HttpResponse<String> response =
          post("/v1/score", type, event("e-ü-1").getBytes(StandardCharsets.UTF_8));
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      assertThat(json(response).get("event_id").asText()).isEqualTo("e-ü-1");
    }
  }

  @Test
  void shouldRefuseInvalidUtf8With400InsteadOfScoringAnotherId() throws Exception {
    byte[] body = event("e-XX-1").getBytes(StandardCharsets.UTF_8);
    String text = new String(body, StandardCharsets.ISO_8859_1);
    int at = text.indexOf("XX");
    body[at] = (byte) 0xC3; // a lead byte ...
    body[at + 1] = '-'; // ... without its continuation byte

    HttpResponse<String> response = post("/v1/score", "application/json", body);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response).get("error").asText()).isEqualTo("INVALID_UTF8");
  }

  @Test
  void shouldRefuseOtherContentTypesWith415() throws Exception {
    byte[] body = event("e-1").getBytes(StandardCharsets.UTF_8);
    for (String type :
        new String[] {
          null,
          "text/plain",
          "application/x-www-form-urlencoded",
          "application/json; charset=ISO-8859-1"
        }) {
      HttpResponse<String> response = post("/v1/score", type, body);
      assertThat(response.statusCode()).as(String.valueOf(type)).isEqualTo(415);
      assertThat(json(response).get("error").asText()).isEqualTo("UNSUPPORTED_MEDIA_TYPE");
    }
  }

  @Test
  void shouldAnswer413404And405AsJsonErrors() throws Exception {
    HttpResponse<String> large =
        post("/v1/score", "application/json", new byte[ScorerHttpServer.MAX_BODY + 1]);
    assertThat(large.statusCode()).isEqualTo(413);
    assertThat(json(large).get("error").asText()).isEqualTo("PAYLOAD_TOO_LARGE");

    HttpResponse<String> missing = post("/v1/nothing-here", "application/json", new byte[0]);
    assertThat(missing.statusCode()).isEqualTo(404);

    HttpResponse<String> wrongMethod = post("/v1/model", "application/json", new byte[] {'{', '}'});
    assertThat(wrongMethod.statusCode()).isEqualTo(405);
    assertThat(wrongMethod.headers().firstValue("Allow")).contains("GET");
    assertThat(json(wrongMethod).get("error").asText()).isEqualTo("METHOD_NOT_ALLOWED");
  }

  @Test
  void shouldServeGetsWithoutAContentType() throws Exception {
    HttpResponse<String> model =
        client.send(
            HttpRequest.newBuilder(URI.create(server.url() + "/v1/model")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(model.statusCode()).isEqualTo(200);
    assertThat(json(model).get("champion").get("version").asText()).isEqualTo("test-v1");
  }

  @Test
  void shouldRecognizeJsonMediaTypes() {
    assertThat(ScorerHttpServer.isJson("application/json")).isTrue();
    assertThat(ScorerHttpServer.isJson("Application/JSON;charset=\"utf-8\"")).isTrue();
    assertThat(ScorerHttpServer.isJson("application/vnd.api+json")).isTrue();
    assertThat(ScorerHttpServer.isJson("application/jsonp")).isFalse();
    assertThat(ScorerHttpServer.isJson("text/json")).isFalse();
    assertThat(ScorerHttpServer.isJson("application/json; charset=utf-16")).isFalse();
  }
}

package dev.scorestream.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scorestream.features.FeatureExtractor;
import dev.scorestream.features.JsonEvents;
import dev.scorestream.http.JsonScorer;
import dev.scorestream.http.ScorerHttpServer;
import dev.scorestream.model.ModelScorer;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.serving.ActiveModel;
import dev.scorestream.serving.EventScorer;
import dev.scorestream.serving.PredictionBuilder;
import dev.scorestream.training.TestModels;
import dev.scorestream.validation.RecordValidator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The REST binding on a real HTTP server: routes, JSON tensors, status codes, error bodies. */
class RestV2RoutesTest {

  static final Schema READER = Contracts.paymentEvent();
  static final ObjectMapper JSON = new ObjectMapper();

  final AtomicBoolean accepting = new AtomicBoolean(true);
  final List<String> answered = new java.util.concurrent.CopyOnWriteArrayList<>();
  final HttpClient client = HttpClient.newHttpClient();
  ScorerHttpServer http;
  String base;

  @BeforeEach
  void start() {
    EventScorer scorer =
        new EventScorer(
            RecordValidator.forSchema(READER),
            FeatureExtractor.forSchema(READER),
            new ActiveModel(new ModelScorer(TestModels.logistic())));
    http =
        ScorerHttpServer.start(
            "127.0.0.1",
            0,
            new JsonScorer(
                new JsonEvents(READER),
                scorer,
                new PredictionBuilder(Contracts.prediction(), READER, "event_id", "event_time"),
                Clock.systemUTC()));
    new RestV2Routes(
            new InferenceService(READER, scorer, 1000, accepting::get),
            "scorestream",
            "9.9",
            (protocol, outcome, rows, nanos) -> answered.add(protocol + " " + outcome + " " + rows))
        .register(http);
    base = http.url();
  }

  @AfterEach
  void stop() {
    http.close();
  }

  HttpResponse<String> get(String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create(base + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String path, String body, String contentType) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static ObjectNode inferBody(List<GenericRecord> records) {
    ObjectNode body = JSON.createObjectNode();
    body.put("id", "r-7");
    ArrayNode inputs = body.putArray("inputs");
    for (InputTensor tensor : InferenceServiceTest.columns(records)) {
      ObjectNode input = inputs.addObject();
      input.put("name", tensor.name());
      input.put("datatype", tensor.datatype());
      input.putArray("shape").add(records.size());
      ArrayNode data = input.putArray("data");
      for (Object value : tensor.values()) {
        if (value instanceof byte[] bytes) {
          data.add(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
        } else {
          data.add(JSON.valueToTree(value));
        }
      }
    }
    return body;
  }

  @Test
  void shouldAnswerHealthAndMetadata() throws Exception {
    assertThat(get("/v2/health/live").body()).isEqualTo("{\"live\":true}");
    assertThat(get("/v2/health/ready").statusCode()).isEqualTo(200);
    JsonNode server = JSON.readTree(get("/v2").body());
    assertThat(server.get("name").asText()).isEqualTo("scorestream");
    assertThat(server.get("version").asText()).isEqualTo("9.9");
    assertThat(server.get("extensions").isArray()).isTrue();

    JsonNode model = JSON.readTree(get("/v2/models/fraud/versions/test-v1").body());
    assertThat(model.get("versions").get(0).asText()).isEqualTo("test-v1");
    assertThat(model.at("/inputs/2/name").asText()).isEqualTo("amount");
    assertThat(model.at("/inputs/2/datatype").asText()).isEqualTo("FP64");
    assertThat(model.at("/outputs/1/parameters/labels").asText())
        .isEqualTo("[\"FRAUD\",\"LEGIT\"]");
    assertThat(get("/v2/models/fraud/ready").statusCode()).isEqualTo(200);
    assertThat(get("/v2/models/fraud/versions/test-v1/ready").statusCode()).isEqualTo(200);

    accepting.set(false);
    // the protocol: 200 for true, 4xx for false
    assertThat(get("/v2/health/ready").statusCode()).isEqualTo(400);
    assertThat(get("/v2/models/fraud/ready").statusCode()).isEqualTo(400);
  }

  @Test
  void shouldAnswerUnknownPathsModelsAndMethodsInTheProtocolsErrorShape() throws Exception {
    HttpResponse<String> unknownModel = get("/v2/models/churn");
    assertThat(unknownModel.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(unknownModel.body()).get("error").asText()).contains("'churn'");
    assertThat(get("/v2/models/fraud/versions/nope/ready").statusCode()).isEqualTo(404);
    assertThat(get("/v2/nothing").statusCode()).isEqualTo(404);
    assertThat(get("/v2x").statusCode()).isEqualTo(404);
    HttpResponse<String> wrongMethod = get("/v2/models/fraud/infer");
    assertThat(wrongMethod.statusCode()).isEqualTo(405);
    assertThat(JSON.readTree(wrongMethod.body()).get("error").asText()).contains("POST");
    HttpResponse<String> notJson = post("/v2/models/fraud/infer", "{}", "text/csv");
    assertThat(notJson.statusCode()).isEqualTo(415);
    assertThat(JSON.readTree(notJson.body()).get("error").isTextual()).isTrue();
    HttpResponse<String> broken = post("/v2/models/fraud/infer", "{\"inputs\": [", null);
    assertThat(broken.statusCode()).isEqualTo(400);
    assertThat(broken.body()).isEqualTo("{\"error\":\"the body is not valid JSON\"}");
  }

  @Test
  void shouldInferColumnsLikeV1ScoresEachEvent() throws Exception {
    List<GenericRecord> records = InferenceServiceTest.payments(20, 12);
    ObjectNode body = inferBody(records);

    // no Content-Type: V2 clients do not all send one
    HttpResponse<String> answer = post("/v2/models/fraud/infer", body.toString(), null);

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    JsonNode result = JSON.readTree(answer.body());
    assertThat(result.get("id").asText()).isEqualTo("r-7");
    assertThat(result.get("model_version").asText()).isEqualTo("test-v1");
    JsonNode labels = result.at("/outputs/0");
    JsonNode scores = result.at("/outputs/1");
    assertThat(labels.get("name").asText()).isEqualTo("predicted_label");
    assertThat(scores.get("shape").toString()).isEqualTo("[20,2]");
    List<String> order = List.of("FRAUD", "LEGIT");
    List<GenericRecord> copies = InferenceServiceTest.payments(20, 12);
    for (int i = 0; i < 20; i++) {
      JsonNode v1 =
          JSON.readTree(
              post("/v1/score", JsonEvents.toJson(copies.get(i)).toString(), "application/json")
                  .body());
      assertThat(labels.get("data").get(i).asText()).isEqualTo(v1.get("predicted_label").asText());
      for (int c = 0; c < 2; c++) {
        assertThat(scores.get("data").get(i * 2 + c).asDouble())
            .isCloseTo(v1.get("scores").get(order.get(c)).asDouble(), offset(1e-12));
      }
    }
    assertThat(result.at("/outputs/2/data/19").asText()).isEqualTo("test-v1");
    assertThat(answered).containsExactly("rest_v2 ok 20");
  }

  @Test
  void shouldTakeNestedDataAndNullsForNullableFields() throws Exception {
    ObjectNode body = inferBody(InferenceServiceTest.payments(2, 13));
    ObjectNode amount = (ObjectNode) body.get("inputs").get(2);
    amount.putArray("shape").add(2).add(1);
    amount
        .putArray("data")
        .add(JSON.createArrayNode().add(10.5))
        .add(JSON.createArrayNode().add(20));
    ObjectNode customer = (ObjectNode) body.get("inputs").get(1);
    ((ArrayNode) customer.get("data")).set(1, JSON.nullNode());

    HttpResponse<String> answer =
        post("/v2/models/fraud/infer", body.toString(), "application/json");

    // the null is accepted (the field is nullable), then customer_id.required names row 1
    assertThat(answer.statusCode()).isEqualTo(400);
    JsonNode error = JSON.readTree(answer.body());
    assertThat(error.get("rows")).hasSize(1);
    assertThat(error.at("/rows/0/row").asInt()).isEqualTo(1);
    assertThat(error.at("/rows/0/rules/0").asText()).isEqualTo("customer_id.required");
    assertThat(error.get("error").asText()).contains("failed as a whole");
    assertThat(answered).containsExactly("rest_v2 invalid_argument 0");
  }

  @Test
  void shouldNameTheInputAndElementOfAWronglyTypedValue() throws Exception {
    ObjectNode body = inferBody(InferenceServiceTest.payments(3, 14));
    ((ArrayNode) body.get("inputs").get(2).get("data"))
        .set(2, JSON.getNodeFactory().textNode("lots"));

    HttpResponse<String> answer =
        post("/v2/models/fraud/infer", body.toString(), "application/json");

    assertThat(answer.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(answer.body()).get("error").asText())
        .isEqualTo("input 'amount' element 2 is string \"lots\", not a FP64 value");
  }
}

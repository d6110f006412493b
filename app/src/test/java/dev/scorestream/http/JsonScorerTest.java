package dev.scorestream.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scorestream.features.FeatureExtractor;
import dev.scorestream.features.JsonEvents;
import dev.scorestream.model.ModelScorer;
import dev.scorestream.model.ScoreResult;
import dev.scorestream.payments.PaymentGenerator;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.serving.ActiveModel;
import dev.scorestream.serving.EventScorer;
import dev.scorestream.serving.PredictionBuilder;
import dev.scorestream.training.TestModels;
import dev.scorestream.validation.RecordValidator;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

class JsonScorerTest {

  static final Schema READER = Contracts.paymentEvent();
  final ModelScorer model = new ModelScorer(TestModels.logistic());
  final JsonScorer scorer =
      new JsonScorer(
          new JsonEvents(READER),
          new EventScorer(
              RecordValidator.forSchema(READER),
              FeatureExtractor.forSchema(READER),
              new ActiveModel(model)),
          new PredictionBuilder(Contracts.prediction(), READER, "event_id", "event_time"),
          Clock.fixed(Instant.parse("2026-11-26T12:00:00Z"), ZoneOffset.UTC));

  GenericRecord payment() {
    return new PaymentGenerator(READER, 17).next(1_764_000_000_000L).record();
  }

  @Test
  void shouldScoreJsonEventLikeTheModelScoresTheRecord() {
    GenericRecord event = payment();
    ScoreResult direct = model.score(FeatureExtractor.forSchema(READER).extract(event));

    JsonScorer.Answer answer = scorer.score(JsonEvents.toJson(event).toString());

    assertThat(answer.status()).as(answer.body().toString()).isEqualTo(200);
    assertThat(answer.body().get("model_version").asText()).isEqualTo("test-v1");
    assertThat(answer.body().get("event_id").asText()).isEqualTo(event.get("event_id").toString());
    assertThat(answer.body().get("predicted_label").asText()).isEqualTo(direct.label());
    direct
        .scores()
        .forEach(
            (label, score) ->
                assertThat(answer.body().get("scores").get(label).asDouble())
                    .isCloseTo(score, offset(1e-12)));
  }

  @Test
  void shouldAnswer400ForMalformedJson() {
    JsonScorer.Answer answer = scorer.score("{\"amount\": 12,");

    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.body().get("error").asText()).isEqualTo("MALFORMED_EVENT");
  }

  @Test
  void shouldAnswer400NamingFieldsOfWrongType() {
    ObjectNode json = JsonEvents.toJson(payment());
    json.put("amount", "lots");
    json.put("channel", "WALLET");

    JsonScorer.Answer answer = scorer.score(json.toString());

    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.body().get("message").asText()).contains("amount").contains("channel");
  }

  @Test
  void shouldAnswer422ListingEveryViolatedRule() {
    ObjectNode json = JsonEvents.toJson(payment());
    json.put("amount", 500_000);
    json.put("currency", "XXX");
    json.put("hour_of_day", 30);

    JsonScorer.Answer answer = scorer.score(json.toString());

    assertThat(answer.status()).isEqualTo(422);
    assertThat(answer.body().get("error").asText()).isEqualTo("RULE_VIOLATION");
    assertThat(answer.body().get("rules").toString())
        .isEqualTo("[\"amount.max\",\"currency.allowed\",\"hour_of_day.max\"]");
  }

  @Test
  void shouldAcceptNaNAsStringAndRejectItByRule() {
    ObjectNode json = JsonEvents.toJson(payment());
    json.put("amount", "NaN");

    JsonScorer.Answer answer = scorer.score(json.toString());

    assertThat(answer.status()).isEqualTo(422);
    assertThat(answer.body().get("rules").toString()).isEqualTo("[\"amount.finite\"]");
  }

  @Test
  void shouldDescribeServingModels() {
    ObjectNode info = scorer.modelInfo();

    assertThat(info.get("champion").get("version").asText()).isEqualTo("test-v1");
    assertThat(info.get("champion").get("evaluation").get("accuracy").asDouble())
        .isGreaterThan(0.8);
    assertThat(info.get("challenger").isNull()).isTrue();
  }
}

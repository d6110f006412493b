package dev.scorestream.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scorestream.enrichment.Enricher;
import dev.scorestream.features.JsonEvents;
import dev.scorestream.model.ModelMetadata;
import dev.scorestream.model.ModelScorer;
import dev.scorestream.schemas.Reason;
import dev.scorestream.serving.ActiveModel;
import dev.scorestream.serving.EventScorer;
import dev.scorestream.serving.PredictionBuilder;
import java.time.Clock;
import org.apache.avro.generic.GenericRecord;

/**
 * One JSON event in, one JSON answer out, with the HTTP status it deserves: 200 and the prediction,
 * 400 for JSON that is not an event of the reader schema, 422 for rule violations (every rule
 * listed) or no usable feature, 500 when the model fails. Thread-safe.
 */
public final class JsonScorer {

  static final ObjectMapper JSON = new ObjectMapper();

  /** An HTTP status and a JSON body. */
  public record Answer(int status, ObjectNode body) {}

  private final JsonEvents events;
  private final EventScorer scorer;
  private final PredictionBuilder predictions;
  private final Clock clock;

  public JsonScorer(
      JsonEvents events, EventScorer scorer, PredictionBuilder predictions, Clock clock) {
    this.events = events;
    this.scorer = scorer;
    this.predictions = predictions;
    this.clock = clock;
  }

  public Answer score(String json) {
    GenericRecord event;
    try {
      event = events.parse(json);
    } catch (JsonEvents.MalformedEventException e) {
      return error(400, "MALFORMED_EVENT", e.getMessage());
    }
    EventScorer.Evaluated evaluated;
    try {
      evaluated = scorer.evaluate(event);
    } catch (Enricher.UnavailableException e) {
      // Never score without the context the model expects: say why, and that it is temporary.
      return error(503, e.code(), e.getMessage());
    }
    if (evaluated instanceof EventScorer.Invalid invalid) {
      Answer answer =
          error(
              invalid.reason() == Reason.SCORING_ERROR ? 500 : 422,
              invalid.reason().name(),
              invalid.message());
      ArrayNode rules = answer.body().putArray("rules");
      invalid.rules().forEach(rules::add);
      return answer;
    }
    EventScorer.Valid valid = (EventScorer.Valid) evaluated;
    long now = clock.millis();
    GenericRecord prediction = predictions.build(predictions.answer(event, null, valid, now, now));
    return new Answer(200, JsonEvents.toJson(prediction));
  }

  /**
   * {@code GET /v1/model}: champion and challenger metadata (with evaluation) and challenger
   * agreement.
   */
  public ObjectNode modelInfo() {
    ActiveModel model = scorer.model();
    ObjectNode body = JSON.createObjectNode();
    body.set("champion", describe(model.current()));
    body.set("challenger", model.challenger().map(JsonScorer::describe).orElse(null));
    ObjectNode agreement = body.putObject("challenger_agreement");
    agreement.put("scored", model.challengerScored());
    agreement.put("agreed", model.challengerAgreed());
    agreement.put("failed", model.challengerFailed());
    return body;
  }

  private static ObjectNode describe(ModelScorer scorer) {
    ModelMetadata metadata = scorer.artifact().metadata();
    ObjectNode node = ModelJson.MAPPER.valueToTree(metadata);
    node.put(
        "directory",
        scorer.artifact().directory() == null ? null : scorer.artifact().directory().toString());
    return node;
  }

  /** An error answer: {@code {"error": code, "message": message}}. */
  public static Answer error(int status, String code, String message) {
    ObjectNode body = JSON.createObjectNode();
    body.put("error", code);
    body.put("message", message);
    return new Answer(status, body);
  }
}

package dev.scorestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scorestream.features.FeatureExtractor;
import dev.scorestream.features.JsonEvents;
import dev.scorestream.http.JsonScorer;
import dev.scorestream.model.ModelScorer;
import dev.scorestream.payments.PaymentGenerator;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.serving.ActiveModel;
import dev.scorestream.serving.EventScorer;
import dev.scorestream.serving.PredictionBuilder;
import dev.scorestream.training.TestModels;
import dev.scorestream.validation.RecordValidator;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScoreCommandTest {

  static final Schema READER = Contracts.paymentEvent();
  static final ObjectMapper JSON = new ObjectMapper();

  final JsonScorer scorer =
      new JsonScorer(
          new JsonEvents(READER),
          new EventScorer(
              RecordValidator.forSchema(READER),
              FeatureExtractor.forSchema(READER),
              new ActiveModel(new ModelScorer(TestModels.logistic()))),
          new PredictionBuilder(Contracts.prediction(), READER, "event_id", "event_time"),
          Clock.systemUTC());

  static byte[] event(String id) {
    var record = new PaymentGenerator(READER, 9).next(1_764_000_000_000L).record();
    record.put("event_id", id);
    return JsonEvents.toJson(record).toString().getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void shouldAnswerEachLineAndRefuseTheOneThatIsNotUtf8() throws Exception {
    byte[] bad = event("e-XX");
    int at = new String(bad, StandardCharsets.ISO_8859_1).indexOf("XX");
    bad[at] = (byte) 0xE2; // a three-byte sequence cut short
    bad[at + 1] = (byte) 0x82;
    ByteArrayOutputStream input = new ByteArrayOutputStream();
    input.write(event("e-1"));
    input.write('\n');
    input.write(bad);
    input.write("\r\n\n".getBytes(StandardCharsets.UTF_8));
    input.write(event("e-ü"));

    StringWriter out = new StringWriter();
    ScoreCommand.Totals totals =
        ScoreCommand.score(
            new ByteArrayInputStream(input.toByteArray()), scorer, new PrintWriter(out, true));

    List<JsonNode> answers = out.toString().lines().map(line -> read(line)).toList();
    assertThat(totals).isEqualTo(new ScoreCommand.Totals(4, 1));
    assertThat(answers).hasSize(3);
    assertThat(answers.get(0).get("event_id").asText()).isEqualTo("e-1");
    assertThat(answers.get(1).get("error").asText()).isEqualTo("INVALID_UTF8");
    assertThat(answers.get(1).get("line").asInt()).isEqualTo(2);
    assertThat(answers.get(2).get("event_id").asText()).isEqualTo("e-ü");
  }

  @Test
  void shouldTakeTheEventIdFromTheFieldItIsToldAndRefuseAFieldTheSchemaLacks(@TempDir Path dir)
      throws Exception {
    Path model = dir.resolve("model");
    TestModels.logistic().save(model);
    var record = new PaymentGenerator(READER, 3).next(1_764_000_000_000L).record();
    byte[] line = JsonEvents.toJson(record).toString().getBytes(StandardCharsets.UTF_8);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    InputStream stdin = System.in;
    int code;
    try {
      System.setIn(new ByteArrayInputStream(line));
      code =
          ScorerCli.execute(
              new String[] {
                "score", "--model", model.toString(), "--event-id-field", "customer_id"
              },
              new PrintWriter(out, true),
              new PrintWriter(err, true));
    } finally {
      System.setIn(stdin);
    }
    assertThat(code).as(err.toString()).isZero();
    assertThat(read(out.toString().strip()).get("event_id").asText())
        .isEqualTo(record.get("customer_id").toString());

    StringWriter usage = new StringWriter();
    int refused =
        ScorerCli.execute(
            new String[] {"score", "--model", model.toString(), "--event-id-field", "claim_id"},
            new PrintWriter(new StringWriter(), true),
            new PrintWriter(usage, true));
    assertThat(refused).isEqualTo(2);
    assertThat(usage.toString())
        .contains("--event-id-field")
        .contains("'claim_id'")
        .contains("Usage");
  }

  static JsonNode read(String line) {
    try {
      return JSON.readTree(line);
    } catch (java.io.IOException e) {
      throw new AssertionError(line, e);
    }
  }
}

package dev.scorestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scorestream.config.ScorerConfig;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The walkthrough in docs/bring-your-own.md, steps 2 and 3, on the files in examples/claims: a
 * schema that is not payments trains from its CSV and scores offline as the page shows.
 */
class ClaimsExampleTest {

  static final Path EXAMPLE = Path.of("..", "examples", "claims");
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void shouldTrainOnTheClaimsAndScoreThemAsTheWalkthroughShows() throws Exception {
    Path model = dir.resolve("models").resolve("v1");
    String schema = EXAMPLE.resolve("claim.avsc").toString();
    StringWriter trainOut = new StringWriter();
    StringWriter trainErr = new StringWriter();
    int trained =
        ScorerCli.execute(
            new String[] {
              "train",
              "-i",
              EXAMPLE.resolve("claims.csv").toString(),
              "--schema",
              schema,
              "--label",
              "outcome",
              "--name",
              "claims",
              "--model-version",
              "v1",
              "-o",
              model.toString()
            },
            new PrintWriter(trainOut, true),
            new PrintWriter(trainErr, true));
    assertThat(trained).as(trainErr.toString()).isZero();
    assertThat(trainOut.toString() + trainErr).contains("read 2,000 rows").contains("skipped 0");

    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    InputStream stdin = System.in;
    int scored;
    try {
      System.setIn(new ByteArrayInputStream(Files.readAllBytes(EXAMPLE.resolve("claims.jsonl"))));
      scored =
          ScorerCli.execute(
              new String[] {
                "score",
                "--model",
                model.toString(),
                "--schema",
                schema,
                "--event-id-field",
                "claim_id",
                "--event-time-field",
                "submitted_at"
              },
              new PrintWriter(out, true),
              new PrintWriter(err, true));
    } finally {
      System.setIn(stdin);
    }
    assertThat(scored).as(err.toString()).isZero();
    List<JsonNode> answers = out.toString().lines().map(ClaimsExampleTest::read).toList();
    assertThat(answers).hasSize(3);
    assertThat(answers.get(0).get("event_id").asText()).isEqualTo("c-9001");
    assertThat(answers.get(0).get("predicted_label").asText()).isEqualTo("review");
    assertThat(answers.get(0).get("event_time").asLong()).isEqualTo(1_764_100_000_000L);
    assertThat(answers.get(1).get("event_id").asText()).isEqualTo("c-9002");
    assertThat(answers.get(1).get("predicted_label").asText()).isEqualTo("approve");
    assertThat(answers.get(2).get("error").asText()).isEqualTo("RULE_VIOLATION");
    assertThat(answers.get(2).get("rules"))
        .extracting(JsonNode::asText)
        .containsExactly("amount.min", "region.allowed");
  }

  @Test
  void shouldShipAValidConfigurationForTheClaimsPipeline() {
    ScorerConfig config = ScorerConfig.load(EXAMPLE.resolve("claims.properties"), Map.of());

    assertThat(config.getString(ScorerConfig.EVENT_ID_FIELD)).isEqualTo("claim_id");
    assertThat(config.getString(ScorerConfig.TOPIC_EVENTS)).isEqualTo("claims");
  }

  static JsonNode read(String line) {
    try {
      return JSON.readTree(line);
    } catch (java.io.IOException e) {
      throw new AssertionError(line, e);
    }
  }
}

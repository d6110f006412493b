package dev.scorestream.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scorestream.codec.DecodeResult;
import dev.scorestream.codec.WireFormatDecoder;
import dev.scorestream.codec.WireFormatEncoder;
import dev.scorestream.config.ScorerConfig;
import dev.scorestream.fixtures.CliRun;
import dev.scorestream.fixtures.RunningPipeline;
import dev.scorestream.payments.LabelledCsv;
import dev.scorestream.payments.PaymentGenerator;
import dev.scorestream.registry.RegistrySettings;
import dev.scorestream.registry.SchemaRegistryClient;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.schemas.LabelledRecord;
import dev.scorestream.testkit.EmbeddedStack;
import dev.scorestream.testkit.OutputCollector;
import dev.scorestream.testkit.Python;
import dev.scorestream.testkit.RealComponents;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real lab: {@code scorer export} writes the matrix, {@code examples/notebook/train_models.py}
 * trains an XGBoost classifier and an ONNX logistic regression on it (Debian's python3-xgboost,
 * python3-sklearn, python3-onnx), {@code scorer import} builds both artifacts through the parity
 * gate, and the pipeline (broker + registry) serves the XGBoost model as champion and the ONNX one
 * as challenger. Every prediction on the predictions topic must carry the notebook's scores for its
 * event, for both models, within 1e-6. A spec with two columns swapped is refused at import.
 *
 * <p>Skipped without a python3 that imports xgboost, sklearn and onnx, unless {@code
 * SCORER_REQUIRE_PYTHON_TESTS} is set (CI sets it).
 */
@ExtendWith(RealComponents.class)
class LabModelsIT {

  static final Schema READER = Contracts.paymentEvent();
  static final Path NOTEBOOK = Path.of("..", "examples", "notebook", "train_models.py");
  static final ObjectMapper JSON = new ObjectMapper();
  static final int EVENTS = 600;

  @TempDir Path dir;

  /** The feature spec the docs and the bench use. */
  static final Path SPEC = Path.of("..", "examples", "notebook", "features.json");

  static String spec() throws IOException {
    return Files.readString(SPEC);
  }

  /** Reference scores by event id: {@code score_<label>} columns. */
  static Map<String, Map<String, Double>> reference(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file);
    String[] header = lines.get(0).split(",");
    Map<String, Map<String, Double>> byEvent = new HashMap<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = line.split(",");
      Map<String, Double> scores = new HashMap<>();
      for (int i = 0; i < header.length; i++) {
        if (header[i].startsWith("score_")) {
          scores.put(header[i].substring(6), Double.parseDouble(cells[i]));
        }
      }
      byEvent.put(cells[0], scores);
    }
    return byEvent;
  }

  @Test
  void shouldServeTheNotebooksModelsWithTheNotebooksAnswers(EmbeddedStack stack) throws Exception {
    String python = Python.orSkip("xgboost", "sklearn", "onnx");

    PaymentGenerator generator = new PaymentGenerator(READER, 21);
    List<LabelledRecord> rows = new ArrayList<>();
    for (int i = 0; i < 4000; i++) {
      rows.add(generator.next(1_764_000_000_000L + i * 1000L));
    }
    Path csv = dir.resolve("payments.csv");
    LabelledCsv.write(csv, READER, rows);
    Path spec = Files.writeString(dir.resolve("features.json"), spec());
    Path matrix = dir.resolve("matrix.csv");
    CliRun export =
        CliRun.of(
            "export",
            "--from",
            csv.toString(),
            "--features",
            spec.toString(),
            "-o",
            matrix.toString());
    assertThat(export.exit()).as(export.err()).isZero();

    Path lab = dir.resolve("lab");
    Python.run(
        python,
        Duration.ofMinutes(5),
        NOTEBOOK.toString(),
        "--data",
        matrix.toString(),
        "--out",
        lab.toString());

    Path xgb = dir.resolve("models").resolve("fraud-xgb");
    CliRun imported =
        CliRun.of(
            "import",
            "--xgboost",
            lab.resolve("xgboost.json").toString(),
            "--features",
            spec.toString(),
            "--reference",
            lab.resolve("xgboost-reference.csv").toString(),
            "--name",
            "fraud",
            "--model-version",
            "xgb-1",
            "-o",
            xgb.toString());
    assertThat(imported.exit()).as(imported.out() + imported.err()).isZero();
    assertThat(imported.out()).contains("parity: all 4,000 rows reproduce the notebook's answers");
    Path onnx = dir.resolve("challenger").resolve("fraud-lr");
    CliRun importedOnnx =
        CliRun.of(
            "import",
            "--onnx",
            lab.resolve("logistic.onnx").toString(),
            "--features",
            spec.toString(),
            "--reference",
            lab.resolve("logistic-reference.csv").toString(),
            "--name",
            "fraud",
            "--model-version",
            "lr-1",
            "-o",
            onnx.toString());
    assertThat(importedOnnx.exit()).as(importedOnnx.out() + importedOnnx.err()).isZero();

    // the same model, with amount and hour_of_day swapped in the spec
    ObjectNode swapped = (ObjectNode) JSON.readTree(spec());
    ArrayNode columns = (ArrayNode) swapped.get("columns");
    var first = columns.get(0);
    columns.set(0, columns.get(1));
    columns.set(1, first);
    Path wrong = Files.writeString(dir.resolve("swapped.json"), swapped.toString());
    CliRun refused =
        CliRun.of(
            "import",
            "--xgboost",
            lab.resolve("xgboost.json").toString(),
            "--features",
            wrong.toString(),
            "--reference",
            lab.resolve("xgboost-reference.csv").toString(),
            "--name",
            "fraud",
            "-o",
            dir.resolve("refused").toString());
    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.err())
        .contains("parity gate: refused. Line 2 of")
        .contains("the model reads the columns in the spec's order");
    assertThat(dir.resolve("refused")).doesNotExist();

    Map<String, Map<String, Double>> xgbReference = reference(lab.resolve("xgboost-reference.csv"));
    Map<String, Map<String, Double>> lrReference = reference(lab.resolve("logistic-reference.csv"));
    SchemaRegistryClient registry =
        new SchemaRegistryClient(RegistrySettings.of(stack.registry().url()));
    int schemaId = registry.register("lab-events-value", READER);
    WireFormatEncoder encoder = new WireFormatEncoder(READER, schemaId);
    try (RunningPipeline pipeline =
            RunningPipeline.start(
                stack.kafka(),
                stack.registry().url(),
                "lab-",
                dir,
                Map.of(
                    ScorerConfig.MODEL_DIR,
                    xgb.toString(),
                    ScorerConfig.CHALLENGER_DIR,
                    onnx.toString()));
        OutputCollector outputs =
            new OutputCollector(
                stack.kafka().bootstrapServers(),
                List.of(pipeline.predictions, pipeline.deadLetters))) {
      List<ProducerRecord<byte[], byte[]>> batch = new ArrayList<>();
      for (LabelledRecord row : rows.subList(0, EVENTS)) {
        String id = row.record().get("event_id").toString();
        batch.add(
            new ProducerRecord<>(
                pipeline.events,
                id.getBytes(StandardCharsets.UTF_8),
                encoder.encode(row.record())));
      }
      pipeline.produce(batch);
      assertThat(
              outputs.pollUntil(
                  () -> outputs.records().size() >= EVENTS, Duration.ofSeconds(120), r -> {}))
          .isTrue();
      WireFormatDecoder decoder = new WireFormatDecoder(Contracts.prediction(), registry);
      int compared = 0;
      for (ConsumerRecord<byte[], byte[]> record : outputs.records()) {
        assertThat(record.topic()).as("no dead letters").isEqualTo(pipeline.predictions);
        GenericRecord prediction = ((DecodeResult.Decoded) decoder.decode(record.value())).record();
        String id = prediction.get("event_id").toString();
        assertThat(prediction.get("model_version").toString()).isEqualTo("xgb-1");
        assertScores(id, prediction.get("scores"), xgbReference.get(id));
        GenericRecord challenger = (GenericRecord) prediction.get("challenger");
        assertThat(challenger.get("model_version").toString()).isEqualTo("lr-1");
        assertScores(id, challenger.get("scores"), lrReference.get(id));
        compared++;
      }
      assertThat(compared).isEqualTo(EVENTS);
    }
  }

  static void assertScores(String id, Object scores, Map<String, Double> expected) {
    assertThat(expected).as("reference row for " + id).isNotNull();
    Map<?, ?> actual = (Map<?, ?>) scores;
    Map<String, Double> byLabel = new HashMap<>();
    actual.forEach((k, v) -> byLabel.put(k.toString(), (Double) v));
    expected.forEach(
        (label, score) ->
            assertThat(byLabel.get(label)).as(id + " " + label).isCloseTo(score, offset(1e-6)));
  }
}

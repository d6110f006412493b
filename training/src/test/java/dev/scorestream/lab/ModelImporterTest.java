package dev.scorestream.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scorestream.features.FeatureExtractor;
import dev.scorestream.features.FeatureSpec;
import dev.scorestream.model.ModelArtifact;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.schemas.LabelledRecord;
import dev.scorestream.training.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.avro.Schema;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.xgboost.XGBoostClassificationTrainer;
import org.tribuo.common.xgboost.XGBoostModel;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * The parity gate without Python: an XGBoost booster trained here stands in for the notebook's
 * (column i of its matrix is named {@code c<i>}, so the booster's input i is spec column i), its
 * answers are the reference, and the import must reproduce them, or refuse.
 */
class ModelImporterTest {

  static final Schema READER = Contracts.paymentEvent();
  static final String SPEC =
      "{\"columns\": [{\"field\": \"amount\", \"missing\": 0}, {\"field\": \"hour_of_day\"},"
          + " {\"field\": \"account_age_days\"}, {\"field\": \"card_present\"},"
          + " {\"field\": \"channel\", \"one_hot\": [\"POS\", \"ECOM\", \"ATM\", \"MOTO\"]}]}";

  @TempDir static Path dir;
  static Path booster;
  static Path reference;
  static FeatureSpec spec;

  @BeforeAll
  static void notebook() throws Exception {
    spec = FeatureSpec.parse(new ObjectMapper().readTree(SPEC), READER);
    List<LabelledRecord> rows = TestModels.payments(1500, 9);
    LabelFactory factory = new LabelFactory();
    MutableDataset<Label> data =
        new MutableDataset<>(new SimpleDataSourceProvenance("notebook", factory), factory);
    for (LabelledRecord row : rows) {
      data.add(matrixRow(spec.vector(row.record()), new Label(row.label())));
    }
    XGBoostModel<Label> model =
        (XGBoostModel<Label>) new XGBoostClassificationTrainer(20).train(data);
    booster = dir.resolve("booster.json");
    model.getInnerModels().get(0).saveModel(booster.toString());

    List<String> labels = new ArrayList<>();
    model.getOutputIDInfo().forEach(pair -> labels.add(pair.getB().getLabel()));
    labels.sort(null);
    StringBuilder csv = new StringBuilder("event_id,");
    csv.append(String.join(",", spec.columnNames())).append(",label,prediction");
    // output order: the booster's class index, which is Tribuo's output id
    List<String> byIndex = new ArrayList<>(labels);
    for (int k = 0; k < byIndex.size(); k++) {
      byIndex.set(k, model.getOutputIDInfo().getOutput(k).getLabel());
    }
    byIndex.forEach(label -> csv.append(",score_").append(label));
    csv.append('\n');
    for (LabelledRecord row : rows.subList(0, 300)) {
      double[] values = spec.vector(row.record());
      Prediction<Label> answer = model.predict(matrixRow(values, LabelFactory.UNKNOWN_LABEL));
      csv.append(row.record().get("event_id"));
      for (double value : values) {
        csv.append(',').append(value);
      }
      csv.append(',').append(row.label()).append(',').append(answer.getOutput().getLabel());
      for (String label : byIndex) {
        csv.append(',').append(answer.getOutputScores().get(label).getScore());
      }
      csv.append('\n');
    }
    reference = Files.writeString(dir.resolve("reference.csv"), csv);
  }

  static ArrayExample<Label> matrixRow(double[] values, Label label) {
    ArrayExample<Label> example = new ArrayExample<>(label);
    for (int i = 0; i < values.length; i++) {
      example.add(String.format(Locale.ROOT, "c%02d", i), values[i]);
    }
    return example;
  }

  ModelArtifact importWith(FeatureSpec featureSpec) throws Exception {
    List<String> log = new ArrayList<>();
    return new ModelImporter(FeatureExtractor.forSchema(READER), Clock.systemUTC())
        .importModel(
            new ModelImporter.Request(
                ExternalModels.Kind.XGBOOST,
                booster,
                featureSpec,
                reference,
                "fraud",
                "nb-1",
                ModelImporter.DEFAULT_TOLERANCE),
            log::add);
  }

  @Test
  void shouldBuildAnArtifactThatLoadsAndAnswersLikeTheNotebook() throws Exception {
    ModelArtifact artifact = importWith(spec);
    Path saved = dir.resolve("artifact");
    artifact.save(saved);

    ModelArtifact loaded = ModelArtifact.load(saved, FeatureExtractor.forSchema(READER));

    assertThat(loaded.spec().columnNames()).isEqualTo(spec.columnNames());
    assertThat(loaded.metadata().trainer()).isEqualTo("xgboost (imported)");
    assertThat(loaded.metadata().version()).isEqualTo("nb-1");
    assertThat(loaded.smoke()).hasSize(ModelImporter.SMOKE_ROWS);
    assertThat(loaded.baseline().numeric()).containsKeys("amount", "hour_of_day");
    assertThat(loaded.baseline().numeric()).doesNotContainKey("event_time");
    assertThat(loaded.baseline().categorical()).containsKey("channel");
    assertThat(loaded.metadata().evaluation().accuracy()).isGreaterThan(0.5);
  }

  @Test
  void shouldRefuseASpecWithTwoColumnsSwappedAtTheFirstRowThatDiffers() throws Exception {
    String swapped =
        SPEC.replace(
            "{\"field\": \"hour_of_day\"}, {\"field\": \"account_age_days\"}",
            "{\"field\": \"account_age_days\"}, {\"field\": \"hour_of_day\"}");
    FeatureSpec wrong = FeatureSpec.parse(new ObjectMapper().readTree(swapped), READER);

    assertThatThrownBy(() -> importWith(wrong))
        .isInstanceOf(ModelImporter.RefusedException.class)
        .hasMessageStartingWith("parity gate: refused. Line ")
        .hasMessageContaining("but the spec's are [amount, account_age_days, hour_of_day");
  }

  @Test
  void shouldNameAColumnTheSpecMakesDifferentlyFromTheReference() throws Exception {
    List<String> lines = new ArrayList<>(Files.readAllLines(reference));
    List<String> header = List.of(lines.get(0).split(","));
    String[] cells = lines.get(3).split(",");
    // two channels at once: no event of this spec's makes that row
    cells[header.indexOf("channel=POS")] = "1.0";
    cells[header.indexOf("channel=ECOM")] = "1.0";
    lines.set(3, String.join(",", cells));
    reference = Files.write(dir.resolve("two-channels.csv"), lines);
    try {
      assertThatThrownBy(() -> importWith(spec))
          .isInstanceOf(ModelImporter.RefusedException.class)
          .hasMessageStartingWith("line 4")
          .hasMessageContaining("column 'channel=")
          .hasMessageContaining(
              "is 1.0 in the reference, but the spec makes 0.0 of the same event");
    } finally {
      reference = dir.resolve("reference.csv");
    }
  }

  @Test
  void shouldRefuseAReferenceWhoseAnswersTheModelDoesNotGive() throws Exception {
    List<String> lines = new ArrayList<>(Files.readAllLines(reference));
    String[] cells = lines.get(5).split(",");
    cells[cells.length - 1] = Double.toString(Double.parseDouble(cells[cells.length - 1]) + 0.01);
    lines.set(5, String.join(",", cells));
    Path tampered = Files.write(dir.resolve("tampered.csv"), lines);
    reference = tampered;
    try {
      assertThatThrownBy(() -> importWith(spec))
          .isInstanceOf(ModelImporter.RefusedException.class)
          .hasMessageContaining("Line 6 of " + tampered)
          .hasMessageContaining("where the notebook has");
    } finally {
      reference = dir.resolve("reference.csv");
    }
  }
}

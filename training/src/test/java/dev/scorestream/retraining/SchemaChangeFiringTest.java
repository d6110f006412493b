package dev.scorestream.retraining;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.evolution.ExtractorInputs;
import dev.scorestream.evolution.ExtractorInputs.ExtractedField;
import dev.scorestream.evolution.ExtractorInputs.Kind;
import dev.scorestream.evolution.SchemaChangeAnalysis;
import dev.scorestream.evolution.SchemaChangeRecords;
import dev.scorestream.evolution.ServingModel;
import dev.scorestream.samples.SampleSchemas;
import dev.scorestream.schemas.Contracts;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/**
 * The schema-change trigger reads the scorers' real reports: a change that leaves a feature of the
 * champion worse off fires once per subject and schema id; a change that touches only a challenger,
 * another version or nothing the model reads does not.
 */
class SchemaChangeFiringTest {

  /** The payments reader with a default for card_present, so that a writer may drop it. */
  static final Schema READER = SampleSchemas.tolerantReader();

  static ServingModel model(String version, ServingModel.Role role, String... fields) {
    List<ExtractedField> extracted =
        java.util.Arrays.stream(fields)
            .map(f -> new ExtractedField(f, f.equals("card_present") ? Kind.BOOLEAN : Kind.NUMERIC))
            .toList();
    return new ServingModel(
        "fraud", version, role, new ExtractorInputs(extracted, List.of(fields)));
  }

  static GenericRecord reported(Schema writer, List<ServingModel> models) {
    return SchemaChangeRecords.of(
        Contracts.schemaChange(),
        new SchemaChangeRecords.Detection(
            "payments-value",
            42,
            2,
            41,
            "payments",
            SchemaChangeRecords.Source.FIRST_EVENT,
            Instant.parse("2026-12-07T10:00:00Z"),
            "payments-0@17",
            "scorer-0",
            "1.0.0",
            "ab12"),
        SchemaChangeAnalysis.analyze(READER, Optional.of(READER), writer, models));
  }

  @Test
  void shouldFireOnceForAChangeThatLeavesAFeatureOfTheChampionWorseOff() {
    GenericRecord record =
        reported(
            SampleSchemas.without(READER, "card_present"),
            List.of(model("fraud-v3", ServingModel.Role.CHAMPION, "card_present", "amount")));

    List<TriggerEvaluator.Firing> firings = SchemaChangeFiring.of(record).firingFor("fraud-v3");

    assertThat(firings).hasSize(1);
    TriggerEvaluator.Firing firing = firings.get(0);
    assertThat(firing.kind()).isEqualTo(ModelEvent.CauseKind.SCHEMA_CHANGE);
    assertThat(firing.key()).isEqualTo("schema:payments-value:42");
    assertThat(firing.detail()).contains("card_present=ALWAYS_DEFAULT").doesNotContain("amount");
  }

  @Test
  void shouldNotFireForAnotherVersionOrAChallengerOnly() {
    GenericRecord record =
        reported(
            SampleSchemas.without(READER, "card_present"),
            List.of(
                model("fraud-v3", ServingModel.Role.CHAMPION, "amount"),
                model("fraud-v4", ServingModel.Role.CHALLENGER, "card_present")));
    SchemaChangeFiring change = SchemaChangeFiring.of(record);

    assertThat(change.impacts())
        .extracting(SchemaChangeFiring.Impact::affected)
        .containsExactly(false, true);
    assertThat(change.firingFor("fraud-v3")).isEmpty();
    assertThat(change.firingFor("fraud-v4")).isEmpty();
    assertThat(change.firingFor("fraud-v2")).isEmpty();
  }
}

package dev.scorestream.evolution;

import static dev.scorestream.evolution.TestSchemas.reader;
import static dev.scorestream.evolution.TestSchemas.readerWith;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.scorestream.evolution.EnrichedInputs.Derivation;
import dev.scorestream.evolution.ExtractorInputs.ExtractedField;
import dev.scorestream.evolution.ExtractorInputs.Kind;
import dev.scorestream.evolution.FeatureInput.Use;
import dev.scorestream.evolution.ServingModel.Role;
import dev.scorestream.evolution.SpecInputs.SpecColumn;
import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class ModelImpactTest {

  private static final String AMOUNT = "{'name': 'amount', 'type': 'double', 'default': 0},";
  private static final String HOUR = "{'name': 'hour_of_day', 'type': 'int'},";
  private static final String CUSTOMER =
      "{'name': 'customer_id', 'type': ['null', 'string'], 'default': null, 'feature': false}";
  private static final String SYMBOLS = "'symbols': ['POS', 'ECOM', 'ATM', 'MOTO']";

  /** As the extractor reads the reader schema; the model never saw channel MOTO in training. */
  private static final ModelInputs EXTRACTED =
      new ExtractorInputs(
          List.of(
              new ExtractedField("amount", Kind.NUMERIC),
              new ExtractedField("channel", Kind.CATEGORICAL),
              new ExtractedField("card_present", Kind.BOOLEAN),
              new ExtractedField("hour_of_day", Kind.NUMERIC)),
          List.of(
              "amount",
              "card_present",
              "channel=ATM",
              "channel=ECOM",
              "channel=POS",
              "hour_of_day"));

  private static final ServingModel FRAUD =
      new ServingModel("fraud", "v1", Role.CHAMPION, EXTRACTED);

  @Test
  void shouldFlagAFeatureWhoseFieldWasRemovedAsAlwaysItsDefault() {
    SchemaChangeReport report = analyze(Optional.of(reader()), readerWith(AMOUNT, ""), FRAUD);

    assertThat(report.models().get(0).features())
        .containsExactly(
            new FeatureImpact(
                "amount",
                "amount",
                ChangeKind.REMOVED_READER_DEFAULT,
                Consequence.ALWAYS_DEFAULT,
                Consequence.UNAFFECTED));
    assertThat(report.modelAffected()).isTrue();
    assertThat(report.severity()).isEqualTo(SchemaChangeReport.Severity.WARN);
    assertThat(report.defaultedFields()).containsExactly("amount");
  }

  @Test
  void shouldNotCallAFeatureTheOldWriterAlreadyDefaultedNews() {
    Schema previous = readerWith(AMOUNT, "");
    Schema next = readerWith(AMOUNT, "{'name': 'device_id', 'type': 'string'},");

    SchemaChangeReport report = analyze(Optional.of(previous), next, FRAUD);

    assertThat(report.models().get(0).features())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.consequence()).isEqualTo(Consequence.ALWAYS_DEFAULT);
              assertThat(f.previously()).isEqualTo(Consequence.ALWAYS_DEFAULT);
            });
    assertThat(report.modelAffected()).isFalse();
    assertThat(report.severity()).isEqualTo(SchemaChangeReport.Severity.INFO);
  }

  @Test
  void shouldReportAFeatureTheNewWriterRestoresAsNoLongerChanged() {
    SchemaChangeReport report = analyze(Optional.of(readerWith(AMOUNT, "")), reader(), FRAUD);

    assertThat(report.models().get(0).features())
        .containsExactly(
            new FeatureImpact(
                "amount", "amount", null, Consequence.UNAFFECTED, Consequence.ALWAYS_DEFAULT));
    assertThat(report.modelAffected()).isFalse();
  }

  @Test
  void shouldLoseEveryFeatureWhenNoEventDecodes() {
    SchemaChangeReport report = analyze(Optional.of(reader()), readerWith(HOUR, ""), FRAUD);

    assertThat(report.summary())
        .endsWith("; fraud v1 affected: all 6 features DEAD_LETTERED (no event decodes)")
        .contains("; 1 change since previous, 1 against reader");
    assertThat(report.compatibility().decodability()).isEqualTo(Decodability.NO_EVENTS);
    assertThat(report.models().get(0).features())
        .hasSize(6)
        .allSatisfy(
            f -> {
              assertThat(f.consequence()).isEqualTo(Consequence.DEAD_LETTERED);
              assertThat(f.cause()).isEqualTo(ChangeKind.REMOVED_NO_DEFAULT);
            });
  }

  @Test
  void shouldReencodeOnlyTheColumnOfTheSymbolNewSymbolsReadAs() {
    Schema reader = readerWith(SYMBOLS, SYMBOLS + ", 'default': 'POS'");
    Schema writer = readerWith(SYMBOLS, "'symbols': ['POS', 'ECOM', 'ATM', 'MOTO', 'WALLET']");

    SchemaChangeReport report = analyze(reader, Optional.of(reader), writer, FRAUD);

    assertThat(report.models().get(0).features())
        .extracting(f -> f.feature() + " " + f.consequence())
        .containsExactly("channel=POS VALUES_REENCODED");
  }

  @Test
  void shouldDeadLetterTheFeaturesOfAFieldWhoseNewSymbolsCannotBeRead() {
    Schema writer = readerWith(SYMBOLS, "'symbols': ['POS', 'ECOM', 'ATM', 'MOTO', 'WALLET']");

    SchemaChangeReport report = analyze(Optional.of(reader()), writer, FRAUD);

    assertThat(report.compatibility().decodability()).isEqualTo(Decodability.SOME_EVENTS);
    assertThat(report.models().get(0).features())
        .extracting(f -> f.feature() + " " + f.consequence())
        .containsExactly(
            "channel=ATM DEAD_LETTERED", "channel=ECOM DEAD_LETTERED", "channel=POS DEAD_LETTERED");
  }

  @Test
  void shouldDefaultTheColumnOfASymbolTheWriterDropped() {
    Schema writer = readerWith(SYMBOLS, "'symbols': ['POS', 'ECOM', 'MOTO']");

    SchemaChangeReport report = analyze(Optional.of(reader()), writer, FRAUD);

    assertThat(report.models().get(0).features())
        .extracting(f -> f.feature() + " " + f.consequence())
        .containsExactly("channel=ATM ALWAYS_DEFAULT");
  }

  @Test
  void shouldLeaveAFeatureReadThroughAnAliasUnaffected() {
    Schema reader = readerWith(AMOUNT, "{'name': 'amount', 'type': 'double', 'aliases': ['amt']},");
    Schema writer = readerWith(AMOUNT, "{'name': 'amt', 'type': 'double'},");

    SchemaChangeReport report = analyze(reader, Optional.of(reader), writer, FRAUD);

    assertThat(report.models().get(0).features())
        .containsExactly(
            new FeatureImpact(
                "amount",
                "amount",
                ChangeKind.RENAMED_THROUGH_ALIAS,
                Consequence.UNAFFECTED,
                Consequence.UNAFFECTED));
    assertThat(report.modelAffected()).isFalse();
  }

  @Test
  void shouldCallALossyPromotionReencoded() {
    Schema writer = readerWith(AMOUNT, "{'name': 'amount', 'type': 'long', 'default': 0},");

    assertThat(analyze(Optional.of(reader()), writer, FRAUD).models().get(0).features())
        .extracting(FeatureImpact::consequence)
        .containsExactly(Consequence.VALUES_REENCODED);
  }

  @Test
  void shouldTouchNoFeatureWhenTheChangedFieldFeedsNone() {
    Schema writer = readerWith(CUSTOMER, "{'name': 'customer_id', 'type': 'string'}");

    SchemaChangeReport report = analyze(Optional.of(reader()), writer, FRAUD);

    assertThat(report.againstReader()).isNotEmpty();
    assertThat(report.models().get(0).features()).isEmpty();
    assertThat(report.severity()).isEqualTo(SchemaChangeReport.Severity.INFO);
  }

  @Test
  void shouldTraceTheColumnsOfAFeatureSpecToTheirFields() {
    ModelInputs spec =
        new SpecInputs(
            List.of(
                new SpecColumn("amount_eur", "amount", null),
                new SpecColumn("channel=POS", "channel", "POS"),
                new SpecColumn("channel=MOTO", "channel", "MOTO"),
                new SpecColumn("hour", "hour_of_day", null)));
    ServingModel imported = new ServingModel("xgb", "v7", Role.CHAMPION, spec);
    Schema writer =
        TestSchemas.record(
            TestSchemas.READER_FIELDS
                .replace(AMOUNT, "")
                .replace(SYMBOLS, "'symbols': ['POS', 'ECOM', 'ATM']"));

    SchemaChangeReport report = analyze(Optional.of(reader()), writer, imported);

    assertThat(report.models().get(0).features())
        .extracting(f -> f.feature() + " " + f.field() + " " + f.consequence())
        .containsExactly("amount_eur amount ALWAYS_DEFAULT", "channel=MOTO channel ALWAYS_DEFAULT");
  }

  @Test
  void shouldTraceEnrichedFeaturesToTheJoinKeyAndTheAggregatedField() {
    ModelInputs enriched =
        new EnrichedInputs(
            new ExtractorInputs(
                List.of(
                    new ExtractedField("amount", Kind.NUMERIC),
                    new ExtractedField("customers_segment", Kind.CATEGORICAL),
                    new ExtractedField("customers_missing", Kind.BOOLEAN),
                    new ExtractedField("customer_sum_amount_1h", Kind.NUMERIC)),
                List.of(
                    "amount",
                    "customers_segment=retail",
                    "customers_missing",
                    "customer_sum_amount_1h")),
            List.of(
                new Derivation("customers_segment", "customer_id", Use.JOIN_KEY),
                new Derivation("customers_missing", "customer_id", Use.JOIN_KEY),
                new Derivation("customer_sum_amount_1h", "customer_id", Use.JOIN_KEY),
                new Derivation("customer_sum_amount_1h", "amount", Use.AGGREGATED)));
    ServingModel model = new ServingModel("fraud", "v2", Role.CHAMPION, enriched);

    assertThat(enriched.inputsOf("amount"))
        .extracting(FeatureInput::feature, FeatureInput::use)
        .containsExactly(
            tuple("amount", Use.VALUE), tuple("customer_sum_amount_1h", Use.AGGREGATED));
    SchemaChangeReport report =
        analyze(Optional.of(reader()), readerWith(",\n" + CUSTOMER, ""), model);

    assertThat(report.models().get(0).features())
        .extracting(f -> f.feature() + " " + f.field() + " " + f.consequence())
        .containsExactly(
            "customer_sum_amount_1h customer_id ALWAYS_DEFAULT",
            "customers_missing customer_id ALWAYS_DEFAULT",
            "customers_segment=retail customer_id ALWAYS_DEFAULT");
  }

  @Test
  void shouldReportTheChampionAndTheChallengerEachOnItsOwnFeatures() {
    ServingModel challenger =
        new ServingModel(
            "fraud",
            "v2",
            Role.CHALLENGER,
            new ExtractorInputs(
                List.of(new ExtractedField("hour_of_day", Kind.NUMERIC)), List.of("hour_of_day")));

    SchemaChangeReport report =
        analyze(Optional.of(reader()), readerWith(AMOUNT, ""), FRAUD, challenger);

    assertThat(report.models())
        .extracting(ModelImpact::role, ModelImpact::affected)
        .containsExactly(tuple(Role.CHAMPION, true), tuple(Role.CHALLENGER, false));
    assertThat(report.summary()).endsWith("; fraud v1 affected: amount ALWAYS_DEFAULT");
  }

  private static SchemaChangeReport analyze(
      Optional<Schema> previous, Schema writer, ServingModel... models) {
    return analyze(reader(), previous, writer, models);
  }

  private static SchemaChangeReport analyze(
      Schema reader, Optional<Schema> previous, Schema writer, ServingModel... models) {
    return SchemaChangeAnalysis.analyze(reader, previous, writer, List.of(models));
  }
}

package dev.scorestream.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scorestream.enrichment.EnrichmentSpec;
import dev.scorestream.evolution.Consequence;
import dev.scorestream.evolution.FeatureInput;
import dev.scorestream.evolution.FeatureInput.Use;
import dev.scorestream.evolution.ModelImpact;
import dev.scorestream.evolution.SchemaChangeAnalysis;
import dev.scorestream.evolution.SchemaChangeReport;
import dev.scorestream.evolution.ServingModel;
import dev.scorestream.evolution.ServingModel.Role;
import dev.scorestream.features.FeatureExtractor;
import dev.scorestream.features.FeatureSpec;
import dev.scorestream.model.ModelArtifact;
import dev.scorestream.model.ModelScorer;
import dev.scorestream.model.ReferenceModels;
import dev.scorestream.samples.SampleSchemas;
import dev.scorestream.schemas.Contracts;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.tribuo.VariableInfo;

/**
 * The adapter from the pipeline's real classes (a Tribuo model fed by the extractor, a feature
 * spec, an enrichment spec) to the analysis' view of a model, and the impact the analysis then
 * finds for each.
 */
class ServingModelsTest {

  /** The bundled reader with a default for card_present, so a writer may drop it. */
  static final Schema READER = SampleSchemas.tolerantReader();

  static final FeatureExtractor EXTRACTOR = FeatureExtractor.forSchema(READER);
  static final ObjectMapper JSON = new ObjectMapper();

  /** A writer without card_present: every event then carries the reader's false. */
  static final Schema WITHOUT_CARD_PRESENT = SampleSchemas.without(READER, "card_present");

  @Test
  void shouldTraceTheExtractorsOneHotFeaturesToTheirFieldAsTheModelKnowsThem() {
    ModelScorer scorer = new ModelScorer(ReferenceModels.logistic());
    ServingModel model = ServingModels.of(scorer, Role.CHAMPION, EXTRACTOR, null);
    List<String> known = new ArrayList<>();
    for (VariableInfo info : scorer.artifact().model().getFeatureIDMap()) {
      known.add(info.getName());
    }

    assertThat(model.inputs().inputsOf("channel"))
        .extracting(FeatureInput::feature)
        .isNotEmpty()
        .containsExactlyInAnyOrderElementsOf(
            known.stream().filter(name -> name.startsWith("channel=")).toList());
    assertThat(model.inputs().inputsOf("channel"))
        .allSatisfy(
            input -> {
              assertThat(input.use()).isEqualTo(Use.ONE_HOT);
              assertThat(input.feature()).isEqualTo("channel=" + input.category());
            });
    assertThat(model.inputs().inputsOf("amount"))
        .containsExactly(new FeatureInput("amount", "amount", Use.VALUE, null));
    assertThat(model.inputs().inputsOf("event_id")).as("not a feature").isEmpty();
    assertThat(model.name()).isEqualTo(scorer.name());
    assertThat(model.version()).isEqualTo(scorer.version());
  }

  @Test
  void shouldKeepTheColumnNamesOfAFeatureSpec() throws Exception {
    ServingModel model =
        ServingModels.of(new ModelScorer(withSpec(READER)), Role.CHAMPION, EXTRACTOR, null);

    assertThat(model.inputs().all())
        .extracting(FeatureInput::feature, FeatureInput::field, FeatureInput::use)
        .containsExactly(
            tuple("amount_eur", "amount", Use.VALUE),
            tuple("present", "card_present", Use.VALUE),
            tuple("channel=POS", "channel", Use.ONE_HOT),
            tuple("channel=ECOM", "channel", Use.ONE_HOT));
  }

  @Test
  void shouldFindAFieldRemovalDefaultsTheFeatureOfTheExtractorAndOfAFeatureSpec() throws Exception {
    ActiveModel active =
        new ActiveModel(
            new ModelScorer(ReferenceModels.logistic()), new ModelScorer(withSpec(READER)));

    SchemaChangeReport report =
        SchemaChangeAnalysis.analyze(
            READER,
            Optional.of(READER),
            WITHOUT_CARD_PRESENT,
            ServingModels.of(active, EXTRACTOR, null));

    assertThat(report.models())
        .extracting(ModelImpact::role)
        .containsExactly(Role.CHAMPION, Role.CHALLENGER);
    assertThat(report.models())
        .allSatisfy(impact -> assertThat(impact.affected()).isTrue())
        .flatExtracting(ModelImpact::features)
        .extracting(f -> f.feature() + " " + f.consequence())
        .containsExactly("card_present ALWAYS_DEFAULT", "present ALWAYS_DEFAULT");
  }

  @Test
  void shouldTraceEnrichedFeaturesToTheJoinKeyAndTheAggregatedField() throws Exception {
    EnrichmentSpec enrichment =
        EnrichmentSpec.parse(
            JSON.readTree(
                """
                {"references": [{"table": "customers", "key": "customer_id",
                   "fields": [{"name": "segment", "type": "string", "default": "unknown"}]}],
                 "entity": {"name": "customer", "key": "customer_id", "windows": ["1h"],
                   "features": ["count", "sum(amount)"]}}
                """),
            READER);
    Schema enriched = enrichment.enrichedSchema();
    FeatureSpec spec =
        FeatureSpec.parse(
            JSON.readTree(
                """
                {"columns": [{"field": "amount"},
                  {"field": "customers_segment", "one_hot": ["retail"]},
                  {"field": "customers_missing"},
                  {"field": "customer_count_1h"},
                  {"field": "customer_sum_amount_1h"}]}
                """),
            enriched);
    ModelArtifact artifact = withSpec(spec);
    ServingModel model =
        ServingModels.of(
            new ModelScorer(artifact),
            Role.CHAMPION,
            FeatureExtractor.forSchema(enriched),
            enrichment);

    assertThat(model.inputs().inputsOf("customer_id"))
        .extracting(FeatureInput::feature, FeatureInput::use)
        .containsExactlyInAnyOrder(
            tuple("customers_segment=retail", Use.JOIN_KEY),
            tuple("customers_missing", Use.JOIN_KEY),
            tuple("customer_count_1h", Use.JOIN_KEY),
            tuple("customer_sum_amount_1h", Use.JOIN_KEY));
    assertThat(model.inputs().inputsOf("amount"))
        .extracting(FeatureInput::feature, FeatureInput::use)
        .containsExactly(
            tuple("amount", Use.VALUE), tuple("customer_sum_amount_1h", Use.AGGREGATED));
  }

  @Test
  void shouldReportALabelsWriterWithoutTheLabelAsTheJoinLosingIt() {
    Schema labels = Contracts.labelFeedback();

    SchemaChangeReport report =
        SchemaChangeAnalysis.analyze(
            labels,
            Optional.of(labels),
            SampleSchemas.without(labels, "label"),
            List.of(ServingModels.feedback(labels)));

    assertThat(report.models().get(0).role()).isEqualTo(Role.FEEDBACK);
    assertThat(report.models().get(0).features())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.feature()).isEqualTo("label");
              assertThat(f.consequence()).isEqualTo(Consequence.ALWAYS_DEFAULT);
            });
  }

  /** The reference model with a feature spec of renamed columns attached. */
  static ModelArtifact withSpec(Schema reader) throws Exception {
    return withSpec(
        FeatureSpec.parse(
            JSON.readTree(
                """
                {"columns": [{"field": "amount", "name": "amount_eur"},
                  {"field": "card_present", "name": "present"},
                  {"field": "channel", "one_hot": ["POS", "ECOM"]}]}
                """),
            reader));
  }

  static ModelArtifact withSpec(FeatureSpec spec) {
    ModelArtifact reference = ReferenceModels.logistic();
    return new ModelArtifact(
        reference.directory(),
        reference.model(),
        reference.metadata(),
        reference.baseline(),
        reference.smoke(),
        spec);
  }
}

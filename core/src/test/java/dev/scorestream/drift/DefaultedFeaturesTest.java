package dev.scorestream.drift;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.features.FeatureExtractor;
import dev.scorestream.features.FeatureExtractor.FeatureField;
import dev.scorestream.model.BaselineProfile;
import dev.scorestream.model.ModelScorer;
import dev.scorestream.model.ReferenceModels;
import dev.scorestream.registry.SchemaNotFoundException;
import dev.scorestream.samples.SampleSchemas;
import dev.scorestream.schemas.Contracts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/**
 * A feature whose field a producer dropped arrives as the reader's default in every event: drift
 * counts it as missing and defaulted, so it reaches ALERT in the first window with enough events,
 * on the missing rate alone.
 */
class DefaultedFeaturesTest {

  /** The bundled reader with a default for card_present, so a writer may drop it. */
  static final Schema READER = SampleSchemas.tolerantReader();

  static final FeatureExtractor EXTRACTOR = FeatureExtractor.forSchema(READER);
  static final BaselineProfile BASELINE = ReferenceModels.logistic().baseline();
  static final ModelScorer SCORER = new ModelScorer(ReferenceModels.logistic());

  static final int READER_ID = 1;
  static final int WITHOUT_CARD_PRESENT_ID = 2;

  final AtomicInteger lookups = new AtomicInteger();
  final DefaultedFeatures defaulted =
      new DefaultedFeatures(
          EXTRACTOR.fields(),
          READER,
          id -> {
            lookups.incrementAndGet();
            Schema schema =
                Map.of(
                        READER_ID,
                        READER,
                        WITHOUT_CARD_PRESENT_ID,
                        SampleSchemas.without(READER, "card_present"))
                    .get(id);
            if (schema == null) {
              throw new SchemaNotFoundException(id, "unknown");
            }
            return schema;
          });

  @Test
  void shouldMarkExactlyTheFeaturesOfFieldsTheWriterLacksAndLookEachWriterUpOnce() {
    assertThat(READER.getField("card_present").hasDefaultValue()).isTrue();
    assertThat(defaulted.of(READER_ID)).as("the reader's own writer defaults nothing").isNull();

    boolean[] mask = defaulted.of(WITHOUT_CARD_PRESENT_ID);
    defaulted.of(READER_ID);
    defaulted.of(WITHOUT_CARD_PRESENT_ID);

    List<String> marked = new ArrayList<>();
    List<FeatureField> fields = EXTRACTOR.fields();
    for (int i = 0; i < fields.size(); i++) {
      if (mask[i]) {
        marked.add(fields.get(i).name());
      }
    }
    assertThat(marked).containsExactly("card_present");
    assertThat(lookups).hasValue(2);
    assertThat(defaulted.of(99)).as("an unknown writer marks nothing").isNull();
  }

  @Test
  void shouldPutAFeatureThatBecameItsDefaultInAlertInTheFirstFullWindow() {
    DriftPartial partial = DriftPartial.empty(EXTRACTOR.fields(), BASELINE);
    boolean[] mask = defaulted.of(WITHOUT_CARD_PRESENT_ID);
    for (GenericRecord event :
        DriftPartialTest.events((int) DriftThresholds.DEFAULTS.minCount(), 3)) {
      event.put("card_present", false); // what the decoder fills in
      partial.add(event, SCORER.score(EXTRACTOR.extract(event)), mask);
    }

    DriftReports.Report report =
        new DriftReports(Contracts.driftReport(), EXTRACTOR.fields(), DriftThresholds.DEFAULTS)
            .build(0, 60_000, "v1", partial, BASELINE, 0);

    FeatureDrift drift = report.summary().features().get("card_present");
    assertThat(drift.missingRate()).isEqualTo(1.0);
    assertThat(drift.psi()).as("no value observed, so nothing to compare").isZero();
    assertThat(drift.status()).isEqualTo(DriftStatus.ALERT);
    GenericRecord stats = feature(report.record(), "card_present");
    assertThat(stats.get("defaulted_rate")).isEqualTo(1.0);
    assertThat(feature(report.record(), "amount").get("defaulted_rate")).isEqualTo(0.0);
    assertThat(report.summary().features().get("amount").missingRate()).isZero();
  }

  @Test
  void shouldMergeDefaultedCountsAcrossPartials() {
    boolean[] mask = defaulted.of(WITHOUT_CARD_PRESENT_ID);
    DriftPartial one = DriftPartial.empty(EXTRACTOR.fields(), BASELINE);
    DriftPartial other = DriftPartial.empty(EXTRACTOR.fields(), BASELINE);
    List<GenericRecord> events = DriftPartialTest.events(10, 4);
    for (int i = 0; i < events.size(); i++) {
      GenericRecord event = events.get(i);
      (i < 4 ? one : other)
          .add(event, SCORER.score(EXTRACTOR.extract(event)), i % 2 == 0 ? mask : null);
    }

    one.merge(other);

    assertThat(one.numeric.get("card_present").defaulted).isEqualTo(5);
    assertThat(one.numeric.get("card_present").missing).isEqualTo(5);
    assertThat(one.numeric.get("amount").defaulted).isZero();
  }

  private static GenericRecord feature(GenericRecord report, String name) {
    for (Object feature : (List<?>) report.get("features")) {
      if (((GenericRecord) feature).get("name").toString().equals(name)) {
        return (GenericRecord) feature;
      }
    }
    throw new AssertionError("no feature " + name);
  }
}

package dev.scorestream.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scorestream.features.FeatureExtractor;
import dev.scorestream.model.BaselineProfile;
import dev.scorestream.model.ModelScorer;
import dev.scorestream.model.ReferenceModels;
import dev.scorestream.model.ScoreResult;
import dev.scorestream.payments.PaymentGenerator;
import dev.scorestream.schemas.Contracts;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

class DriftPartialTest {

  static final FeatureExtractor EXTRACTOR = FeatureExtractor.forSchema(Contracts.paymentEvent());
  static final BaselineProfile BASELINE = ReferenceModels.logistic().baseline();
  static final ModelScorer SCORER = new ModelScorer(ReferenceModels.logistic());

  static List<GenericRecord> events(int count, long seed) {
    PaymentGenerator generator = new PaymentGenerator(Contracts.paymentEvent(), seed);
    List<GenericRecord> events = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      events.add(generator.next(1_700_000_000_000L + i).record());
    }
    return events;
  }

  static DriftPartial fold(List<GenericRecord> events) {
    DriftPartial partial = DriftPartial.empty(EXTRACTOR.fields(), BASELINE);
    for (GenericRecord event : events) {
      partial.add(event, SCORER.score(EXTRACTOR.extract(event)));
    }
    return partial;
  }

  @Property(tries = 30)
  void shouldGiveTheSameStatisticsHoweverTheEventsAreSplit(
      @ForAll @IntRange(min = 1, max = 6) int parts,
      @ForAll @IntRange(min = 0, max = 1000) int seed) {
    List<GenericRecord> events = events(300, seed);
    DriftPartial whole = fold(events);
    DriftPartial merged = DriftPartial.empty(EXTRACTOR.fields(), BASELINE);
    int size = (events.size() + parts - 1) / parts;
    for (int from = 0; from < events.size(); from += size) {
      merged.merge(fold(events.subList(from, Math.min(events.size(), from + size))));
    }

    assertThat(merged.events).isEqualTo(whole.events);
    whole.numeric.forEach(
        (name, stats) -> {
          DriftPartial.NumericStats other = merged.numeric.get(name);
          assertThat(other.bins).as(name).containsExactly(stats.bins);
          assertThat(other.missing).isEqualTo(stats.missing);
          assertThat(other.moments.count).isEqualTo(stats.moments.count);
          assertThat(other.moments.mean)
              .isCloseTo(
                  stats.moments.mean, offset(1e-9 * Math.max(1, Math.abs(stats.moments.mean))));
          assertThat(other.moments.m2)
              .isCloseTo(stats.moments.m2, offset(1e-9 * Math.max(1, stats.moments.m2)));
          assertThat(other.moments.min).isEqualTo(stats.moments.min);
          assertThat(other.moments.max).isEqualTo(stats.moments.max);
        });
    whole.categorical.forEach(
        (name, stats) ->
            assertThat(merged.categorical.get(name).counts).as(name).isEqualTo(stats.counts));
    assertThat(merged.predictedLabels.counts).isEqualTo(whole.predictedLabels.counts);
  }

  @Property(tries = 50)
  void runningMomentsShouldMatchImmutableMoments(
      @ForAll @Size(min = 0, max = 40) List<@DoubleRange(min = -1e6, max = 1e6) Double> values) {
    RunningMoments running = new RunningMoments();
    Moments moments = Moments.EMPTY;
    for (double value : values) {
      running.add(value);
      moments = moments.add(value);
    }
    assertThat(running.snapshot()).isEqualTo(moments);
  }

  @Test
  void shouldSurviveAJsonRoundTripIncludingEmptyMoments() throws Exception {
    ObjectMapper json = new ObjectMapper();
    DriftPartial partial = fold(events(50, 3));
    partial.scores.put("never", new RunningMoments());

    DriftPartial back = json.readValue(json.writeValueAsBytes(partial), DriftPartial.class);

    assertThat(json.writeValueAsString(back)).isEqualTo(json.writeValueAsString(partial));
    assertThat(back.scores.get("never").min).isEqualTo(Double.POSITIVE_INFINITY);
  }

  @Test
  void shouldTakeMoreEventsAfterARestoreFromJson() throws Exception {
    ObjectMapper json = new ObjectMapper();
    List<GenericRecord> events = events(40, 9);
    DriftPartial restored =
        json.readValue(json.writeValueAsBytes(fold(events.subList(0, 25))), DriftPartial.class);
    assertThat(restored.attached()).isFalse();

    restored.attach(EXTRACTOR.fields(), BASELINE);
    for (GenericRecord event : events.subList(25, 40)) {
      restored.add(event, SCORER.score(EXTRACTOR.extract(event)));
    }

    DriftPartial whole = fold(events);
    assertThat(restored.events).isEqualTo(40);
    whole.numeric.forEach(
        (name, stats) -> assertThat(restored.numeric.get(name).bins).containsExactly(stats.bins));
    whole.categorical.forEach(
        (name, stats) -> assertThat(restored.categorical.get(name).counts).isEqualTo(stats.counts));
  }

  @Test
  void shouldCountNullAndNonFiniteNumbersAsMissing() {
    GenericRecord event = events(1, 1).get(0);
    DriftPartial partial = DriftPartial.empty(EXTRACTOR.fields(), BASELINE);
    event.put("account_age_days", null);
    partial.add(event, new ScoreResult("LEGIT", java.util.Map.of("LEGIT", 0.9, "FRAUD", 0.1)));

    assertThat(partial.numeric.get("account_age_days").missing).isEqualTo(1);
    assertThat(partial.numeric.get("amount").moments.count).isEqualTo(1);
    assertThat(partial.predictedLabels.counts).containsEntry("LEGIT", 1L);
    assertThat(partial.scores.get("FRAUD").mean).isEqualTo(0.1);
  }

  @Test
  void shouldBoundCategoriesSoOneRecordOrAHighCardinalityFieldCannotGrowAPartial() {
    List<GenericRecord> events = events(400, 5);
    for (int i = 0; i < events.size(); i++) {
      events.get(i).put("merchant_category", "m-" + i);
    }
    events.get(0).put("merchant_category", "x".repeat(1_000_000));
    DriftPartial partial = fold(events);
    DriftPartial merged = DriftPartial.empty(EXTRACTOR.fields(), BASELINE);
    merged.merge(partial);
    merged.merge(partial);

    for (DriftPartial p : List.of(partial, merged)) {
      java.util.Map<String, Long> counts = p.categorical.get("merchant_category").counts;
      assertThat(counts.size())
          .isLessThanOrEqualTo(DriftPartial.CategoricalStats.MAX_CATEGORIES + 1);
      assertThat(counts.keySet())
          .allSatisfy(
              c ->
                  assertThat(c.length())
                      .isLessThanOrEqualTo(DriftPartial.CategoricalStats.MAX_CATEGORY_CHARS));
      assertThat(counts).containsKey(DriftPartial.CategoricalStats.OTHER);
    }
    assertThat(
            partial.categorical.get("merchant_category").counts.values().stream()
                .mapToLong(Long::longValue)
                .sum())
        .as("every value is still counted")
        .isEqualTo(400);
    assertThat(
            merged.categorical.get("merchant_category").counts.values().stream()
                .mapToLong(Long::longValue)
                .sum())
        .isEqualTo(800);
  }
}

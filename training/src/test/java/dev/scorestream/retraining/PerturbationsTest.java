package dev.scorestream.retraining;

import static dev.scorestream.retraining.PerturbationFixtures.BASELINE;
import static dev.scorestream.retraining.PerturbationFixtures.VISIT;
import static dev.scorestream.retraining.PerturbationFixtures.differing;
import static dev.scorestream.retraining.PerturbationFixtures.policy;
import static dev.scorestream.retraining.PerturbationFixtures.visits;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scorestream.model.ReferenceModels;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.schemas.LabelledRecord;
import dev.scorestream.training.TestModels;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

class PerturbationsTest {

  static Perturbations only(PerturbationKind kind, String extra) {
    StringBuilder kinds = new StringBuilder("{\"share\": 0.5, \"seed\": 3, \"kinds\": {");
    for (PerturbationKind each : PerturbationKind.values()) {
      if (each != PerturbationKind.MISSING) {
        kinds.append(", ");
      }
      kinds.append('"').append(each.code()).append("\": {\"weight\": ");
      kinds.append(each == kind ? "1" + extra : "0").append('}');
    }
    return new Perturbations(policy(kinds.append("}}").toString()), VISIT, BASELINE);
  }

  @Test
  void shouldTakeEveryEligibleFeatureOfEachKind() {
    Perturbations perturbations = new Perturbations(policy("{}"), VISIT, BASELINE);

    assertThat(perturbations.eligibleFields())
        .containsExactly(
            Map.entry(PerturbationKind.MISSING, List.of("referrer", "pages")),
            Map.entry(PerturbationKind.NUMBERS, List.of("pages", "duration")),
            Map.entry(PerturbationKind.UNSEEN_CATEGORIES, List.of("referrer", "country")),
            Map.entry(PerturbationKind.MESSY_STRINGS, List.of("referrer", "plan", "country")));
  }

  @Test
  void shouldLeaveOutADefaultKindWithoutEligibleFieldsOfTheSampleSchema() {
    Perturbations perturbations =
        new Perturbations(policy("{}"), Contracts.paymentEvent(), TestModels.logistic().baseline());

    assertThat(perturbations.eligibleFields())
        .as("PaymentEvent has no optional feature: nothing can go missing")
        .containsExactly(
            Map.entry(
                PerturbationKind.NUMBERS, List.of("amount", "hour_of_day", "account_age_days")),
            Map.entry(PerturbationKind.UNSEEN_CATEGORIES, List.of("country")),
            Map.entry(
                PerturbationKind.MESSY_STRINGS,
                List.of("currency", "country", "merchant_category")));
    assertThatThrownBy(
            () ->
                new Perturbations(
                    policy("{\"kinds\": {\"missing\": {\"weight\": 1}}}"),
                    Contracts.paymentEvent(),
                    null))
        .hasMessage(
            "policy.json: perturb.kinds.missing: no field of PaymentEvent is eligible (it must not"
                + " be required, and be nullable or have a default); set its weight to 0");
  }

  @Test
  void shouldRefuseAnExplicitFieldItCannotPerturb() {
    assertThatThrownBy(
            () ->
                new Perturbations(
                    policy("{\"kinds\": {\"missing\": {\"fields\": [\"duration\"]}}}"),
                    VISIT,
                    BASELINE))
        .hasMessage(
            "policy.json: perturb.kinds.missing.fields: 'duration' is not eligible: it must not be"
                + " required, and be nullable or have a default");
    assertThatThrownBy(
            () ->
                new Perturbations(
                    policy("{\"kinds\": {\"unseenCategories\": {\"fields\": [\"plan\"]}}}"),
                    VISIT,
                    BASELINE))
        .hasMessageEndingWith(
            "'plan' is not eligible: it must be a string without an allowed rule");
    assertThatThrownBy(
            () ->
                new Perturbations(
                    policy("{\"kinds\": {\"numbers\": {\"fields\": [\"zip\"]}}}"), VISIT, BASELINE))
        .hasMessage("policy.json: perturb.kinds.numbers.fields: 'zip' is not a field of Visit");
  }

  @Test
  void shouldTakeAnExplicitFieldThatIsNotAFeature() {
    Perturbations perturbations =
        new Perturbations(
            policy("{\"kinds\": {\"unseenCategories\": {\"fields\": [\"event_id\"]}}}"),
            VISIT,
            BASELINE);

    assertThat(perturbations.eligibleFields().get(PerturbationKind.UNSEEN_CATEGORIES))
        .as("\"*\" leaves event_id out; naming it takes it")
        .containsExactly("event_id");
  }

  @Test
  void shouldPerturbTheDeclaredShareOfRowsAndReportEachChange() {
    List<LabelledRecord> rows = visits(1000, 1);
    Perturbations perturbations =
        new Perturbations(policy("{\"share\": 0.1, \"seed\": 5}"), VISIT, BASELINE);

    Perturbations.Result result = perturbations.perturb(rows);

    assertThat(result.perturbed() + result.keptClean()).isEqualTo(100);
    assertThat(result.perturbed()).isGreaterThan(90);
    assertThat(result.rows()).hasSize(1000);
    assertThat(result.perturbedByKind().values().stream().mapToLong(Long::longValue).sum())
        .isEqualTo(result.perturbed());
    assertThat(result.perturbedByKind())
        .containsOnlyKeys("missing", "numbers", "unseenCategories", "messyStrings")
        .allSatisfy((kind, count) -> assertThat(count).isPositive());
    assertThat(perturbations.perturb(rows)).as("a seed reproduces it").isEqualTo(result);
    assertThat(result.rows().get(result.changes().get(0).index()).label())
        .isEqualTo(rows.get(result.changes().get(0).index()).label());
  }

  @Test
  void shouldNeverChangeTheRowsItIsGiven() {
    List<LabelledRecord> rows = visits(200, 2);
    List<GenericRecord> before =
        rows.stream().map(r -> GenericData.get().deepCopy(VISIT, r.record())).toList();

    new Perturbations(policy("{\"share\": 0.5}"), VISIT, BASELINE).perturbAll(rows, 9);

    for (int i = 0; i < rows.size(); i++) {
      assertThat(rows.get(i).record()).isEqualTo(before.get(i));
    }
  }

  @Test
  void shouldMakeAnOptionalFieldMissingAsAnOlderWriterWould() {
    List<LabelledRecord> rows = visits(400, 3);

    Perturbations.Result result = only(PerturbationKind.MISSING, "").perturb(rows);

    assertThat(result.changes()).isNotEmpty();
    for (Perturbations.Change change : result.changes()) {
      GenericRecord after = result.rows().get(change.index()).record();
      assertThat(differing(rows.get(change.index()).record(), after))
          .containsExactly(change.field());
      assertThat(after.get(change.field()))
          .as("null for the nullable referrer, the default 1 for pages")
          .isEqualTo(change.field().equals("referrer") ? null : 1);
    }
    assertThat(result.changes())
        .extracting(Perturbations.Change::field)
        .contains("referrer", "pages");
  }

  @Test
  void shouldScaleNumbersWithinTheDeclaredBounds() {
    List<LabelledRecord> rows = visits(400, 4);
    Perturbations numbers =
        only(
            PerturbationKind.NUMBERS,
            ", \"fields\": [\"duration\"], \"scale\": [0.5, 3], \"jitter\": 0");

    Perturbations.Result result = numbers.perturb(rows);

    assertThat(result.perturbed()).isEqualTo(200);
    for (Perturbations.Change change : result.changes()) {
      double before = (double) rows.get(change.index()).record().get("duration");
      double after = (double) result.rows().get(change.index()).record().get("duration");
      if (before > 0) {
        assertThat(after / before).isBetween(0.5 - 1e-12, 3.0);
      }
    }
    double[] logs =
        result.changes().stream()
            .filter(c -> (double) rows.get(c.index()).record().get("duration") > 0)
            .mapToDouble(
                c ->
                    Math.log(
                        (double) result.rows().get(c.index()).record().get("duration")
                            / (double) rows.get(c.index()).record().get("duration")))
            .toArray();
    assertThat(Arrays.stream(logs).min().orElseThrow()).isLessThan(Math.log(0.6));
    assertThat(Arrays.stream(logs).max().orElseThrow()).isGreaterThan(Math.log(2.5));
  }

  @Test
  void shouldDrawCategoriesTheChampionNeverSawWithinTheLengthRules() {
    List<LabelledRecord> rows = visits(300, 5);

    Perturbations.Result result =
        only(PerturbationKind.UNSEEN_CATEGORIES, ", \"fields\": [\"country\"]").perturb(rows);

    assertThat(result.perturbed()).isEqualTo(150);
    for (Perturbations.Change change : result.changes()) {
      String country = result.rows().get(change.index()).record().get("country").toString();
      assertThat(country).matches("[A-Z]{2}").isNotIn(PerturbationFixtures.COUNTRIES);
    }
  }

  @Test
  void shouldPadAndFlipStringsThatSanitationRestores() {
    List<LabelledRecord> rows = visits(300, 6);

    // Not the referrer: a null one has nothing to mess up, and a row can draw it four times.
    Perturbations.Result result =
        only(PerturbationKind.MESSY_STRINGS, ", \"fields\": [\"plan\", \"country\"]").perturb(rows);

    assertThat(result.perturbed()).isEqualTo(150);
    assertThat(result.changes())
        .extracting(Perturbations.Change::field)
        .contains("plan", "country");
    for (Perturbations.Change change : result.changes()) {
      assertThat(result.rows().get(change.index()).record())
          .as("the stream's sanitation undoes the mess: no feature changes")
          .isEqualTo(rows.get(change.index()).record());
      String clean = rows.get(change.index()).record().get(change.field()).toString();
      assertThat(change.drawn())
          .as("what was drawn is messy, and sanitizes back")
          .isNotEqualTo(clean)
          .matches(drawn -> drawn.strip().equalsIgnoreCase(clean));
    }
  }

  @Test
  void shouldKeepARowCleanWhenEveryDrawBreaksARule() {
    Schema pinned =
        new Schema.Parser()
            .parse(
                """
                {"type": "record", "name": "Pinned", "fields": [
                  {"name": "ratio", "type": "double", "rules": {"min": 1, "max": 1}}]}
                """);
    List<LabelledRecord> rows =
        IntStream.range(0, 10)
            .mapToObj(
                i -> {
                  GenericRecord record = new GenericData.Record(pinned);
                  record.put("ratio", 1.0);
                  return new LabelledRecord(record, "X");
                })
            .toList();
    Perturbations perturbations = new Perturbations(policy("{\"share\": 0.5}"), pinned, null);

    Perturbations.Result result = perturbations.perturb(rows);

    assertThat(result.perturbed()).isZero();
    assertThat(result.keptClean()).isEqualTo(5);
    assertThat(result.rows()).isEqualTo(rows);
  }

  @Test
  void shouldPerturbEveryRowForTheRobustnessCopy() {
    List<LabelledRecord> rows = ReferenceModels.payments(300, 8);
    Perturbations perturbations =
        new Perturbations(
            policy("{\"kinds\": {\"messyStrings\": {\"weight\": 0}}}"),
            Contracts.paymentEvent(),
            TestModels.logistic().baseline());

    Perturbations.Result all = perturbations.perturbAll(rows, 8);

    assertThat(all.perturbed() + all.keptClean()).isEqualTo(300);
    assertThat(all.perturbed()).isGreaterThan(250);
    long changedRows =
        IntStream.range(0, 300)
            .filter(i -> !differing(rows.get(i).record(), all.rows().get(i).record()).isEmpty())
            .count();
    assertThat(changedRows).isGreaterThan(200);
    assertThat(perturbations.perturbAll(rows, 9)).isNotEqualTo(all);
  }
}

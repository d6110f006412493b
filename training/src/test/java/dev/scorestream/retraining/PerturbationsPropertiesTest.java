package dev.scorestream.retraining;

import static dev.scorestream.retraining.PerturbationFixtures.BASELINE;
import static dev.scorestream.retraining.PerturbationFixtures.VISIT;
import static dev.scorestream.retraining.PerturbationFixtures.differing;
import static dev.scorestream.retraining.PerturbationFixtures.policy;
import static dev.scorestream.retraining.PerturbationFixtures.visits;
import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.schemas.LabelledRecord;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/** Perturbations change only what their kind declares, in exactly the declared share of rows. */
class PerturbationsPropertiesTest {

  @Property(tries = 200)
  void shouldChangeOnlyDeclaredFieldsInExactlyTheShareOfRows(
      @ForAll @IntRange(min = 0, max = 300) int count,
      @ForAll @DoubleRange(min = 0, max = 0.5) double share,
      @ForAll long seed,
      @ForAll @IntRange(min = 0, max = 3) int missing,
      @ForAll @IntRange(min = 0, max = 3) int numbers,
      @ForAll @IntRange(min = 0, max = 3) int unseen) {
    List<LabelledRecord> rows = visits(count, seed);
    String perturb =
        String.format(
            Locale.ROOT,
            "{\"share\": %s, \"seed\": %d, \"kinds\": {\"missing\": {\"weight\": %d},"
                + " \"numbers\": {\"weight\": %d}, \"unseenCategories\": {\"weight\": %d},"
                + " \"messyStrings\": {\"weight\": 1}}}",
            share,
            seed,
            missing,
            numbers,
            unseen);
    Perturbations perturbations = new Perturbations(policy(perturb), VISIT, BASELINE);

    Perturbations.Result result = perturbations.perturb(rows);

    assertThat(result.perturbed() + result.keptClean())
        .as("exactly round(share * n) rows chosen")
        .isEqualTo(Math.round(share * count));
    Set<Integer> changed = new HashSet<>();
    for (Perturbations.Change change : result.changes()) {
      assertThat(changed.add(change.index())).as("one change per row").isTrue();
      assertThat(perturbations.eligibleFields().get(change.kind())).contains(change.field());
      assertThat(
              differing(
                  rows.get(change.index()).record(), result.rows().get(change.index()).record()))
          .isSubsetOf(change.field());
    }
    for (int i = 0; i < count; i++) {
      if (!changed.contains(i)) {
        assertThat(result.rows().get(i)).isSameAs(rows.get(i));
      }
    }
    assertThat(result.changes())
        .allMatch(c -> c.kind() != PerturbationKind.MISSING || missing > 0)
        .allMatch(c -> c.kind() != PerturbationKind.NUMBERS || numbers > 0)
        .allMatch(c -> c.kind() != PerturbationKind.UNSEEN_CATEGORIES || unseen > 0);
    assertThat(perturbations.perturb(rows)).as("the seed reproduces it").isEqualTo(result);
  }
}

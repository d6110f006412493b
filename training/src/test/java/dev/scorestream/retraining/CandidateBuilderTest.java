package dev.scorestream.retraining;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scorestream.features.FeatureExtractor;
import dev.scorestream.schemas.LabelledRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rows digest a TRAINED record carries: a rebuild must match it, so its lines are part of the
 * audit record's contract.
 */
class CandidateBuilderTest {

  static String sha256(String text) throws NoSuchAlgorithmException {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  static TimedRow row(String id, String label, long time, int partition, long offset) {
    return new TimedRow(id, new LabelledRecord(null, label), time, partition, offset);
  }

  @Test
  void shouldDigestTheRowsInOrderAsTabSeparatedIdLabelAndTimeLines() throws Exception {
    TimedRow first = row("e-1", "FRAUD", 1000L, 0, 7);
    TimedRow second = row("e-2", "LEGIT", 2000L, -1, 3);

    assertThat(CandidateBuilder.digest(List.of(first, second)))
        .isEqualTo(sha256("e-1\tFRAUD\t1000\ne-2\tLEGIT\t2000\n"));
    assertThat(CandidateBuilder.digest(List.of()))
        .as("no rows: the digest of nothing")
        .isEqualTo(sha256(""));
  }

  @Test
  void shouldTellRowsApartByOrderLabelAndTimeButNotByWhereTheyWereRead() {
    TimedRow first = row("e-1", "FRAUD", 1000L, 0, 7);
    TimedRow second = row("e-2", "LEGIT", 2000L, 0, 8);
    String digest = CandidateBuilder.digest(List.of(first, second));

    assertThat(CandidateBuilder.digest(List.of(second, first))).isNotEqualTo(digest);
    assertThat(CandidateBuilder.digest(List.of(first, row("e-2", "FRAUD", 2000L, 0, 8))))
        .isNotEqualTo(digest);
    assertThat(CandidateBuilder.digest(List.of(first, row("e-2", "LEGIT", 2001L, 0, 8))))
        .isNotEqualTo(digest);
    assertThat(CandidateBuilder.digest(List.of(first, row("e-2", "LEGIT", 2000L, 3, 99))))
        .as("the same rows read from elsewhere")
        .isEqualTo(digest);
  }

  @Test
  void shouldRefuseAPerturbationFieldTheReaderCannotTakeWhenMadeNotAtTheFirstTraining(
      @TempDir Path dir) {
    assertThatThrownBy(
            () ->
                new CandidateBuilder(
                    PerturbationFixtures.policy(
                        "{\"kinds\": {\"missing\": {\"fields\": [\"duration\"]}}}"),
                    FeatureExtractor.forSchema(PerturbationFixtures.VISIT),
                    PerturbationFixtures.VISIT,
                    new Publisher(dir.resolve("models"), dir.resolve("challengers")),
                    Clock.systemUTC()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("perturb.kinds.missing.fields: 'duration' is not eligible");
  }
}

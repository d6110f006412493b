package dev.scorestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.fixtures.CliRun;
import dev.scorestream.schemas.Contracts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scorer sample csv} writes what {@code scorer train} and the notebook flow's {@code scorer
 * export} read as it is; bad arguments are usage errors.
 */
class SampleCommandTest {

  @TempDir Path dir;

  @Test
  void shouldWriteACsvThatTrainAndExportReadAsItIs() throws Exception {
    Path csv = dir.resolve("payments.csv");

    CliRun sample =
        CliRun.of("sample", "csv", "--out", csv.toString(), "--rows", "3000", "--seed", "7");

    assertThat(sample.exit()).as(sample.err()).isZero();
    assertThat(sample.out()).contains("wrote 3,000 labelled payments to " + csv);
    List<String> lines = Files.readAllLines(csv);
    String header =
        String.join(
                ",", Contracts.paymentEvent().getFields().stream().map(Schema.Field::name).toList())
            + ",label";
    assertThat(lines).hasSize(3001).first().isEqualTo(header);
    assertThat(lines.subList(1, lines.size()))
        .allMatch(line -> line.endsWith(",FRAUD") || line.endsWith(",LEGIT"))
        .anyMatch(line -> line.endsWith(",FRAUD"));

    Path model = dir.resolve("model");
    CliRun train = CliRun.of("train", "--input", csv.toString(), "--out", model.toString());

    assertThat(train.exit()).as(train.out() + train.err()).isZero();
    assertThat(train.out())
        .contains("read 3,000 rows from " + csv + ", skipped 0")
        .contains("wrote model fraud");

    Path features = Path.of("../examples/notebook/features.json");
    Path matrix = dir.resolve("matrix.csv");
    CliRun export =
        CliRun.of(
            "export",
            "--from",
            csv.toString(),
            "--features",
            features.toString(),
            "--out",
            matrix.toString());

    assertThat(export.exit()).as(export.out() + export.err()).isZero();
    assertThat(Files.readAllLines(matrix)).hasSize(3001);
  }

  @Test
  void shouldPrintUsageAndExit2OnBadArguments() throws Exception {
    Path existing = Files.writeString(dir.resolve("taken.csv"), "x\n");

    CliRun noRows = CliRun.of("sample", "csv", "--out", dir.resolve("a.csv").toString());
    CliRun zeroRows =
        CliRun.of("sample", "csv", "--out", dir.resolve("a.csv").toString(), "--rows", "0");
    CliRun notCsv =
        CliRun.of("sample", "csv", "--out", dir.resolve("a.txt").toString(), "--rows", "5");
    CliRun taken = CliRun.of("sample", "csv", "--out", existing.toString(), "--rows", "5");
    CliRun noBroker =
        CliRun.of("sample", "produce", "--topic", "events", "--events", "5", "--rate", "10");
    CliRun badFraction =
        CliRun.of(
            "sample",
            "produce",
            "--topic",
            "events",
            "--events",
            "5",
            "--rate",
            "10",
            "--malformed-fraction",
            "1.5",
            "--bootstrap-server",
            "127.0.0.1:1",
            "--registry",
            "http://127.0.0.1:1");

    assertThat(List.of(noRows, zeroRows, notCsv, taken, noBroker, badFraction))
        .allSatisfy(run -> assertThat(run.exit()).as(run.err()).isEqualTo(2))
        .allSatisfy(run -> assertThat(run.err()).contains("Usage:"));
    assertThat(noRows.err()).contains("Missing required option: '--rows=N'");
    assertThat(zeroRows.err()).contains("--rows must be at least 1, got 0");
    assertThat(notCsv.err()).contains("the file name must end with .csv");
    assertThat(taken.err()).contains("already exists");
    assertThat(noBroker.err()).contains("--bootstrap-server");
    assertThat(badFraction.err()).contains("--malformed-fraction must be between 0 and 1, got 1.5");
    assertThat(Files.exists(dir.resolve("a.csv"))).isFalse();
  }
}

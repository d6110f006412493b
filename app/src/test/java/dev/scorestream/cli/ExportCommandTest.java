package dev.scorestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scorestream.features.FeatureSpec;
import dev.scorestream.fixtures.CliRun;
import dev.scorestream.payments.LabelledCsv;
import dev.scorestream.payments.PaymentGenerator;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.schemas.LabelledRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportCommandTest {

  static final Schema READER = Contracts.paymentEvent();
  static final String SPEC =
      "{\"columns\": [{\"field\": \"amount\"}, {\"field\": \"hour_of_day\", \"missing\": -1},"
          + " {\"field\": \"card_present\"},"
          + " {\"field\": \"channel\", \"one_hot\": [\"POS\", \"ECOM\", \"ATM\", \"MOTO\"]}]}";

  @TempDir Path dir;

  /** Labelled payments as the CSV train and export read, one of them breaking a rule. */
  List<LabelledRecord> writeCsv(Path file, int count) throws Exception {
    PaymentGenerator generator = new PaymentGenerator(READER, 3);
    List<LabelledRecord> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      rows.add(generator.next(1_764_000_000_000L + i));
    }
    LabelledCsv.write(
        file, READER, rows, "bad-1,C1,250000.0,EUR,DE,grocery,POS,true,3,10,1764000000000,LEGIT");
    return rows;
  }

  /**
   * With the pipeline's enrichment spec, the records read (as the stream's training examples carry
   * them) have the reference tables' fields, and a feature spec may make columns of them.
   */
  @Test
  void shouldExportColumnsOfTheEnrichedFieldsWithTheEnrichmentSpec() throws Exception {
    Path enrichment =
        Files.writeString(
            dir.resolve("enrichment.json"),
            "{\"references\": [{\"table\": \"customers\", \"key\": \"customer_id\","
                + " \"fields\": [{\"name\": \"segment\", \"type\": \"string\","
                + " \"default\": \"unknown\"}]}]}");
    Path csv = dir.resolve("enriched.csv");
    Files.writeString(
        csv,
        String.join(
            "\n",
            "event_id,customer_id,amount,currency,country,merchant_category,channel,card_present,"
                + "hour_of_day,account_age_days,event_time,customers_segment,customers_missing,label",
            "e1,C1,10.0,EUR,DE,grocery,POS,true,3,10,1764000000000,risky,false,FRAUD",
            "e2,C2,20.0,EUR,DE,grocery,POS,true,3,10,1764000000000,unknown,true,LEGIT",
            ""));
    Path spec =
        Files.writeString(
            dir.resolve("features.json"),
            "{\"columns\": [{\"field\": \"amount\"}, {\"field\": \"customers_missing\"},"
                + " {\"field\": \"customers_segment\", \"one_hot\": [\"risky\", \"standard\"]}]}");
    Path out = dir.resolve("matrix.csv");

    CliRun refused =
        CliRun.of(
            "export",
            "--from",
            csv.toString(),
            "--features",
            spec.toString(),
            "-o",
            out.toString());
    CliRun run =
        CliRun.of(
            "export",
            "--from",
            csv.toString(),
            "--features",
            spec.toString(),
            "--enrichment",
            enrichment.toString(),
            "-o",
            out.toString());

    assertThat(refused.exit())
        .as("without it, the spec names a field the reader lacks")
        .isNotZero();
    assertThat(refused.err()).contains("customers_missing");
    assertThat(run.exit()).as(run.out() + run.err()).isZero();
    assertThat(Files.readAllLines(out))
        .containsExactly(
            "event_id,amount,customers_missing,customers_segment=risky,customers_segment=standard,"
                + "label",
            "e1,10.0,0.0,1.0,0.0,FRAUD",
            "e2,20.0,1.0,0.0,0.0,LEGIT");
  }

  @Test
  void shouldWriteTheMatrixTheSpecMakesOfEveryValidRow() throws Exception {
    Path csv = dir.resolve("payments.csv");
    List<LabelledRecord> rows = writeCsv(csv, 50);
    Path spec = dir.resolve("features.json");
    Files.writeString(spec, SPEC);
    Path out = dir.resolve("matrix.csv");

    CliRun run =
        CliRun.of(
            "export",
            "--from",
            csv.toString(),
            "--features",
            spec.toString(),
            "-o",
            out.toString());

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("read 50 rows from " + csv + ", skipped 1 {amount.max=1}")
        .contains("wrote 50 rows x 7 columns");
    List<String> lines = Files.readAllLines(out);
    assertThat(lines.get(0))
        .isEqualTo(
            "event_id,amount,hour_of_day,card_present,channel=POS,channel=ECOM,channel=ATM,"
                + "channel=MOTO,label");
    assertThat(lines).hasSize(51);
    FeatureSpec featureSpec = FeatureSpec.parse(new ObjectMapper().readTree(SPEC), READER);
    for (int i = 0; i < 50; i++) {
      String[] cells = lines.get(i + 1).split(",");
      GenericRecord record = rows.get(i).record();
      assertThat(cells[0]).isEqualTo(record.get("event_id").toString());
      double[] expected = featureSpec.vector(record);
      for (int c = 0; c < expected.length; c++) {
        assertThat(Double.parseDouble(cells[c + 1])).isEqualTo(expected[c]);
      }
      assertThat(cells[cells.length - 1]).isEqualTo(rows.get(i).label());
    }
  }

  @Test
  void shouldRefuseABadSpecNamingTheColumnAndPrintUsage() throws Exception {
    Path csv = dir.resolve("payments.csv");
    writeCsv(csv, 3);
    Path spec = dir.resolve("features.json");
    Files.writeString(spec, "{\"columns\": [{\"field\": \"amount\"}, {\"field\": \"colour\"}]}");

    CliRun run =
        CliRun.of(
            "export",
            "-i",
            csv.toString(),
            "--features",
            spec.toString(),
            "-o",
            dir.resolve("m.csv").toString());

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err())
        .contains("feature spec " + spec + ": column 2: the reader schema")
        .contains("has no field 'colour'")
        .contains("Usage:");
    assertThat(dir.resolve("m.csv")).doesNotExist();
  }

  @Test
  void shouldNeedExactlyOneSource() {
    CliRun run = CliRun.of("export", "--features", "f.json", "-o", dir.resolve("m.csv").toString());

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("give exactly one of --input FILE... or --from-topic TOPIC");
  }
}

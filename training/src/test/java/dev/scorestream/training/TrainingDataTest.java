package dev.scorestream.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scorestream.schemas.Contracts;
import dev.scorestream.schemas.LabelledRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingDataTest {

  static final Schema READER = Contracts.paymentEvent();

  @TempDir Path dir;

  @Test
  void shouldReadCsvOntoReaderSchema() throws IOException {
    List<LabelledRecord> rows = TestModels.payments(300, 4);
    Path csv = TrainingFiles.writeCsv(dir.resolve("train.csv"), rows);

    TrainingData.Loaded loaded = new TrainingData(READER, "label").read(csv);

    assertThat(loaded.skipped()).isZero();
    assertThat(loaded.rows()).hasSize(300);
    assertThat(loaded.rows().get(0).label()).isEqualTo(rows.get(0).label());
    assertThat(loaded.rows().get(0).record().get("amount"))
        .isEqualTo(rows.get(0).record().get("amount"));
    assertThat(loaded.rows().get(0).record().get("channel").toString())
        .isEqualTo(rows.get(0).record().get("channel").toString());
  }

  @Test
  void shouldReadAvroContainerFile() throws IOException {
    List<LabelledRecord> rows = TestModels.payments(300, 4);
    Path avro = TrainingFiles.writeAvro(dir.resolve("train.avro"), rows);

    TrainingData.Loaded loaded = new TrainingData(READER, "label").read(avro);

    assertThat(loaded.rows()).hasSize(300);
    assertThat(loaded.rows().get(7).record().get("event_id").toString())
        .isEqualTo(rows.get(7).record().get("event_id").toString());
  }

  @Test
  void shouldSkipAndCountRowsBreakingRulesOrTypes() throws IOException {
    Path csv = dir.resolve("messy.csv");
    TrainingFiles.writeCsv(csv, TestModels.payments(5, 4));
    List<String> lines = Files.readAllLines(csv);
    lines.set(1, lines.get(1).replaceFirst(",EUR,|,GBP,|,USD,|,CHF,|,PLN,|,SEK,", ",XXX,"));
    lines.set(2, lines.get(2).substring(0, lines.get(2).lastIndexOf(',') + 1));
    Files.write(csv, lines);

    TrainingData.Loaded loaded = new TrainingData(READER, "label").read(csv);

    assertThat(loaded.rows()).hasSize(3);
    assertThat(loaded.skipped()).isEqualTo(2);
    assertThat(loaded.skippedBy())
        .containsEntry("currency.allowed", 1L)
        .containsEntry("label.missing", 1L);
  }

  @Test
  void shouldRefuseFileWithoutLabelColumn() throws IOException {
    Path csv = Files.writeString(dir.resolve("nolabel.csv"), "amount,currency\n1.0,EUR\n");

    assertThatThrownBy(() -> new TrainingData(READER, "label").read(csv))
        .hasMessageContaining("no label column 'label'");
  }
}

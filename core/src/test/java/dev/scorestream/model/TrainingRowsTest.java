package dev.scorestream.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.schemas.Contracts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rows an artifact keeps: written, read back, and read onto a reader schema that evolved. */
class TrainingRowsTest {

  static final Schema READER = Contracts.paymentEvent();

  @TempDir Path artifact;

  @Test
  void shouldWriteTheSameBytesForTheSameRows() throws IOException {
    List<TrainingRows.Row> rows =
        TrainingRows.of(ReferenceModels.payments(50, 6), "event_id", "event_time");
    Path again = artifact.resolve("again");

    TrainingRows.write(artifact, READER, rows);
    TrainingRows.write(again, READER, rows);

    assertThat(Files.readAllBytes(again.resolve(TrainingRows.FILE)))
        .as("a candidate made again from the same rows is the same artifact")
        .isEqualTo(Files.readAllBytes(artifact.resolve(TrainingRows.FILE)));
    assertThat(TrainingRows.read(again, READER)).hasSize(50);
  }
}

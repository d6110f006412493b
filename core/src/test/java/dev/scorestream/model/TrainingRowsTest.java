package dev.scorestream.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.schemas.Contracts;
import dev.scorestream.schemas.LabelledRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rows an artifact keeps: written, read back, and read onto a reader schema that evolved. */
class TrainingRowsTest {

  static final Schema READER = Contracts.paymentEvent();

  @TempDir Path artifact;

  @Test
  void shouldReadBackTheRowsItWrote() throws IOException {
    List<LabelledRecord> payments = ReferenceModels.payments(20, 3);
    List<TrainingRows.Row> rows = TrainingRows.of(payments, "event_id", "event_time");
    List<TrainingRows.Row> withUnknownTime = new ArrayList<>(rows);
    TrainingRows.Row first = rows.get(0);
    withUnknownTime.set(
        0, new TrainingRows.Row(first.eventId(), first.label(), null, first.event()));
    assertThat(TrainingRows.present(artifact)).isFalse();

    TrainingRows.write(artifact, READER, withUnknownTime);
    List<TrainingRows.Row> read = TrainingRows.read(artifact, READER);

    assertThat(TrainingRows.present(artifact)).isTrue();
    assertThat(read).hasSize(20);
    assertThat(read.get(0).eventTime()).isNull();
    for (int i = 0; i < read.size(); i++) {
      TrainingRows.Row written = withUnknownTime.get(i);
      assertThat(read.get(i).eventId()).isEqualTo(written.eventId());
      assertThat(read.get(i).label()).isEqualTo(written.label());
      assertThat(read.get(i).eventTime()).isEqualTo(written.eventTime());
      assertThat(read.get(i).event()).hasToString(written.event().toString());
    }
  }

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

  /** The reader schema with one more field, {@code risk_tier}, defaulting to "unknown". */
  static Schema newerReader() {
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field field : READER.getFields()) {
      fields.add(new Schema.Field(field, field.schema()));
    }
    fields.add(new Schema.Field("risk_tier", Schema.create(Schema.Type.STRING), null, "unknown"));
    return Schema.createRecord(
        READER.getName(), READER.getDoc(), READER.getNamespace(), false, fields);
  }

  @Test
  void shouldReadRowsWrittenUnderAnOlderReaderSchemaOntoTheNewerOne() throws IOException {
    List<TrainingRows.Row> rows =
        TrainingRows.of(ReferenceModels.payments(5, 4), "event_id", "event_time");
    TrainingRows.write(artifact, READER, rows);
    Schema newer = newerReader();

    List<TrainingRows.Row> read = TrainingRows.read(artifact, newer);

    assertThat(read).hasSize(5);
    for (int i = 0; i < read.size(); i++) {
      GenericRecord event = read.get(i).event();
      assertThat(event.getSchema()).isEqualTo(newer);
      assertThat(event.get("risk_tier")).hasToString("unknown");
      assertThat(event.get("amount")).isEqualTo(rows.get(i).event().get("amount"));
      assertThat(read.get(i).eventId()).isEqualTo(rows.get(i).eventId());
      assertThat(read.get(i).eventTime()).isEqualTo(rows.get(i).eventTime());
    }
  }

  @Test
  void shouldTakeTheEventIdAndTimeFromTheNamedFields() {
    LabelledRecord payment = ReferenceModels.payments(1, 5).get(0);
    payment.record().put("customer_id", "customer-42");

    TrainingRows.Row byId = TrainingRows.of(List.of(payment), "event_id", "event_time").get(0);
    TrainingRows.Row byOthers =
        TrainingRows.of(List.of(payment), "customer_id", "account_age_days").get(0);
    TrainingRows.Row byMissing = TrainingRows.of(List.of(payment), "no_id", "no_time").get(0);

    assertThat(byId.eventId()).isEqualTo(payment.record().get("event_id").toString());
    assertThat(byId.eventTime()).isEqualTo(payment.record().get("event_time"));
    assertThat(byId.label()).isEqualTo(payment.label());
    assertThat(byId.event()).isSameAs(payment.record());
    assertThat(byOthers.eventId()).isEqualTo("customer-42");
    assertThat(byOthers.eventTime())
        .isEqualTo(((Integer) payment.record().get("account_age_days")).longValue());
    assertThat(byMissing.eventId()).as("no such field: empty").isEmpty();
    assertThat(byMissing.eventTime()).as("no such field: unknown").isNull();
  }
}

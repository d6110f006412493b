package dev.scorestream.retraining;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.feedback.PredictionSnapshots;
import dev.scorestream.feedback.TrainingExamples;
import dev.scorestream.payments.PaymentGenerator;
import dev.scorestream.schemas.Contracts;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/** {@code data.timeField} decides which time of a training example the out-of-time split uses. */
class LabelledEventsTest {

  static final long EVENT_TIME = 1_764_000_000_123L;
  static final long LABELLED_AT = 1_764_000_600_000L;

  static GenericRecord example() {
    TrainingExamples examples = new TrainingExamples(Contracts.paymentEvent());
    GenericRecord event =
        new PaymentGenerator(Contracts.paymentEvent(), 3).next(EVENT_TIME).record();
    return examples.create(
        new PredictionSnapshots.Snapshot(
            "e-1", "v3", "FRAUD", null, Map.of("FRAUD", 0.8), EVENT_TIME, event, null),
        "LEGIT",
        LABELLED_AT);
  }

  @Test
  void shouldOrderByTheEventsTimeByDefault() {
    assertThat(LabelledEvents.splitTime(example(), RetrainingPolicy.TimeBasis.EVENT))
        .isEqualTo(EVENT_TIME);
  }

  @Test
  void shouldOrderByTheLabelsTimeWhenThePolicySaysLabel() {
    assertThat(LabelledEvents.splitTime(example(), RetrainingPolicy.TimeBasis.LABEL))
        .isEqualTo(LABELLED_AT);
  }
}

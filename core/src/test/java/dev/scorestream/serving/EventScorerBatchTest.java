package dev.scorestream.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.model.BatchRecordingModel;
import dev.scorestream.model.ModelArtifact;
import dev.scorestream.model.ModelScorer;
import dev.scorestream.model.ReferenceModels;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.schemas.LabelledRecord;
import dev.scorestream.schemas.Reason;
import dev.scorestream.validation.RecordValidator;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/** Prepared records predicted together: the path the stream's micro-batches take. */
class EventScorerBatchTest {

  static final double POISON_AMOUNT = 4242.0;

  final ModelArtifact logistic = ReferenceModels.logistic();

  static ModelScorer recording(ModelArtifact real, BatchRecordingModel model) {
    return new ModelScorer(
        new ModelArtifact(null, model, real.metadata(), real.baseline(), List.of()));
  }

  static BatchRecordingModel poisonedBy(ModelArtifact real, double amount) {
    return BatchRecordingModel.refusing(real.model(), "amount", amount);
  }

  static EventScorer scorer(ActiveModel model) {
    return new EventScorer(
        RecordValidator.forSchema(Contracts.paymentEvent()), ReferenceModels.extractor(), model);
  }

  static List<GenericRecord> events(int count) {
    List<GenericRecord> events = new ArrayList<>();
    for (LabelledRecord row : ReferenceModels.payments(count, 31)) {
      events.add(row.record());
    }
    return events;
  }

  static GenericRecord copy(GenericRecord record) {
    return new GenericData.Record((GenericData.Record) record, true);
  }

  List<EventScorer.Ready> prepare(EventScorer scorer, List<GenericRecord> events) {
    List<EventScorer.Ready> ready = new ArrayList<>();
    for (GenericRecord event : events) {
      ready.add((EventScorer.Ready) scorer.prepare(copy(event), scorer.model().current()));
    }
    return ready;
  }

  @Test
  void shouldPredictARunInOneCallWithTheAnswersOfOneCallPerRecord() {
    BatchRecordingModel model = poisonedBy(logistic, POISON_AMOUNT);
    EventScorer batched = scorer(new ActiveModel(recording(logistic, model)));
    EventScorer single = scorer(new ActiveModel(new ModelScorer(logistic)));
    List<GenericRecord> events = events(40);

    List<EventScorer.Evaluated> answers = batched.scoreAll(prepare(batched, events));

    assertThat(model.batches()).containsExactly(40);
    assertThat(model.singles()).isZero();
    for (int i = 0; i < events.size(); i++) {
      EventScorer.Valid one = (EventScorer.Valid) single.evaluate(copy(events.get(i)));
      EventScorer.Valid many = (EventScorer.Valid) answers.get(i);
      assertThat(many.result().label()).isEqualTo(one.result().label());
      assertThat(many.result().scores()).isEqualTo(one.result().scores());
    }
  }

  @Test
  void shouldFailOnlyTheRecordTheModelRefusesWhenItRefusesTheBatch() {
    BatchRecordingModel model = poisonedBy(logistic, POISON_AMOUNT);
    EventScorer scorer = scorer(new ActiveModel(recording(logistic, model)));
    List<GenericRecord> events = events(10);
    events.get(6).put("amount", POISON_AMOUNT);

    List<EventScorer.Evaluated> answers = scorer.scoreAll(prepare(scorer, events));

    assertThat(model.batches()).containsExactly(10);
    assertThat(model.singles()).as("retried one at a time").isEqualTo(10);
    for (int i = 0; i < answers.size(); i++) {
      if (i == 6) {
        EventScorer.Invalid failed = (EventScorer.Invalid) answers.get(i);
        assertThat(failed.reason()).isEqualTo(Reason.SCORING_ERROR);
        assertThat(failed.message()).contains("cannot take that example");
      } else {
        assertThat(answers.get(i)).isInstanceOf(EventScorer.Valid.class);
      }
    }
  }

  @Test
  void shouldShadowARunWithTheChallengerInOneCall() {
    ModelArtifact other = ReferenceModels.load(ReferenceModels.LOGISTIC_V2);
    BatchRecordingModel challengerModel = poisonedBy(other, POISON_AMOUNT);
    ActiveModel active =
        new ActiveModel(new ModelScorer(logistic), recording(other, challengerModel));
    EventScorer scorer = scorer(active);
    List<GenericRecord> events = events(12);
    events.get(3).put("amount", POISON_AMOUNT);

    List<EventScorer.Evaluated> answers = scorer.scoreAll(prepare(scorer, events));

    assertThat(challengerModel.batches()).containsExactly(12);
    assertThat(answers).allMatch(EventScorer.Valid.class::isInstance);
    for (int i = 0; i < answers.size(); i++) {
      EventScorer.Challenged shadow = ((EventScorer.Valid) answers.get(i)).challenger();
      if (i == 3) {
        assertThat(shadow.failed()).as("the challenger's failure stays its own").isTrue();
        assertThat(shadow.version()).isEqualTo("test-v2");
      } else {
        assertThat(shadow.version()).isEqualTo("test-v2");
      }
    }
    assertThat(active.challengerScored()).isEqualTo(11);
    assertThat(active.challengerFailed()).isEqualTo(1);
  }

  @Test
  void shouldCallEachModelOnceForItsOwnRunWhenAModelChangesMidBatch() {
    BatchRecordingModel first = poisonedBy(logistic, POISON_AMOUNT);
    ModelArtifact next = ReferenceModels.load(ReferenceModels.LOGISTIC_V2);
    BatchRecordingModel second = poisonedBy(next, POISON_AMOUNT);
    ActiveModel active = new ActiveModel(recording(logistic, first));
    EventScorer scorer = scorer(active);
    List<GenericRecord> events = events(9);

    List<EventScorer.Ready> ready = new ArrayList<>(prepare(scorer, events.subList(0, 5)));
    active.swap(recording(next, second));
    ready.addAll(prepare(scorer, events.subList(5, 9)));
    List<EventScorer.Evaluated> answers = scorer.scoreAll(ready);

    assertThat(first.batches()).containsExactly(5);
    assertThat(second.batches()).containsExactly(4);
    assertThat(answers.subList(0, 5)).allMatch(a -> a.scorer().version().equals("test-v1"));
    assertThat(answers.subList(5, 9)).allMatch(a -> a.scorer().version().equals("test-v2"));
  }
}

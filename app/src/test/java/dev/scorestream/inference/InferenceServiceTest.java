package dev.scorestream.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import dev.scorestream.features.FeatureExtractor;
import dev.scorestream.inference.InferenceException.Kind;
import dev.scorestream.model.ModelScorer;
import dev.scorestream.model.ScoreResult;
import dev.scorestream.payments.PaymentGenerator;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.serving.ActiveModel;
import dev.scorestream.serving.EventScorer;
import dev.scorestream.training.TestModels;
import dev.scorestream.training.TrainerKind;
import dev.scorestream.validation.RecordValidator;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

class InferenceServiceTest {

  static final Schema READER = Contracts.paymentEvent();
  static final ModelScorer CHAMPION = new ModelScorer(TestModels.logistic());
  static final ModelScorer CHALLENGER =
      new ModelScorer(TestModels.train("test-v2", TrainerKind.CART, 2000, 5));

  final AtomicBoolean accepting = new AtomicBoolean(true);
  final ActiveModel model = new ActiveModel(CHAMPION, CHALLENGER);
  final InferenceService service =
      new InferenceService(
          READER,
          new EventScorer(
              RecordValidator.forSchema(READER), FeatureExtractor.forSchema(READER), model),
          100,
          accepting::get);

  static List<GenericRecord> payments(int count, long seed) {
    PaymentGenerator generator = new PaymentGenerator(READER, seed);
    List<GenericRecord> records = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      records.add(generator.next(1_764_000_000_000L + i).record());
    }
    return records;
  }

  /** One input per field that has a V2 datatype, with the records' values. */
  static List<InputTensor> columns(List<GenericRecord> records) {
    List<InputTensor> tensors = new ArrayList<>();
    for (Schema.Field field : READER.getFields()) {
      String datatype = InferenceService.datatype(field.schema()).orElseThrow();
      List<Object> values = new ArrayList<>();
      for (GenericRecord record : records) {
        values.add(element(record.get(field.name())));
      }
      tensors.add(new InputTensor(field.name(), datatype, new long[] {records.size()}, values));
    }
    return tensors;
  }

  static Object element(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof CharSequence || value instanceof GenericData.EnumSymbol) {
      return value.toString().getBytes(StandardCharsets.UTF_8);
    }
    if (value instanceof Integer i) {
      return (long) i;
    }
    if (value instanceof ByteBuffer buffer) {
      byte[] bytes = new byte[buffer.remaining()];
      buffer.duplicate().get(bytes);
      return bytes;
    }
    return value;
  }

  static InferRequest request(List<InputTensor> inputs) {
    return new InferRequest("fraud", "", "req-1", inputs, List.of());
  }

  static InputTensor replace(List<InputTensor> inputs, String name, int row, Object value) {
    for (int i = 0; i < inputs.size(); i++) {
      InputTensor tensor = inputs.get(i);
      if (tensor.name().equals(name)) {
        List<Object> values = new ArrayList<>(tensor.values());
        values.set(row, value);
        InputTensor changed = new InputTensor(name, tensor.datatype(), tensor.shape(), values);
        inputs.set(i, changed);
        return changed;
      }
    }
    throw new IllegalArgumentException(name);
  }

  @Test
  void shouldScoreEveryRowExactlyAsTheStreamPathScoresItsRecord() {
    List<GenericRecord> records = payments(50, 3);
    List<GenericRecord> copies = payments(50, 3);
    EventScorer stream =
        new EventScorer(
            RecordValidator.forSchema(READER),
            FeatureExtractor.forSchema(READER),
            new ActiveModel(CHAMPION));

    InferResult result = service.infer(request(columns(records)), () -> false);

    assertThat(result.modelName()).isEqualTo("fraud");
    assertThat(result.modelVersion()).isEqualTo("test-v1");
    assertThat(result.id()).isEqualTo("req-1");
    assertThat(result.outputs()).isEqualTo(InferenceService.OUTPUTS);
    assertThat(result.labels()).containsExactlyElementsOf(CHAMPION.artifact().metadata().labels());
    assertThat(result.rows()).hasSize(50);
    for (int i = 0; i < 50; i++) {
      ScoreResult expected = ((EventScorer.Valid) stream.evaluate(copies.get(i))).result();
      ScoreResult actual = result.rows().get(i);
      assertThat(actual.label()).isEqualTo(expected.label());
      expected
          .scores()
          .forEach(
              (label, score) ->
                  assertThat(actual.scores().get(label)).isCloseTo(score, offset(1e-12)));
    }
  }

  @Test
  void shouldAddressTheChallengerByItsVersion() {
    List<GenericRecord> records = payments(5, 4);
    InferResult result =
        service.infer(
            new InferRequest("fraud", "test-v2", "", columns(records), List.of()), () -> false);

    assertThat(result.modelVersion()).isEqualTo("test-v2");
    ScoreResult direct =
        CHALLENGER.score(FeatureExtractor.forSchema(READER).extract(payments(5, 4).get(0)));
    assertThat(result.rows().get(0).scores().get(direct.label()))
        .isCloseTo(direct.scores().get(direct.label()), offset(1e-12));
    assertThat(service.metadata("fraud", "").versions()).containsExactly("test-v1", "test-v2");
    assertThat(service.modelReady("fraud", "test-v2")).isTrue();
    assertThat(service.modelReady("fraud", "test-v0")).isFalse();
  }

  @Test
  void shouldNameTheServedModelsForAnUnknownOne() {
    assertThatThrownBy(() -> service.metadata("churn", ""))
        .isInstanceOfSatisfying(
            InferenceException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND);
              assertThat(e.getMessage())
                  .contains("'churn'")
                  .contains("fraud test-v1 (champion)")
                  .contains("fraud test-v2 (challenger)");
            });
    assertThatThrownBy(
            () ->
                service.infer(
                    new InferRequest("fraud", "test-v9", "", columns(payments(1, 1)), List.of()),
                    () -> false))
        .isInstanceOfSatisfying(
            InferenceException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND));
  }

  @Test
  void shouldFailTheWholeRequestNamingEveryRowAndRule() {
    List<InputTensor> inputs = new ArrayList<>(columns(payments(6, 5)));
    replace(inputs, "amount", 1, 250_000.0);
    replace(inputs, "hour_of_day", 4, 31L);
    replace(inputs, "amount", 4, Double.NaN);

    assertThatThrownBy(() -> service.infer(request(inputs), () -> false))
        .isInstanceOfSatisfying(
            InferenceException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.INVALID_ARGUMENT);
              assertThat(e.rows())
                  .extracting(InferenceException.RowError::row)
                  .containsExactly(1, 4);
              assertThat(e.rows().get(0).reason()).isEqualTo("RULE_VIOLATION");
              assertThat(e.rows().get(0).rules()).containsExactly("amount.max");
              assertThat(e.rows().get(1).rules())
                  .containsExactlyInAnyOrder("amount.finite", "hour_of_day.max");
              assertThat(e.getMessage())
                  .startsWith("the request failed as a whole, nothing was scored: 2 of 6 rows")
                  .contains("row 1: RULE_VIOLATION [amount.max]")
                  .contains("row 4: RULE_VIOLATION");
            });
  }

  @Test
  void shouldRejectValuesThatDoNotFitTheirFieldAsRows() {
    List<InputTensor> inputs = new ArrayList<>(columns(payments(4, 6)));
    replace(inputs, "channel", 0, "WALLET".getBytes(StandardCharsets.UTF_8));
    replace(inputs, "country", 2, new byte[] {(byte) 0xC3, (byte) 0x28});
    replace(inputs, "hour_of_day", 3, 5_000_000_000L);

    assertThatThrownBy(() -> service.infer(request(inputs), () -> false))
        .isInstanceOfSatisfying(
            InferenceException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.INVALID_ARGUMENT);
              assertThat(e.rows())
                  .extracting(InferenceException.RowError::row)
                  .containsExactly(0, 2, 3);
              assertThat(e.rows())
                  .allSatisfy(r -> assertThat(r.reason()).isEqualTo("MALFORMED_EVENT"));
              assertThat(e.rows().get(0).message()).contains("channel").contains("'WALLET'");
              assertThat(e.rows().get(1).message()).contains("country: not well-formed UTF-8");
              assertThat(e.rows().get(2).message()).contains("does not fit a 32-bit int");
            });
  }

  @Test
  void shouldGiveLeftOutInputsTheirDefaultLikeAMissingJsonField() {
    List<InputTensor> inputs = new ArrayList<>(columns(payments(3, 7)));
    inputs.removeIf(tensor -> tensor.name().equals("customer_id"));

    // customer_id defaults to null and its rule requires it: every row is named
    assertThatThrownBy(() -> service.infer(request(inputs), () -> false))
        .isInstanceOfSatisfying(
            InferenceException.class,
            e -> {
              assertThat(e.rows()).hasSize(3);
              assertThat(e.rows().get(0).rules()).containsExactly("customer_id.required");
            });
  }

  @Test
  void shouldRefuseTensorsThatDoNotFitTheInputs() {
    List<InputTensor> good = columns(payments(2, 8));
    assertInvalid(
        List.of(new InputTensor("colour", "BYTES", new long[] {1}, List.of(new byte[0]))),
        "unknown input 'colour'; inputs are [event_id");
    assertInvalid(List.of(good.get(2), good.get(2)), "input 'amount' is given twice");
    assertInvalid(
        List.of(new InputTensor("amount", "BYTES", new long[] {1}, List.of(new byte[0]))),
        "input 'amount' has datatype BYTES; field amount (double) takes FP64");
    assertInvalid(
        List.of(new InputTensor("amount", "FP64", new long[] {1, 2}, List.of(1.0, 2.0))),
        "expected [N] or [N, 1]");
    assertInvalid(
        List.of(new InputTensor("amount", "FP64", new long[] {3}, List.of(1.0, 2.0))),
        "has 2 elements but its shape [3] says 3");
    assertInvalid(
        List.of(good.get(2), new InputTensor("hour_of_day", "INT32", new long[] {1}, List.of(3L))),
        "input 'hour_of_day' has 1 rows but 'amount' has 2");
    assertInvalid(List.of(), "the request has no inputs");
    List<Object> many = new ArrayList<>();
    for (int i = 0; i < 101; i++) {
      many.add(1.0);
    }
    assertInvalid(
        List.of(new InputTensor("amount", "FP64", new long[] {101}, many)),
        "at most 100 (inference.max.rows)");
    assertThatThrownBy(
            () ->
                service.infer(
                    new InferRequest("fraud", "", "", good, List.of("probabilities")), () -> false))
        .hasMessageContaining("unknown output 'probabilities'");
  }

  void assertInvalid(List<InputTensor> inputs, String message) {
    assertThatThrownBy(() -> service.infer(request(inputs), () -> false))
        .isInstanceOfSatisfying(
            InferenceException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.INVALID_ARGUMENT);
              assertThat(e.getMessage()).contains(message);
              assertThat(e.rows()).isEmpty();
            });
  }

  @Test
  void shouldAcceptNarrowerNumbersForWiderFields() {
    List<InputTensor> inputs = new ArrayList<>(columns(payments(2, 9)));
    InputTensor amount = inputs.stream().filter(t -> t.name().equals("amount")).findFirst().get();
    inputs.set(
        inputs.indexOf(amount),
        new InputTensor("amount", "INT32", new long[] {2, 1}, List.of(12L, 40L)));

    InferResult result = service.infer(request(inputs), () -> false);

    assertThat(result.rows()).hasSize(2);
  }

  @Test
  void shouldAnswerOnlyTheOutputsAskedFor() {
    InferResult result =
        service.infer(
            new InferRequest(
                "fraud", "", "", columns(payments(2, 10)), List.of("scores", "predicted_label")),
            () -> false);

    assertThat(result.outputs()).containsExactly("predicted_label", "scores");
  }

  @Test
  void shouldStopAnsweringOnceTheDeadlinePassedOrTheServerStops() {
    List<InputTensor> inputs = columns(payments(2, 11));
    assertThatThrownBy(() -> service.infer(request(inputs), () -> true))
        .isInstanceOfSatisfying(
            InferenceException.class, e -> assertThat(e.kind()).isEqualTo(Kind.DEADLINE_EXCEEDED));

    accepting.set(false);

    assertThat(service.ready()).isFalse();
    assertThat(service.modelReady("fraud", "")).isFalse();
    assertThatThrownBy(() -> service.infer(request(inputs), () -> false))
        .isInstanceOfSatisfying(
            InferenceException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE));
  }

  @Test
  void shouldDescribeInputsAfterTheReaderSchema() {
    InferenceService.ModelInfo info = service.metadata("fraud", "test-v1");

    assertThat(info.inputs())
        .extracting(InferenceService.TensorSpec::name, InferenceService.TensorSpec::datatype)
        .startsWith(
            org.assertj.core.groups.Tuple.tuple("event_id", "BYTES"),
            org.assertj.core.groups.Tuple.tuple("customer_id", "BYTES"),
            org.assertj.core.groups.Tuple.tuple("amount", "FP64"))
        .contains(
            org.assertj.core.groups.Tuple.tuple("card_present", "BOOL"),
            org.assertj.core.groups.Tuple.tuple("hour_of_day", "INT32"),
            org.assertj.core.groups.Tuple.tuple("event_time", "INT64"));
    assertThat(info.outputs())
        .extracting(InferenceService.TensorSpec::name)
        .containsExactly("predicted_label", "scores", "model_version");
    assertThat(info.outputs().get(1).shape()).containsExactly(-1L, 2L);
    assertThat(info.platform()).isEqualTo("tribuo");
  }
}

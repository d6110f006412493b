package dev.scorestream.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.codec.WireFormatEncoder;
import dev.scorestream.model.ModelScorer;
import dev.scorestream.model.ScoreResult;
import dev.scorestream.payments.PaymentGenerator;
import dev.scorestream.schemas.Contracts;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * The stream writes predictions field by field; the bytes must be exactly what Avro's generic
 * writer makes of the record {@link PredictionBuilder#build} returns, for every shape a prediction
 * can take.
 */
class PredictionBuilderTest {

  static final Schema READER = Contracts.paymentEvent();
  final WireFormatEncoder encoder = new WireFormatEncoder(Contracts.prediction(), 17);

  record Case(
      boolean withTime,
      byte[] key,
      ScoreResult result,
      EventScorer.Challenged challenger,
      long scoredAt,
      long recordTimestamp,
      long seed) {

    PredictionBuilder.Answer answer(
        PredictionBuilder builder, GenericRecord event, String modelVersion) {
      return new PredictionBuilder.Answer(
          builder.eventId(event),
          builder.eventTime(event),
          key,
          result,
          "fraud",
          modelVersion,
          challenger,
          scoredAt,
          recordTimestamp);
    }
  }

  @Property(tries = 300)
  void shouldWriteWhatTheGenericWriterWrites(@ForAll("cases") Case c) {
    PredictionBuilder builder =
        new PredictionBuilder(
            Contracts.prediction(), READER, "event_id", c.withTime() ? "event_time" : "");
    GenericRecord event =
        new PaymentGenerator(READER, c.seed()).next(1_764_000_000_000L + c.seed()).record();

    PredictionBuilder.Answer answer = c.answer(builder, event, "v-1");

    byte[] direct = builder.writer(encoder).encode(answer);
    byte[] generic = encoder.encode(builder.build(answer));

    assertThat(direct).isEqualTo(generic);
  }

  @Property(tries = 200)
  void shouldWriteTheSameBytesWhenOneWriterServesRecordAfterRecord(
      @ForAll("caseLists") List<Case> cases) {
    PredictionBuilder builder =
        new PredictionBuilder(Contracts.prediction(), READER, "event_id", "event_time");
    PredictionBuilder.Writer writer = builder.writer(encoder);
    String[] versions = {
      "v-1", "v-2", new String("v-1".toCharArray())
    }; // equal text, another object
    for (int i = 0; i < cases.size(); i++) {
      Case c = cases.get(i);
      GenericRecord event =
          new PaymentGenerator(READER, c.seed()).next(1_764_000_000_000L + c.seed()).record();
      String version = versions[i % versions.length];

      PredictionBuilder.Answer answer = c.answer(builder, event, version);

      assertThat(writer.encode(answer)).isEqualTo(encoder.encode(builder.build(answer)));
    }
  }

  @Property(tries = 300)
  void shouldCacheUtf8ByIdentityWithoutEverConfusingTwoStrings(
      @ForAll("picks") List<Integer> picks, @ForAll("strings") List<String> pool) {
    PredictionBuilder.Utf8Cache cache = new PredictionBuilder.Utf8Cache();
    List<String> strings = new java.util.ArrayList<>(pool);
    strings.add("fraud");
    for (int pick : picks) {
      String string = strings.get(pick % strings.size());
      assertThat(cache.of(string).toString()).isEqualTo(string);
      // a new object with the same text, then the old one again
      String copy = new String(string.toCharArray());
      assertThat(cache.of(copy).toString()).isEqualTo(string);
      assertThat(cache.of(string).toString()).isEqualTo(string);
    }
  }

  @Property(tries = 200)
  void shouldEncodeEachOfAFewRepeatedStringsOnlyOnce(@ForAll("strings") List<String> texts) {
    PredictionBuilder.Utf8Cache cache = new PredictionBuilder.Utf8Cache();
    // a model's name, version and two labels: never more than WAYS strings, so none can evict
    // another
    List<String> constants =
        texts.stream()
            .limit(PredictionBuilder.Utf8Cache.WAYS)
            .map(t -> new String(t.toCharArray()))
            .toList();
    List<Object> first = constants.stream().map(cache::of).map(Object.class::cast).toList();

    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < constants.size(); i++) {
        assertThat((Object) cache.of(constants.get(i))).isSameAs(first.get(i));
      }
    }
  }

  @Provide
  Arbitrary<List<String>> strings() {
    return Arbitraries.strings().ofMaxLength(8).list().ofMinSize(1).ofMaxSize(80);
  }

  @Provide
  Arbitrary<List<Integer>> picks() {
    return Arbitraries.integers().between(0, 1000).list().ofMaxSize(200);
  }

  @Provide
  Arbitrary<List<Case>> caseLists() {
    return cases().list().ofMinSize(1).ofMaxSize(20);
  }

  @Provide
  Arbitrary<Case> cases() {
    Arbitrary<byte[]> keys = Arbitraries.bytes().array(byte[].class).ofMaxSize(40).injectNull(0.3);
    Arbitrary<ScoreResult> results = Arbitraries.oneOf(classifications(), regressions());
    Arbitrary<EventScorer.Challenged> challengers =
        Combinators.combine(classifications(), Arbitraries.strings().ofMaxLength(12))
            .as(EventScorer.Challenged::new)
            .injectNull(0.5);
    Arbitrary<Long> times = Arbitraries.longs().between(0, 4_000_000_000_000L);
    return Combinators.combine(
            Arbitraries.of(true, false),
            keys,
            results,
            challengers,
            times,
            times,
            Arbitraries.longs().between(1, 10_000))
        .as(Case::new);
  }

  private static Arbitrary<ScoreResult> classifications() {
    return Arbitraries.maps(
            Arbitraries.strings().ofMinLength(1).ofMaxLength(10),
            Arbitraries.doubles().between(0, 1))
        .ofMaxSize(4)
        .map(
            scores -> {
              Map<String, Double> ordered = new LinkedHashMap<>(scores);
              String label = ordered.isEmpty() ? "" : List.copyOf(ordered.keySet()).get(0);
              return new ScoreResult(label, ordered);
            });
  }

  private static Arbitrary<ScoreResult> regressions() {
    return Arbitraries.doubles()
        .map(v -> new ScoreResult(Double.toString(v), Map.of(ModelScorer.VALUE, v)));
  }
}

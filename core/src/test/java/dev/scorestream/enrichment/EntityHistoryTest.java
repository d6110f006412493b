package dev.scorestream.enrichment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scorestream.schemas.Contracts;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EntityHistoryTest {

  static final String SPEC =
      """
      {"entity": {"name": "card", "key": "customer_id", "windows": ["1m", "1h"],
        "grace": "5m", "max_events": %d,
        "features": ["count", "sum(amount)", "mean(amount)", "max(amount)",
                     "distinct(merchant_category)", "since_previous"]}}
      """;

  static EnrichmentSpec.Entity entity(int maxEvents) throws Exception {
    return EnrichmentSpec.parse(
            new ObjectMapper().readTree(SPEC.formatted(maxEvents)), Contracts.paymentEvent())
        .entity()
        .orElseThrow();
  }

  /** One event of one entity. */
  record Event(long time, Double amount, String category) {}

  /** Adds the event after reading its features, as the stream does. */
  static double[] score(EntityHistory history, Event event) {
    double[] features = history.features(event.time());
    history.record(
        event.time(),
        new double[] {event.amount() == null ? Double.NaN : event.amount()},
        new long[] {EntityHistory.hash(event.category())});
    return features;
  }

  /**
   * What point in time means, computed the slow way: of the events that arrived before, those with
   * a timestamp in [t - window, t).
   */
  static double[] expected(List<Event> arrivedBefore, long t) {
    long[] windows = {60_000, 3_600_000};
    double[] out = new double[5 * 2 + 1];
    for (int w = 0; w < 2; w++) {
      long window = windows[w];
      List<Event> in =
          arrivedBefore.stream().filter(e -> e.time() < t && e.time() >= t - window).toList();
      List<Double> amounts = in.stream().map(Event::amount).filter(a -> a != null).toList();
      Set<String> categories = new HashSet<>();
      in.stream().map(Event::category).filter(c -> c != null).forEach(categories::add);
      double sum = amounts.stream().mapToDouble(Double::doubleValue).sum();
      out[w] = in.size();
      out[2 + w] = sum;
      out[4 + w] = amounts.isEmpty() ? 0 : sum / amounts.size();
      out[6 + w] = amounts.stream().mapToDouble(Double::doubleValue).max().orElse(0);
      out[8 + w] = categories.size();
    }
    out[10] =
        arrivedBefore.stream()
            .mapToLong(Event::time)
            .filter(time -> time < t && time >= t - windows[1])
            .max()
            .stream()
            .mapToDouble(previous -> (t - previous) / 1000.0)
            .findFirst()
            .orElse(-1.0);
    return out;
  }

  @Test
  void shouldSeeOnlyEarlierEventsWhateverOrderTheyArriveInWithinTheGrace() throws Exception {
    EnrichmentSpec.Entity entity = entity(10_000);
    Random random = new Random(42);
    String[] categories = {"grocery", "gaming", "travel", "fuel", null};
    for (int run = 0; run < 20; run++) {
      // Bursts and quiet spells over three hours, then shuffled: each event arrives at most four
      // minutes (less than the five-minute grace) after its timestamp.
      List<Event> events = new ArrayList<>();
      long t = 1_700_000_000_000L;
      for (int i = 0; i < 300; i++) {
        t += random.nextDouble() < 0.3 ? random.nextInt(2_000) : random.nextInt(120_000);
        events.add(
            new Event(
                t,
                random.nextDouble() < 0.1 ? null : Math.round(random.nextDouble() * 500) / 4.0,
                categories[random.nextInt(categories.length)]));
      }
      List<Event> arrival = new ArrayList<>(events);
      arrival.sort(
          (a, b) ->
              Long.compare(
                  a.time() + (Math.abs(a.hashCode()) % 240_000),
                  b.time() + (Math.abs(b.hashCode()) % 240_000)));
      assertThat(arrival).as("really shuffled").isNotEqualTo(events);

      EntityHistory history = EntityHistory.empty(entity);
      List<Event> arrived = new ArrayList<>();
      for (Event event : arrival) {
        // Through the stored form every time, as the store does.
        history = EntityHistory.read(entity, history.bytes());
        double[] actual = score(history, event);
        double[] expected = expected(arrived, event.time());
        for (int f = 0; f < expected.length; f++) {
          assertThat(actual[f])
              .as("run %d, event at %d, %s", run, event.time(), entity.fieldNames().get(f))
              .isCloseTo(expected[f], within(1e-9));
        }
        arrived.add(event);
      }
    }
  }

  @Test
  void shouldCountAWindowFromItsStartInclusiveAndNeverTheEventItselfOrItsTwins() throws Exception {
    EntityHistory history = EntityHistory.empty(entity(100));
    long t = 10_000_000;
    score(history, new Event(t - 60_000, 10.0, "a")); // exactly one minute before: in 1m
    score(history, new Event(t - 60_001, 20.0, "b")); // a millisecond older: 1h only
    score(history, new Event(t, 40.0, "c")); // same millisecond as the event: not earlier

    double[] features = history.features(t);

    assertThat(features[0]).as("count 1m").isEqualTo(1);
    assertThat(features[1]).as("count 1h").isEqualTo(2);
    assertThat(features[3]).as("sum 1h").isEqualTo(30);
    assertThat(features[7]).as("max 1h").isEqualTo(20);
    assertThat(features[9]).as("distinct 1h").isEqualTo(2);
    assertThat(features[10]).as("seconds since the latest earlier event").isEqualTo(60.0);
  }

  @Test
  void shouldReportAnEventBeyondTheGraceAsLateAndForgetWhatIsBehindTheHorizon() throws Exception {
    EnrichmentSpec.Entity entity = entity(100);
    EntityHistory history = EntityHistory.empty(entity);
    long t = 100_000_000;
    assertThat(history.record(t, new double[] {1}, new long[] {1}))
        .isEqualTo(EntityHistory.Recorded.RECORDED);
    assertThat(history.record(t - 299_000, new double[] {1}, new long[] {1}))
        .as("within the five-minute grace")
        .isEqualTo(EntityHistory.Recorded.RECORDED);
    assertThat(history.record(t - 301_000, new double[] {1}, new long[] {1}))
        .isEqualTo(EntityHistory.Recorded.LATE);
    assertThat(history.size()).isEqualTo(3);

    // An hour and five minutes later, the three are behind the horizon (longest window + grace).
    history.record(t + 3_900_001, new double[] {2}, new long[] {2});
    assertThat(history.size()).isEqualTo(1);
    assertThat(history.latest()).isEqualTo(t + 3_900_001);
    assertThat(EntityHistory.latest(history.bytes())).isEqualTo(t + 3_900_001);
  }

  @Test
  void shouldKeepTheNewestMaxEvents() throws Exception {
    EntityHistory history = EntityHistory.empty(entity(3));
    for (int i = 0; i < 3; i++) {
      assertThat(history.record(1000L * i, new double[] {i}, new long[] {i}))
          .isEqualTo(EntityHistory.Recorded.RECORDED);
    }
    assertThat(history.record(3000, new double[] {3}, new long[] {3}))
        .isEqualTo(EntityHistory.Recorded.TRUNCATED);

    double[] features = history.features(4000);
    assertThat(features[0]).as("count 1m: the oldest was dropped").isEqualTo(3);
    assertThat(features[3]).as("sum 1h: 1 + 2 + 3").isEqualTo(6);
  }

  @Test
  void shouldRefuseBytesOfAnotherShape() throws Exception {
    EntityHistory history = EntityHistory.empty(entity(10));
    history.record(5, new double[] {1}, new long[] {1});
    EnrichmentSpec.Entity counting =
        EnrichmentSpec.parse(
                new ObjectMapper()
                    .readTree(
                        """
                        {"entity": {"name": "card", "key": "customer_id", "windows": ["1m"],
                          "features": ["count"]}}
                        """),
                Contracts.paymentEvent())
            .entity()
            .orElseThrow();

    assertThatThrownBy(() -> EntityHistory.read(counting, history.bytes()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("another shape");
    assertThat(EntityHistory.read(counting, null).size()).isZero();
  }
}

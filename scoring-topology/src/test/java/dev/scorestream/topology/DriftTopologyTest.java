package dev.scorestream.topology;

import static dev.scorestream.topology.TopologyFixture.DRIFT_ID;
import static dev.scorestream.topology.TopologyFixture.NOW;
import static dev.scorestream.topology.TopologyFixture.READER;
import static dev.scorestream.topology.TopologyFixture.READER_ID;
import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.codec.DecodeResult;
import dev.scorestream.codec.WireFormatDecoder;
import dev.scorestream.codec.WireFormatEncoder;
import dev.scorestream.drift.DriftReports;
import dev.scorestream.drift.DriftStatus;
import dev.scorestream.drift.DriftThresholds;
import dev.scorestream.features.FeatureExtractor;
import dev.scorestream.payments.PaymentGenerator;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.training.TestModels;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.BytesDeserializer;
import org.apache.kafka.common.serialization.BytesSerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Drift windows through the real topology with explicit event times: 1-minute windows, 10 s grace.
 */
class DriftTopologyTest {

  static final long T0 = NOW.toEpochMilli();
  static final long MINUTE = 60_000;

  final List<DriftReports.Summary> summaries = new ArrayList<>();
  final List<Long> late = new ArrayList<>();
  final WireFormatEncoder encoder = new WireFormatEncoder(READER, READER_ID);
  TopologyTestDriver driver;
  TestInputTopic<Bytes, byte[]> events;
  TestOutputTopic<Bytes, byte[]> drift;
  TestOutputTopic<Bytes, byte[]> predictions;

  OutcomeListener listener;

  @BeforeEach
  void start() {
    listener =
        new OutcomeListener() {
          @Override
          public void drift(DriftReports.Summary summary) {
            summaries.add(summary);
          }

          @Override
          public void driftLate(long events) {
            late.add(events);
          }
        };
    driver =
        new TopologyFixture(TestModels.logistic())
            .driver(TopologyFixture.analytics(DriftThresholds.DEFAULTS), listener);
    events = driver.createInputTopic("events", new BytesSerializer(), new ByteArraySerializer());
    drift =
        driver.createOutputTopic(
            "events.drift", new BytesDeserializer(), new ByteArrayDeserializer());
    predictions =
        driver.createOutputTopic(
            "events.predictions", new BytesDeserializer(), new ByteArrayDeserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  /** {@code count} events spread over [from, from + 50 s). */
  void send(PaymentGenerator generator, int count, long from) {
    for (int i = 0; i < count; i++) {
      long time = from + i * (50_000L / count);
      GenericRecord event = generator.next(time).record();
      events.pipeInput(
          new TestRecord<>(
              Bytes.wrap(("k" + i).getBytes(StandardCharsets.UTF_8)),
              encoder.encode(event),
              new RecordHeaders(),
              time));
    }
    flush();
  }

  void flush() {
    driver.advanceWallClockTime(Duration.ofSeconds(1));
  }

  /** One event at {@code time}: moves the merger's clock (after a flush). */
  void tick(long time) {
    send(new PaymentGenerator(READER, 1), 1, time);
  }

  List<GenericRecord> reports() {
    WireFormatDecoder decoder =
        new WireFormatDecoder(Contracts.driftReport(), TopologyFixture.REGISTRY);
    List<GenericRecord> reports = new ArrayList<>();
    for (TestRecord<Bytes, byte[]> record : drift.readRecordsToList()) {
      DecodeResult result = decoder.decode(record.value());
      assertThat(result.schemaId()).isEqualTo(DRIFT_ID);
      assertThat(new String(record.key().get(), StandardCharsets.UTF_8))
          .isEqualTo(
              Instant.ofEpochMilli(
                      (Long) ((DecodeResult.Decoded) result).record().get("window_start"))
                  .toString());
      reports.add(((DecodeResult.Decoded) result).record());
    }
    return reports;
  }

  static Map<String, String> statuses(GenericRecord report) {
    Map<String, String> statuses = new TreeMap<>();
    for (Object feature : (List<?>) report.get("features")) {
      GenericRecord stats = (GenericRecord) feature;
      statuses.put(stats.get("name").toString(), stats.get("status").toString());
    }
    return statuses;
  }

  static GenericRecord feature(GenericRecord report, String name) {
    return ((List<?>) report.get("features"))
        .stream()
            .map(GenericRecord.class::cast)
            .filter(f -> f.get("name").toString().equals(name))
            .findFirst()
            .orElseThrow();
  }

  /**
   * The per-task partials reach their changelog at every commit (TopologyTestDriver commits after
   * each record) with no wall-clock time passing: no punctuation runs, only the pre-commit hook. A
   * failover therefore restores exactly what the committed offsets imply.
   */
  @Test
  void shouldChangelogEveryProcessedEventAtEachCommitWithoutAnyPunctuation() {
    assertEachCommitChangelogsItsEvent();
    assertThat(drift.isEmpty()).as("nothing flushed to the merger yet").isTrue();
  }

  /**
   * With every record held for a batch that only a commit scores, the held records still reach the
   * drift partials' changelog in that same commit: the scoring processor's hook runs before the
   * aggregator's.
   */
  @Test
  void shouldChangelogRecordsHeldForABatchInTheCommitThatScoresThem() {
    driver.close();
    TopologyFixture fixture = new TopologyFixture(TestModels.logistic());
    fixture.batching =
        new ScoringTopology.Batching(
            ScoringTopology.Batching.Mode.ON, 1_000, Duration.ofMinutes(1));
    driver = fixture.driver(TopologyFixture.analytics(DriftThresholds.DEFAULTS), listener);
    events = driver.createInputTopic("events", new BytesSerializer(), new ByteArraySerializer());
    assertEachCommitChangelogsItsEvent();
  }

  /**
   * With drift.idle.timeout=0 (this class's fixture) only newer events close a window, however long
   * it waits.
   */
  @Test
  void shouldKeepAQuietStreamsWindowOpenWithoutAnIdleTimeout() {
    send(new PaymentGenerator(READER, 5), 300, T0);

    driver.advanceWallClockTime(Duration.ofMinutes(10));

    assertThat(drift.isEmpty()).isTrue();
  }

  /**
   * drift.idle.timeout=30s: the stream stops after 50 s of a window; 30 s later the merger's clock
   * follows the wall clock from the last event time, so the window (end + 10 s grace) closes with
   * no new event. Stragglers for it afterwards are late, never a second report.
   */
  @Test
  void shouldCloseTheLastWindowOfAQuietStreamOnceTheIdleTimeoutPasses() {
    driver.close();
    driver =
        new TopologyFixture(TestModels.logistic())
            .driver(
                TopologyFixture.analytics(
                    DriftThresholds.DEFAULTS, Duration.ZERO, Duration.ofSeconds(30)),
                listener);
    events = driver.createInputTopic("events", new BytesSerializer(), new ByteArraySerializer());
    drift =
        driver.createOutputTopic(
            "events.drift", new BytesDeserializer(), new ByteArrayDeserializer());
    PaymentGenerator generator = new PaymentGenerator(READER, 5);
    send(generator, 300, T0); // event times T0 .. T0 + 49.8 s; partials reach the merger

    driver.advanceWallClockTime(Duration.ofSeconds(28));
    assertThat(drift.isEmpty()).as("29 s without partials: not idle yet").isTrue();

    driver.advanceWallClockTime(Duration.ofSeconds(2));
    assertThat(reports())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.get("window_start")).isEqualTo(T0);
              assertThat(r.get("event_count")).isEqualTo(300L);
            });

    TestOutputTopic<String, byte[]> windows =
        driver.createOutputTopic(
            "scoring-test-" + ScoringTopology.DRIFT_WINDOWS_STORE + "-changelog",
            new StringDeserializer(),
            new ByteArrayDeserializer());
    windows.readRecordsToList();
    driver.advanceWallClockTime(Duration.ofMinutes(5));
    assertThat(windows.isEmpty()).as("an idle merger with no open window writes nothing").isTrue();

    send(generator, 5, T0 + 1_000);
    driver.advanceWallClockTime(Duration.ofMinutes(5));
    assertThat(late).containsExactly(5L);
    assertThat(drift.isEmpty()).as("the closed window is not reported again").isTrue();
  }

  /**
   * drift.checkpoint.interval=500ms: commits leave the changelog alone until the interval passes.
   */
  @Test
  void shouldChangelogPartialsOnlyEveryCheckpointIntervalWhenOneIsSet() {
    driver.close();
    driver =
        new TopologyFixture(TestModels.logistic())
            .driver(
                TopologyFixture.analytics(DriftThresholds.DEFAULTS, Duration.ofMillis(500)),
                OutcomeListener.NONE);
    events = driver.createInputTopic("events", new BytesSerializer(), new ByteArraySerializer());
    TestOutputTopic<String, byte[]> changelog = partialsChangelog();
    PaymentGenerator generator = new PaymentGenerator(READER, 5);
    for (int i = 1; i <= 3; i++) {
      pipe(generator, T0 + i);
    }
    assertThat(changelog.isEmpty()).as("three commits, no checkpoint yet").isTrue();

    driver.advanceWallClockTime(Duration.ofMillis(500));

    assertThat(events(changelog.readKeyValuesToMap())).isEqualTo(3);
  }

  /** Three events, one per commit: after each, the changelogged partials count one more. */
  private void assertEachCommitChangelogsItsEvent() {
    TestOutputTopic<String, byte[]> changelog = partialsChangelog();
    PaymentGenerator generator = new PaymentGenerator(READER, 5);
    Map<String, byte[]> latest = new TreeMap<>();
    for (int i = 1; i <= 3; i++) {
      pipe(generator, T0 + i);

      latest.putAll(changelog.readKeyValuesToMap());
      assertThat(events(latest))
          .as("events in the changelogged partials after commit %d", i)
          .isEqualTo(i);
    }
  }

  private TestOutputTopic<String, byte[]> partialsChangelog() {
    return driver.createOutputTopic(
        "scoring-test-" + ScoringTopology.DRIFT_PARTIALS_STORE + "-changelog",
        new StringDeserializer(),
        new ByteArrayDeserializer());
  }

  private void pipe(PaymentGenerator generator, long time) {
    events.pipeInput(
        new TestRecord<>(
            Bytes.wrap(("k" + time).getBytes(StandardCharsets.UTF_8)),
            encoder.encode(generator.next(time).record()),
            new RecordHeaders(),
            time));
  }

  private static long events(Map<String, byte[]> partials) {
    DriftWindows spec =
        new DriftWindows(
            Duration.ofMinutes(1),
            Duration.ofSeconds(10),
            FeatureExtractor.forSchema(READER).fields(),
            null);
    return partials.values().stream().mapToLong(bytes -> spec.decode(bytes).partial().events).sum();
  }

  @Test
  void shouldReportBaselineLikeStreamAsOkOnEveryFeature() {
    send(new PaymentGenerator(READER, 99), 1000, T0);
    assertThat(drift.isEmpty()).as("window still open").isTrue();

    tick(T0 + 2 * MINUTE);

    List<GenericRecord> reports = reports();
    assertThat(reports).hasSize(1);
    GenericRecord report = reports.get(0);
    assertThat(report.get("window_start")).isEqualTo(T0);
    assertThat(report.get("window_end")).isEqualTo(T0 + MINUTE);
    assertThat(report.get("event_count")).isEqualTo(1000L);
    assertThat(report.get("model_version")).hasToString("test-v1");
    assertThat(report.get("baseline_available")).isEqualTo(true);
    assertThat(statuses(report))
        .containsOnlyKeys(
            "amount",
            "currency",
            "country",
            "merchant_category",
            "channel",
            "card_present",
            "hour_of_day",
            "account_age_days")
        .allSatisfy((name, status) -> assertThat(status).isEqualTo("OK"));
    assertThat(((GenericRecord) report.get("prediction")).get("status")).hasToString("OK");
    assertThat(report.get("overall_status")).hasToString("OK");
    assertThat(feature(report, "amount").get("count")).isEqualTo(1000L);
    assertThat(summaries)
        .singleElement()
        .satisfies(s -> assertThat(s.overall()).isEqualTo(DriftStatus.OK));
  }

  @Test
  void shouldAlertExactlyOnShiftedFeatures() {
    PaymentGenerator shifted =
        new PaymentGenerator(READER, 99).shift(new PaymentGenerator.Shift(3.0, "BR", 0.3, -1));
    send(shifted, 1000, T0);
    tick(T0 + 2 * MINUTE);

    GenericRecord report = reports().get(0);
    Map<String, String> statuses = statuses(report);
    assertThat(statuses).containsEntry("amount", "ALERT").containsEntry("country", "ALERT");
    statuses.remove("amount");
    statuses.remove("country");
    assertThat(statuses).allSatisfy((name, status) -> assertThat(status).as(name).isEqualTo("OK"));
    assertThat(report.get("overall_status")).hasToString("ALERT");
    GenericRecord country = feature(report, "country");
    assertThat((Long) country.get("unseen")).isBetween(250L, 350L);
    assertThat((Double) country.get("psi")).isGreaterThan(0.25);
    GenericRecord amount = feature(report, "amount");
    assertThat((Double) amount.get("mean")).isGreaterThan(3 * 0.8 * 60);
  }

  @Test
  void shouldGiveNoVerdictBelowTheMinimumCount() {
    send(new PaymentGenerator(READER, 99), 150, T0);
    tick(T0 + 2 * MINUTE);

    GenericRecord report = reports().get(0);
    assertThat(report.get("event_count")).isEqualTo(150L);
    assertThat(statuses(report).values()).containsOnly("INSUFFICIENT_DATA");
    assertThat(report.get("overall_status")).hasToString("INSUFFICIENT_DATA");
    assertThat(feature(report, "amount").get("psi")).as("distances are still computed").isNotNull();
  }

  @Test
  void shouldMergeEventsWithinGraceAndCountLaterOnesAsLate() {
    PaymentGenerator generator = new PaymentGenerator(READER, 5);
    send(generator, 300, T0);
    tick(T0 + MINUTE + 5_000);
    assertThat(drift.isEmpty()).as("window 1 closes at its end + 10 s grace").isTrue();

    send(generator, 20, T0 + 10_000);
    assertThat(drift.isEmpty()).isTrue();
    tick(T0 + MINUTE + 10_000);
    List<GenericRecord> first = reports();
    assertThat(first)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.get("event_count")).as("300 + 20 within grace").isEqualTo(320L);
              assertThat(r.get("late_events")).isEqualTo(0L);
            });

    send(generator, 7, T0 + 5_000);
    assertThat(late).containsExactly(7L);
    tick(T0 + 3 * MINUTE);
    List<GenericRecord> second = reports();
    assertThat(second)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.get("window_start")).isEqualTo(T0 + MINUTE);
              assertThat(r.get("event_count")).as("the two ticks").isEqualTo(2L);
              assertThat(r.get("late_events")).isEqualTo(7L);
            });
  }

  @Test
  void shouldNotDelayPredictions() {
    send(new PaymentGenerator(READER, 3), 10, T0);
    assertThat(predictions.readRecordsToList()).hasSize(10);
  }
}

package dev.scorestream.demo;

import dev.scorestream.codec.DecodeResult;
import dev.scorestream.codec.WireFormatDecoder;
import dev.scorestream.codec.WireFormatEncoder;
import dev.scorestream.payments.PaymentGenerator;
import dev.scorestream.registry.SchemaRegistryClient;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.schemas.LabelledRecord;
import dev.scorestream.testkit.OutputCollector;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * {@code scorer demo --drift}: a stable phase, then a shifted one (amounts x3, a new country with
 * far more fraud, mostly card-not-present), each over {@link #WINDOWS_PER_PHASE} one-minute
 * event-time windows. Every event's true label follows about ten minutes later. Reads the
 * DriftReports and PerformanceReports the pipeline writes and prints, per window, the drift
 * verdict, the features in ALERT and the live accuracy.
 */
final class DriftScenario {

  static final int WINDOWS_PER_PHASE = 3;
  static final long WINDOW = 60_000;
  static final long LABEL_DELAY = 10 * WINDOW;
  static final PaymentGenerator.Shift SHIFT = new PaymentGenerator.Shift(3.0, "BR", 0.25, 0.6, 3.0);

  /** Features the shift changes directly; each must reach ALERT in every shifted window. */
  static final List<String> SHIFTED = List.of("amount", "country");

  /** One event-time window as the reports describe it. */
  record Row(
      long windowStart,
      boolean shifted,
      long events,
      String status,
      List<String> alerts,
      long labels,
      Double accuracy) {}

  record Result(List<Row> rows, Double baselineAccuracy, List<String> problems) {}

  private final PrintStream out;
  private final SchemaRegistryClient registry;
  private final String bootstrap;

  DriftScenario(PrintStream out, SchemaRegistryClient registry, String bootstrap) {
    this.out = out;
    this.registry = registry;
    this.bootstrap = bootstrap;
  }

  /**
   * Settings the scenario needs: 1-minute windows and a long grace. The events are a backfill
   * (hours of event time produced in a second), so one task can run minutes of event time ahead of
   * another; the grace keeps every window open until the far-future ticks close them all.
   */
  static Map<String, Object> settings() {
    return Map.of(
        "drift.window",
        "1m",
        "drift.grace",
        "1h",
        "drift.flush.interval",
        "300ms",
        "feedback.window",
        "1m",
        "feedback.grace",
        "1h",
        "feedback.label.wait",
        "3s");
  }

  Result run(int eventsPerWindow, long seed, int readerId, KafkaProducer<byte[], byte[]> producer) {
    Schema reader = Contracts.paymentEvent();
    WireFormatEncoder events = new WireFormatEncoder(reader, readerId);
    WireFormatEncoder labels =
        new WireFormatEncoder(
            Contracts.labelFeedback(),
            registry.register(DemoRunner.LABELS + "-value", Contracts.labelFeedback()));
    long t0 = Instant.now().minus(Duration.ofHours(2)).toEpochMilli() / WINDOW * WINDOW;
    PaymentGenerator generator = new PaymentGenerator(reader, seed);
    Random jitter = new Random(seed);
    List<LabelledRecord> produced = new ArrayList<>();
    int total = 2 * WINDOWS_PER_PHASE * eventsPerWindow;
    out.printf(
        "Drift scenario: %,d events over %d one-minute windows (stable, then shifted: %s), labels %d min later%n",
        total, 2 * WINDOWS_PER_PHASE, SHIFT, LABEL_DELAY / WINDOW);
    try (OutputCollector outputs =
        new OutputCollector(
            bootstrap,
            List.of(
                DemoRunner.PREDICTIONS,
                DemoRunner.DRIFT,
                DemoRunner.PERFORMANCE,
                DemoRunner.TRAINING))) {
      for (int w = 0; w < 2 * WINDOWS_PER_PHASE; w++) {
        if (w == WINDOWS_PER_PHASE) {
          generator.shift(SHIFT);
        }
        for (int i = 0; i < eventsPerWindow; i++) {
          long time = t0 + w * WINDOW + i * (WINDOW - 1_000) / eventsPerWindow;
          LabelledRecord event = generator.next(time);
          produced.add(event);
          producer.send(
              new ProducerRecord<>(
                  DemoRunner.EVENTS, null, time, id(event), events.encode(event.record())));
        }
      }
      producer.flush();
      waitFor(outputs, DemoRunner.PREDICTIONS, total, Duration.ofMinutes(3));
      for (LabelledRecord event : produced) {
        long time = (Long) event.record().get("event_time");
        long labelTime =
            time / WINDOW * WINDOW + LABEL_DELAY + jitter.nextInt((int) WINDOW - 1_000);
        producer.send(
            new ProducerRecord<>(
                DemoRunner.LABELS,
                null,
                labelTime,
                id(event),
                labels.encode(
                    label(event.record().get("event_id").toString(), event.label(), labelTime))));
      }
      producer.flush();
      // Every label joined (one training example each), then the partials reach the merger on the
      // next flush; only then may the ticks move the mergers' clocks past every window.
      waitFor(outputs, DemoRunner.TRAINING, total, Duration.ofMinutes(3));
      pause(1_500);
      // Now is past every window's end + 1 h grace (t0 is two hours ago); brokers refuse timestamps
      // far ahead.
      long end = System.currentTimeMillis();
      producer.send(
          new ProducerRecord<>(
              DemoRunner.EVENTS,
              null,
              end,
              "tick".getBytes(StandardCharsets.UTF_8),
              events.encode(new PaymentGenerator(reader, 0).next(end).record())));
      producer.send(
          new ProducerRecord<>(
              DemoRunner.LABELS,
              null,
              end,
              "tick".getBytes(StandardCharsets.UTF_8),
              labels.encode(label("tick", PaymentGenerator.LEGIT, end))));
      producer.flush();
      waitFor(outputs, DemoRunner.DRIFT, 2 * WINDOWS_PER_PHASE, Duration.ofMinutes(1));
      // The label tick matches no prediction: it counts (and moves the clock) once its 3 s wait is
      // over.
      waitFor(outputs, DemoRunner.PERFORMANCE, 2 * WINDOWS_PER_PHASE, Duration.ofMinutes(1));
      outputs.drain(Duration.ofSeconds(1), r -> {});
      return summarize(outputs.records(), t0);
    }
  }

  private static byte[] id(LabelledRecord event) {
    return event.record().get("event_id").toString().getBytes(StandardCharsets.UTF_8);
  }

  private static GenericRecord label(String eventId, String label, long labelTime) {
    GenericRecord feedback = new GenericData.Record(Contracts.labelFeedback());
    feedback.put("event_id", eventId);
    feedback.put("label", label);
    feedback.put("label_time", labelTime);
    return feedback;
  }

  private Result summarize(List<ConsumerRecord<byte[], byte[]>> records, long t0) {
    Map<Long, GenericRecord> drift =
        reportsByWindow(records, DemoRunner.DRIFT, Contracts.driftReport(), report -> true);
    Map<Long, GenericRecord> performance =
        reportsByWindow(
            records,
            DemoRunner.PERFORMANCE,
            Contracts.performanceReport(),
            report -> (Long) report.get("matched") > 0);
    List<Row> rows = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    Double baselineAccuracy = null;
    for (int w = 0; w < 2 * WINDOWS_PER_PHASE; w++) {
      long start = t0 + w * WINDOW;
      boolean shifted = w >= WINDOWS_PER_PHASE;
      GenericRecord report = drift.get(start);
      GenericRecord quality = performance.get(start + LABEL_DELAY);
      if (report == null || quality == null) {
        problems.add(
            "no "
                + (report == null ? "drift" : "performance")
                + " report for window "
                + Instant.ofEpochMilli(start));
        continue;
      }
      List<String> alerts = featuresInAlert(report);
      baselineAccuracy = (Double) quality.get("baseline_accuracy");
      Row row =
          new Row(
              start,
              shifted,
              (Long) report.get("event_count"),
              report.get("overall_status").toString(),
              alerts,
              (Long) quality.get("matched"),
              (Double) quality.get("accuracy"));
      rows.add(row);
      if (!shifted && !alerts.isEmpty()) {
        problems.add(
            "stable window " + Instant.ofEpochMilli(start) + " has features in ALERT: " + alerts);
      }
      if (shifted && !alerts.containsAll(SHIFTED)) {
        problems.add(
            "shifted window "
                + Instant.ofEpochMilli(start)
                + " lacks ALERT on "
                + SHIFTED
                + ": "
                + alerts);
      }
    }
    double stable = averageAccuracy(rows, false);
    double shifted = averageAccuracy(rows, true);
    if (!(shifted < stable)) {
      problems.add(
          String.format(
              "live accuracy did not drop after the shift: %.4f -> %.4f", stable, shifted));
    }
    print(rows, baselineAccuracy, stable, shifted);
    return new Result(rows, baselineAccuracy, problems);
  }

  /**
   * The reports on {@code topic} that {@code keep} accepts, by window start; a later report of a
   * window replaces an earlier one.
   */
  private Map<Long, GenericRecord> reportsByWindow(
      List<ConsumerRecord<byte[], byte[]>> records,
      String topic,
      Schema schema,
      Predicate<GenericRecord> keep) {
    WireFormatDecoder decoder = new WireFormatDecoder(schema, registry);
    Map<Long, GenericRecord> reports = new TreeMap<>();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      if (record.topic().equals(topic)) {
        GenericRecord report = ((DecodeResult.Decoded) decoder.decode(record.value())).record();
        if (keep.test(report)) {
          reports.put((Long) report.get("window_start"), report);
        }
      }
    }
    return reports;
  }

  private static List<String> featuresInAlert(GenericRecord driftReport) {
    List<String> alerts = new ArrayList<>();
    for (Object feature : (List<?>) driftReport.get("features")) {
      GenericRecord stats = (GenericRecord) feature;
      if (stats.get("status").toString().equals("ALERT")) {
        alerts.add(stats.get("name").toString());
      }
    }
    return alerts;
  }

  /** The mean live accuracy of the stable or of the shifted windows; NaN without any. */
  private static double averageAccuracy(List<Row> rows, boolean shifted) {
    return rows.stream()
        .filter(row -> row.shifted() == shifted)
        .mapToDouble(Row::accuracy)
        .average()
        .orElse(Double.NaN);
  }

  private void print(List<Row> rows, Double baselineAccuracy, double stable, double shifted) {
    out.println();
    out.printf(
        "%-22s %-8s %7s %-18s %7s %9s  %s%n",
        "window (event time)",
        "phase",
        "events",
        "drift",
        "labels",
        "accuracy",
        "features in ALERT");
    for (Row row : rows) {
      out.printf(
          "%-22s %-8s %7d %-18s %7d %9.4f  %s%n",
          Instant.ofEpochMilli(row.windowStart()),
          row.shifted() ? "shifted" : "stable",
          row.events(),
          row.status(),
          row.labels(),
          row.accuracy(),
          row.alerts().isEmpty() ? "-" : String.join(", ", row.alerts()));
    }
    TreeSet<String> alerted = new TreeSet<>();
    rows.stream().filter(Row::shifted).forEach(row -> alerted.addAll(row.alerts()));
    out.println();
    out.printf(
        "Features in ALERT after the shift: %s%n",
        alerted.isEmpty() ? "none" : String.join(", ", alerted));
    out.printf(
        "Live accuracy: %.4f stable -> %.4f shifted (model's held-out accuracy %s)%n",
        stable,
        shifted,
        baselineAccuracy == null ? "unknown" : String.format("%.4f", baselineAccuracy));
  }

  private void waitFor(OutputCollector outputs, String topic, int count, Duration timeout) {
    outputs.pollUntil(
        () -> outputs.records().stream().filter(r -> r.topic().equals(topic)).count() >= count,
        timeout,
        r -> {});
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

package dev.scorestream.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import dev.scorestream.codec.DecodeResult;
import dev.scorestream.codec.WireFormatDecoder;
import dev.scorestream.codec.WireFormatEncoder;
import dev.scorestream.config.ScorerConfig;
import dev.scorestream.feedback.TrainingExamples;
import dev.scorestream.fixtures.RunningPipeline;
import dev.scorestream.payments.PaymentGenerator;
import dev.scorestream.registry.RegistrySettings;
import dev.scorestream.registry.SchemaRegistryClient;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.testkit.EmbeddedStack;
import dev.scorestream.testkit.OutputCollector;
import dev.scorestream.testkit.RealComponents;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drift and feedback on the real broker and registry. The same 1,200 events over three 1-minute
 * windows go through a pipeline reading a 1-partition topic and one reading an 8-partition topic:
 * the DriftReports must agree number for number (moments to 1e-9, since floating-point merges
 * depend on how events were split; half are keyed by event id, half by customer). Then labels on a
 * 4-partition topic, partitioned as any producer might (murmur2 of the event id, another partition,
 * no key), join every prediction of the 8-partition pipeline: one training example each and a
 * performance report that counts them all.
 */
@ExtendWith(RealComponents.class)
class DriftAndFeedbackIT {

  static final long T0 = 1_764_000_000_000L - 1_764_000_000_000L % 60_000;
  static final int EVENTS = 1_200;
  static final int LABEL_PARTITIONS = 4; // RunningPipeline's labels topic
  static final Map<String, Object> ANALYTICS =
      Map.of(
          ScorerConfig.DRIFT_WINDOW,
          "1m",
          ScorerConfig.DRIFT_GRACE,
          "1h",
          ScorerConfig.DRIFT_FLUSH_INTERVAL,
          "200ms",
          ScorerConfig.FEEDBACK_WINDOW,
          "1h",
          ScorerConfig.FEEDBACK_GRACE,
          "0s",
          ScorerConfig.FEEDBACK_LABEL_WAIT,
          "3s");

  @TempDir Path dir;

  @Test
  void shouldReportTheSameDriftForOneAndEightPartitionsAndJoinEveryLabel(EmbeddedStack stack)
      throws Exception {
    SchemaRegistryClient registry =
        new SchemaRegistryClient(RegistrySettings.of(stack.registry().url()));
    int readerId = registry.register("drift-it-events-value", Contracts.paymentEvent());
    WireFormatEncoder encoder = new WireFormatEncoder(Contracts.paymentEvent(), readerId);
    PaymentGenerator generator = new PaymentGenerator(Contracts.paymentEvent(), 404);
    List<GenericRecord> events = new ArrayList<>();
    for (int i = 0; i < EVENTS; i++) {
      events.add(generator.next(T0 + i * 150L).record()); // 1,200 events over 180 s: three windows
    }

    Map<Long, GenericRecord> one;
    try (RunningPipeline pipeline =
        RunningPipeline.start(
            stack.kafka(), stack.registry().url(), "drift1-", dir.resolve("one"), ANALYTICS, 1)) {
      one = driftReports(stack, registry, pipeline, events, encoder);
    }
    try (RunningPipeline pipeline =
        RunningPipeline.start(
            stack.kafka(), stack.registry().url(), "drift8-", dir.resolve("eight"), ANALYTICS, 8)) {
      Map<Long, GenericRecord> eight = driftReports(stack, registry, pipeline, events, encoder);
      assertThat(eight.keySet()).containsExactly(T0, T0 + 60_000, T0 + 120_000);
      for (long window : one.keySet()) {
        assertSameDrift(one.get(window), eight.get(window));
      }
      assertThat(one.values().stream().mapToLong(r -> (Long) r.get("event_count")).sum())
          .isEqualTo(EVENTS);

      joinLabels(stack, registry, pipeline, events);
    }
  }

  /**
   * Sends the events and a closing tick; returns the DriftReports of the three windows by start.
   */
  Map<Long, GenericRecord> driftReports(
      EmbeddedStack stack,
      SchemaRegistryClient registry,
      RunningPipeline pipeline,
      List<GenericRecord> events,
      WireFormatEncoder encoder)
      throws Exception {
    try (OutputCollector outputs =
        new OutputCollector(
            stack.kafka().bootstrapServers(), List.of(pipeline.predictions, pipeline.drift))) {
      List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
      for (int i = 0; i < events.size(); i++) {
        GenericRecord event = events.get(i);
        // Half keyed by event id (their snapshots stay on their task), half by customer (their
        // snapshots travel to the task their labels reach).
        String key = i % 2 == 0 ? event.get("event_id").toString() : "customer-" + i;
        records.add(
            new ProducerRecord<>(
                pipeline.events,
                null,
                (Long) event.get("event_time"),
                key.getBytes(StandardCharsets.UTF_8),
                encoder.encode(event)));
      }
      pipeline.produce(records);
      assertThat(
              outputs.pollUntil(
                  () -> count(outputs, pipeline.predictions) >= EVENTS,
                  Duration.ofMinutes(2),
                  r -> {}))
          .isTrue();
      // Partials reach the merger on the next flush (200 ms): let every one arrive before the tick
      // moves its clock.
      pipeline.awaitSettled(Duration.ofMillis(1_000));
      GenericRecord tick =
          new PaymentGenerator(Contracts.paymentEvent(), 1).next(T0 + 2 * 3_600_000L).record();
      pipeline.produce(
          List.of(
              new ProducerRecord<>(
                  pipeline.events,
                  null,
                  T0 + 2 * 3_600_000L,
                  "tick".getBytes(StandardCharsets.UTF_8),
                  encoder.encode(tick))));
      assertThat(
              outputs.pollUntil(
                  () -> count(outputs, pipeline.drift) >= 3, Duration.ofMinutes(1), r -> {}))
          .as("three windows reported")
          .isTrue();
      WireFormatDecoder decoder = new WireFormatDecoder(Contracts.driftReport(), registry);
      Map<Long, GenericRecord> reports = new TreeMap<>();
      for (ConsumerRecord<byte[], byte[]> record : outputs.records()) {
        if (record.topic().equals(pipeline.drift)) {
          GenericRecord report = ((DecodeResult.Decoded) decoder.decode(record.value())).record();
          reports.put((Long) report.get("window_start"), report);
          assertThat(report.get("late_events")).isEqualTo(0L);
        }
      }
      return reports;
    }
  }

  static long count(OutputCollector outputs, String topic) {
    return outputs.records().stream().filter(r -> r.topic().equals(topic)).count();
  }

  static void assertSameDrift(GenericRecord a, GenericRecord b) {
    for (String field :
        List.of(
            "window_start",
            "window_end",
            "event_count",
            "late_events",
            "model_version",
            "baseline_id",
            "overall_status")) {
      assertThat(b.get(field)).as(field).isEqualTo(a.get(field));
    }
    List<?> featuresA = (List<?>) a.get("features");
    List<?> featuresB = (List<?>) b.get("features");
    assertThat(featuresB).hasSameSizeAs(featuresA);
    for (int i = 0; i < featuresA.size(); i++) {
      GenericRecord fa = (GenericRecord) featuresA.get(i);
      GenericRecord fb = (GenericRecord) featuresB.get(i);
      String name = fa.get("name").toString();
      for (String field :
          List.of(
              "name",
              "count",
              "missing_rate",
              "histogram",
              "categories",
              "unseen",
              "psi",
              "js_distance",
              "status",
              "min",
              "max")) {
        assertThat(fb.get(field)).as(name + "." + field).isEqualTo(fa.get(field));
      }
      for (String field : List.of("mean", "variance")) {
        if (fa.get(field) != null) {
          double expected = (Double) fa.get(field);
          assertThat((Double) fb.get(field))
              .as(name + "." + field)
              .isCloseTo(expected, offset(1e-9 * Math.max(1, Math.abs(expected))));
        }
      }
    }
    GenericRecord pa = (GenericRecord) a.get("prediction");
    GenericRecord pb = (GenericRecord) b.get("prediction");
    for (String field : List.of("count", "label_counts", "psi", "js_distance", "status")) {
      assertThat(pb.get(field)).as("prediction." + field).isEqualTo(pa.get(field));
    }
  }

  void joinLabels(
      EmbeddedStack stack,
      SchemaRegistryClient registry,
      RunningPipeline pipeline,
      List<GenericRecord> events)
      throws Exception {
    int labelId = registry.register(pipeline.labels + "-value", Contracts.labelFeedback());
    WireFormatEncoder encoder = new WireFormatEncoder(Contracts.labelFeedback(), labelId);
    long labelTime = T0 + 3 * 3_600_000L;
    List<ProducerRecord<byte[], byte[]>> labels = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      String eventId = events.get(i).get("event_id").toString();
      GenericRecord label = new GenericData.Record(Contracts.labelFeedback());
      label.put("event_id", eventId);
      label.put("label", PaymentGenerator.LEGIT);
      label.put("label_time", labelTime);
      byte[] key = eventId.getBytes(StandardCharsets.UTF_8);
      // Producers do not all partition like Kafka's Java client: a third of the labels land where
      // murmur2 would not put them (librdkafka's default, CRC32, does that), a third have no key
      // (the id is only in the value), the rest are keyed the usual way. Every one must join.
      Integer partition = null;
      switch (i % 3) {
        case 0 -> partition = (Utils.toPositive(Utils.murmur2(key)) + 1) % LABEL_PARTITIONS;
        case 1 -> {
          key = null;
          partition = i % LABEL_PARTITIONS;
        }
        default -> {}
      }
      labels.add(
          new ProducerRecord<>(pipeline.labels, partition, labelTime, key, encoder.encode(label)));
    }
    pipeline.produce(labels);
    try (OutputCollector outputs =
        new OutputCollector(
            stack.kafka().bootstrapServers(), List.of(pipeline.training, pipeline.performance))) {
      assertThat(
              outputs.pollUntil(
                  () -> count(outputs, pipeline.training) >= EVENTS,
                  Duration.ofMinutes(2),
                  r -> {}))
          .as("a training example per label, got %d", count(outputs, pipeline.training))
          .isTrue();
      pipeline.awaitSettled(Duration.ofMillis(1_000));
      GenericRecord closing = new GenericData.Record(Contracts.labelFeedback());
      closing.put("event_id", "no-such-event");
      closing.put("label", PaymentGenerator.LEGIT);
      closing.put("label_time", labelTime + 2 * 3_600_000L);
      pipeline.produce(
          List.of(
              new ProducerRecord<>(
                  pipeline.labels,
                  null,
                  labelTime + 2 * 3_600_000L,
                  "no-such-event".getBytes(StandardCharsets.UTF_8),
                  encoder.encode(closing))));
      assertThat(
              outputs.pollUntil(
                  () -> count(outputs, pipeline.performance) >= 1, Duration.ofMinutes(1), r -> {}))
          .isTrue();
      outputs.drain(Duration.ofSeconds(2), r -> {});

      WireFormatDecoder trainingDecoder =
          new WireFormatDecoder(new TrainingExamples(Contracts.paymentEvent()).schema(), registry);
      WireFormatDecoder performanceDecoder =
          new WireFormatDecoder(Contracts.performanceReport(), registry);
      Set<String> examples = new HashSet<>();
      GenericRecord report = null;
      for (ConsumerRecord<byte[], byte[]> record : outputs.records()) {
        if (record.topic().equals(pipeline.training)) {
          GenericRecord example =
              ((DecodeResult.Decoded) trainingDecoder.decode(record.value())).record();
          assertThat(examples.add(example.get("event_id").toString()))
              .as("each example once")
              .isTrue();
        } else {
          report = ((DecodeResult.Decoded) performanceDecoder.decode(record.value())).record();
        }
      }
      assertThat(examples).hasSize(EVENTS);
      assertThat(report).isNotNull();
      assertThat(report.get("matched")).isEqualTo((long) EVENTS);
      assertThat(report.get("unmatched")).isEqualTo(0L);
      assertThat(report.get("model_version")).hasToString("test-v1");
    }
  }
}

package dev.scorestream.integration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.codec.DecodeResult;
import dev.scorestream.codec.WireFormatDecoder;
import dev.scorestream.codec.WireFormatEncoder;
import dev.scorestream.config.ScorerConfig;
import dev.scorestream.enrichment.EnrichmentSpec;
import dev.scorestream.feedback.TrainingExamples;
import dev.scorestream.fixtures.CliRun;
import dev.scorestream.fixtures.RunningPipeline;
import dev.scorestream.registry.RegistrySettings;
import dev.scorestream.registry.SchemaRegistryClient;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.testkit.EmbeddedStack;
import dev.scorestream.testkit.OutputCollector;
import dev.scorestream.testkit.RealComponents;
import dev.scorestream.training.CustomerActivity;
import dev.scorestream.training.TestModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A customer's recent payments as features in the real pipeline (3 partitions, keyed by customer):
 * the features the stream served (as its training examples carry them) are the ones {@code scorer
 * features} recomputes from the topic afterwards, bit for bit; its output trains a model; and REST
 * scoring reads the instance's histories.
 */
@ExtendWith(RealComponents.class)
class EntityFeaturesIT {

  static final int CUSTOMERS = 12;
  static final int PAYMENTS = 240;

  @TempDir Path dir;

  @Test
  void shouldBackfillExactlyTheFeaturesTheStreamServed(EmbeddedStack stack) throws Exception {
    String prefix = "entity-";
    SchemaRegistryClient registry =
        new SchemaRegistryClient(RegistrySettings.of(stack.registry().url()));
    WireFormatEncoder payments =
        new WireFormatEncoder(
            Contracts.paymentEvent(),
            registry.register(prefix + "events-value", Contracts.paymentEvent()));
    WireFormatEncoder labelEncoder =
        new WireFormatEncoder(
            Contracts.labelFeedback(),
            registry.register(prefix + "events.labels-value", Contracts.labelFeedback()));
    Path spec = Files.writeString(dir.resolve("enrichment.json"), CustomerActivity.json(true));
    EnrichmentSpec enrichment = CustomerActivity.spec(true);
    Path model = dir.resolve("burst-model");
    CustomerActivity.model("burst-v1").save(model);

    // Traffic in time order across customers, as it arrives in production: some customers pay
    // in bursts a second or two apart, and a tenth of the payments are up to a minute late
    // (within the two-minute grace). Keyed by customer, so each customer stays in one partition.
    Random random = new Random(11);
    long start = System.currentTimeMillis() - Duration.ofHours(3).toMillis();
    long clock = start;
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    StringBuilder labels = new StringBuilder("event_id,label\n");
    Map<String, String> labelOf = new HashMap<>();
    int customer = 0;
    for (int i = 0; i < PAYMENTS; i++) {
      boolean burst = random.nextDouble() < 0.5;
      clock += burst ? 1_000 + random.nextInt(2_000) : random.nextInt(60_000);
      if (!burst) {
        customer = random.nextInt(CUSTOMERS);
      }
      long time = clock - (random.nextDouble() < 0.1 ? random.nextInt(60_000) : 0);
      String eventId = "p-" + i;
      GenericRecord event = TestModels.payments(1, i).get(0).record();
      event.put("event_id", eventId);
      event.put("customer_id", "cust-" + customer);
      records.add(
          new ProducerRecord<>(
              prefix + "events",
              null,
              time,
              ("cust-" + customer).getBytes(StandardCharsets.UTF_8),
              payments.encode(event)));
      String label = random.nextBoolean() ? "FRAUD" : "LEGIT";
      labelOf.put(eventId, label);
      labels.append(eventId).append(',').append(label).append('\n');
    }
    Path labelsFile = Files.writeString(dir.resolve("labels.csv"), labels);

    Map<String, GenericRecord> served = new HashMap<>();
    String restAnswer;
    try (RunningPipeline pipeline =
            RunningPipeline.start(
                stack.kafka(),
                stack.registry().url(),
                prefix,
                dir,
                Map.of(
                    ScorerConfig.MODEL_DIR, model.toString(),
                    ScorerConfig.ENRICHMENT_SPEC_PATH, spec.toString()),
                3);
        OutputCollector training =
            new OutputCollector(stack.kafka().bootstrapServers(), List.of(pipeline.training))) {
      pipeline.produce(records);
      List<ProducerRecord<byte[], byte[]>> labelRecords = new ArrayList<>();
      labelOf.forEach(
          (eventId, label) -> {
            GenericRecord feedback = new GenericData.Record(Contracts.labelFeedback());
            feedback.put("event_id", eventId);
            feedback.put("label", label);
            feedback.put("label_time", System.currentTimeMillis());
            labelRecords.add(
                new ProducerRecord<>(
                    pipeline.labels,
                    eventId.getBytes(StandardCharsets.UTF_8),
                    labelEncoder.encode(feedback)));
          });
      pipeline.produce(labelRecords);
      assertThat(
              training.pollUntil(
                  () -> training.records().size() >= PAYMENTS, Duration.ofMinutes(2), r -> {}))
          .as("a training example per payment, got %d", training.records().size())
          .isTrue();
      WireFormatDecoder decoder =
          new WireFormatDecoder(
              new TrainingExamples(enrichment.enrichedSchema()).schema(), registry);
      for (ConsumerRecord<byte[], byte[]> record : training.records()) {
        GenericRecord example = ((DecodeResult.Decoded) decoder.decode(record.value())).record();
        GenericRecord event = (GenericRecord) example.get("event");
        served.put(event.get("event_id").toString(), event);
      }

      // A burst right now: REST scores it as of now, from this instance's histories.
      long now = System.currentTimeMillis();
      List<ProducerRecord<byte[], byte[]>> burst = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        GenericRecord event = TestModels.payments(1, 1000 + i).get(0).record();
        event.put("event_id", "now-" + i);
        event.put("customer_id", "rest-burst");
        burst.add(
            new ProducerRecord<>(
                pipeline.events,
                null,
                now - 3_000 + i * 1_000,
                "rest-burst".getBytes(StandardCharsets.UTF_8),
                payments.encode(event)));
      }
      pipeline.produce(burst);
      String url = pipeline.app().httpUrl().orElseThrow();
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> EnrichmentIT.restLabel(url, "rest-burst").contains("\"FRAUD\""));
      restAnswer = EnrichmentIT.restLabel(url, "nobody-yet");
      String metrics = pipeline.app().meters().scrape();
      assertThat(metrics)
          .containsPattern(
              "scorer_enrichment_entity_events_total\\{entity=\"customer\",outcome=\"recorded\"\\}"
                  + " [1-9]");
    }
    assertThat(restAnswer).as("a customer with no history").contains("\"LEGIT\"");
    assertThat(served).hasSize(PAYMENTS);

    Path out = dir.resolve("features.avro");
    CliRun backfill =
        CliRun.of(
            "features",
            "--from-topic",
            prefix + "events",
            "--until",
            Instant.ofEpochMilli(start + Duration.ofHours(4).toMillis() - 1).toString(),
            "--bootstrap-server",
            stack.kafka().bootstrapServers(),
            "--registry",
            stack.registry().url(),
            "--enrichment",
            spec.toString(),
            "--labels",
            labelsFile.toString(),
            "--out",
            out.toString());
    assertThat(backfill.exit()).as(backfill.err()).isZero();
    assertThat(backfill.out()).contains("wrote " + PAYMENTS + " events");

    List<String> entityFields = enrichment.entity().orElseThrow().fieldNames();
    int compared = 0;
    try (DataFileReader<GenericRecord> file =
        new DataFileReader<>(out.toFile(), new GenericDatumReader<>())) {
      Schema written = file.getSchema();
      assertThat(written.getField("label")).isNotNull();
      for (GenericRecord backfilled : file) {
        String eventId = backfilled.get("event_id").toString();
        GenericRecord live = served.get(eventId);
        assertThat(live).as(eventId).isNotNull();
        for (String field : entityFields) {
          assertThat(backfilled.get(field))
              .as("%s of %s: backfill and stream", field, eventId)
              .isEqualTo(live.get(field));
        }
        assertThat(backfilled.get("label")).hasToString(labelOf.get(eventId));
        compared++;
      }
    }
    assertThat(compared).isEqualTo(PAYMENTS);
    assertThat(served.values())
        .as("the features are not all defaults")
        .anyMatch(e -> (Double) e.get("customer_count_1m") >= 2);

    CliRun train =
        CliRun.of(
            "train",
            "--input",
            out.toString(),
            "--enrichment",
            spec.toString(),
            "--out",
            dir.resolve("first-model").toString());
    assertThat(train.exit()).as(train.err()).isZero();
    assertThat(Files.readString(dir.resolve("first-model").resolve("baseline.json")))
        .as("the first model learned from the entity features")
        .contains("customer_count_1m");
  }
}

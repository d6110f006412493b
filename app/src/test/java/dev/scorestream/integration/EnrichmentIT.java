package dev.scorestream.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.scorestream.codec.DecodeResult;
import dev.scorestream.codec.WireFormatDecoder;
import dev.scorestream.codec.WireFormatEncoder;
import dev.scorestream.config.ScorerConfig;
import dev.scorestream.features.JsonEvents;
import dev.scorestream.fixtures.RunningPipeline;
import dev.scorestream.registry.RegistrySettings;
import dev.scorestream.registry.SchemaRegistryClient;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.testkit.EmbeddedStack;
import dev.scorestream.testkit.OutputCollector;
import dev.scorestream.testkit.RealComponents;
import dev.scorestream.training.CustomerTable;
import dev.scorestream.training.TestModels;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A customers table on a compacted topic (Avro through the real registry) joined onto payments by
 * the real pipeline: predictions follow the table's rows as they change, REST scoring reads the
 * instance's copy of the table, and lookups are counted.
 */
@ExtendWith(RealComponents.class)
class EnrichmentIT {

  @TempDir Path dir;

  @Test
  void shouldScoreStreamAndRequestsWithTheCurrentReferenceRows(EmbeddedStack stack)
      throws Exception {
    String prefix = "enrich-";
    String topic = prefix + "customers";
    stack.kafka().createTopics(Map.of(topic, 1), Map.of("cleanup.policy", "compact"));
    SchemaRegistryClient registry =
        new SchemaRegistryClient(RegistrySettings.of(stack.registry().url()));
    WireFormatEncoder customers =
        new WireFormatEncoder(
            CustomerTable.CUSTOMER, registry.register(topic + "-value", CustomerTable.CUSTOMER));
    WireFormatEncoder payments =
        new WireFormatEncoder(
            Contracts.paymentEvent(),
            registry.register(prefix + "events-value", Contracts.paymentEvent()));
    Path spec = Files.writeString(dir.resolve("enrichment.json"), CustomerTable.json(topic, false));
    Path model = dir.resolve("context-model");
    CustomerTable.model("ctx-v1").save(model);
    publish(stack, topic, customers, "alice", "risky");
    publish(stack, topic, customers, "bob", "standard");

    try (RunningPipeline pipeline =
            RunningPipeline.start(
                stack.kafka(),
                stack.registry().url(),
                prefix,
                dir,
                Map.of(
                    ScorerConfig.MODEL_DIR, model.toString(),
                    ScorerConfig.ENRICHMENT_SPEC_PATH, spec.toString()));
        OutputCollector predictions =
            new OutputCollector(stack.kafka().bootstrapServers(), List.of(pipeline.predictions))) {
      pipeline.produce(
          List.of(
              payment(pipeline, payments, "e-1", "alice"),
              payment(pipeline, payments, "e-2", "bob"),
              payment(pipeline, payments, "e-3", "zoe")));
      Map<String, String> labels = labels(predictions, 3);
      assertThat(labels)
          .containsEntry("e-1", "FRAUD")
          .containsEntry("e-2", "LEGIT")
          .as("no row: the defaults and the missing flag")
          .containsEntry("e-3", "LEGIT");

      publish(stack, topic, customers, "alice", "standard");
      publish(stack, topic, customers, "bob", "risky");
      // The global table follows its topic on its own thread: wait until REST sees the new row,
      // then the stream's later events see it too.
      String url = pipeline.app().httpUrl().orElseThrow();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> restLabel(url, "bob").contains("\"FRAUD\""));
      pipeline.produce(
          List.of(
              payment(pipeline, payments, "e-4", "alice"),
              payment(pipeline, payments, "e-5", "bob")));
      labels = labels(predictions, 5);
      assertThat(labels).containsEntry("e-4", "LEGIT").containsEntry("e-5", "FRAUD");

      String metrics = pipeline.app().meters().scrape();
      assertThat(metrics)
          .containsPattern(
              "scorer_enrichment_lookups_total\\{found=\"missing\",table=\"customers\"\\} [1-9]")
          .containsPattern(
              "scorer_enrichment_lookups_total\\{found=\"hit\",table=\"customers\"\\} [1-9]");
    }
  }

  static void publish(
      EmbeddedStack stack, String topic, WireFormatEncoder encoder, String id, String segment)
      throws Exception {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      producer
          .send(
              new ProducerRecord<>(
                  topic,
                  id.getBytes(StandardCharsets.UTF_8),
                  CustomerTable.row(encoder, segment, 2)))
          .get(30, TimeUnit.SECONDS);
    }
  }

  static ProducerRecord<byte[], byte[]> payment(
      RunningPipeline pipeline, WireFormatEncoder encoder, String eventId, String customer) {
    GenericRecord event = TestModels.payments(1, eventId.hashCode()).get(0).record();
    event.put("event_id", eventId);
    event.put("customer_id", customer);
    return new ProducerRecord<>(
        pipeline.events, eventId.getBytes(StandardCharsets.UTF_8), encoder.encode(event));
  }

  static String restLabel(String url, String customer) throws Exception {
    GenericRecord event = TestModels.payments(1, 77).get(0).record();
    event.put("customer_id", customer);
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url + "/v1/score"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JsonEvents.toJson(event).toString()))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.body();
  }

  /** Predicted labels by event id, once {@code count} predictions have arrived. */
  static Map<String, String> labels(OutputCollector predictions, int count) {
    assertThat(
            predictions.pollUntil(
                () -> predictions.records().size() >= count, Duration.ofMinutes(1), r -> {}))
        .as("%d predictions, got %d", count, predictions.records().size())
        .isTrue();
    WireFormatDecoder decoder =
        new WireFormatDecoder(Contracts.prediction(), id -> Contracts.prediction());
    Map<String, String> labels = new java.util.HashMap<>();
    for (ConsumerRecord<byte[], byte[]> record : predictions.records()) {
      GenericRecord prediction = ((DecodeResult.Decoded) decoder.decode(record.value())).record();
      labels.put(
          prediction.get("event_id").toString(), prediction.get("predicted_label").toString());
    }
    return labels;
  }
}

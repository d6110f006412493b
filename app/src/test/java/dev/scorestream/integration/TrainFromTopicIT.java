package dev.scorestream.integration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.cli.ScorerCli;
import dev.scorestream.codec.WireFormatEncoder;
import dev.scorestream.feedback.PredictionSnapshots;
import dev.scorestream.feedback.TrainingExamples;
import dev.scorestream.model.ModelArtifact;
import dev.scorestream.registry.RegistrySettings;
import dev.scorestream.registry.SchemaRegistryClient;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.schemas.LabelledRecord;
import dev.scorestream.testkit.EmbeddedStack;
import dev.scorestream.testkit.RealComponents;
import dev.scorestream.training.TestModels;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code scorer train --from-topic}: the retraining path from gathered production examples. */
@ExtendWith(RealComponents.class)
class TrainFromTopicIT {

  @TempDir Path dir;

  @Test
  void shouldTrainFromTrainingExamplesOnATopic(EmbeddedStack stack) {
    String topic = "train-it.training";
    stack.kafka().createTopics(Map.of(topic, 2));
    TrainingExamples examples = new TrainingExamples(Contracts.paymentEvent());
    int schemaId =
        new SchemaRegistryClient(RegistrySettings.of(stack.registry().url()))
            .register(topic + "-value", examples.schema());
    WireFormatEncoder encoder = new WireFormatEncoder(examples.schema(), schemaId);
    Instant cutoff = Instant.parse("2026-11-20T00:00:00Z");
    List<LabelledRecord> rows = TestModels.payments(1600, 44);
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < rows.size(); i++) {
        GenericRecord event = rows.get(i).record();
        if (i < 2) {
          event.put("amount", -1.0);
        }
        byte[] value =
            encoder.encode(
                examples.create(
                    new PredictionSnapshots.Snapshot(
                        event.get("event_id").toString(),
                        "test-v1",
                        null,
                        null,
                        java.util.Map.of(),
                        cutoff.toEpochMilli(),
                        event,
                        null),
                    rows.get(i).label(),
                    cutoff.toEpochMilli()));
        long timestamp =
            i < 100
                ? cutoff.minusSeconds(3600).toEpochMilli()
                : cutoff.plusSeconds(i).toEpochMilli();
        producer.send(
            new ProducerRecord<>(
                topic, null, timestamp, ("k" + i).getBytes(StandardCharsets.UTF_8), value));
      }
      producer.send(
          new ProducerRecord<>(
              topic,
              null,
              cutoff.plusSeconds(5000).toEpochMilli(),
              null,
              "{\"not\":\"avro\"}".getBytes(StandardCharsets.UTF_8)));
      producer.flush();
    }

    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Path model = dir.resolve("retrained");
    int code =
        ScorerCli.execute(
            new String[] {
              "train",
              "--from-topic",
              topic,
              "--bootstrap-server",
              stack.kafka().bootstrapServers(),
              "--registry",
              stack.registry().url(),
              "--since",
              cutoff.toString(),
              "--out",
              model.toString(),
              "--model-version",
              "retrained-1"
            },
            new PrintWriter(out, true),
            new PrintWriter(err, true));

    assertThat(code).as(out + "\n" + err).isZero();
    assertThat(out.toString())
        .contains("read 1,500 rows from " + topic + ", skipped 1 {NOT_WIRE_FORMAT=1}");
    ModelArtifact artifact = ModelArtifact.load(model, TestModels.extractor());
    assertThat(artifact.metadata().version()).isEqualTo("retrained-1");
    assertThat(
            artifact.metadata().trainingExamples()
                + artifact.metadata().evaluation().testExamples())
        .isEqualTo(1500);

    StringWriter all = new StringWriter();
    assertThat(
            ScorerCli.execute(
                new String[] {
                  "train",
                  "--from-topic",
                  topic,
                  "--bootstrap", // Kafka's tools spell it --bootstrap-server; the short one still
                  // works
                  stack.kafka().bootstrapServers(),
                  "--registry",
                  stack.registry().url(),
                  "--out",
                  dir.resolve("all").toString()
                },
                new PrintWriter(all, true),
                new PrintWriter(new StringWriter(), true)))
        .isZero();
    assertThat(all.toString())
        .contains(
            "read 1,598 rows from " + topic + ", skipped 3 {NOT_WIRE_FORMAT=1, amount.min=2}");
  }
}

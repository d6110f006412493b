package dev.scorestream.integration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.codec.WireFormatEncoder;
import dev.scorestream.payments.PaymentGenerator;
import dev.scorestream.registry.RegistrySettings;
import dev.scorestream.registry.SchemaRegistryClient;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.testkit.EmbeddedStack;
import dev.scorestream.testkit.OutputCollector;
import dev.scorestream.testkit.RealComponents;
import dev.scorestream.training.TestModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scorer.jar run --config FILE} as operators start it: scores, then stops cleanly on
 * SIGTERM.
 */
@ExtendWith(RealComponents.class)
class RunCommandIT {

  @TempDir Path dir;

  @Test
  void shouldRunFromConfigFileAndStopCleanlyOnSigterm(EmbeddedStack stack) throws Exception {
    stack
        .kafka()
        .createTopics(
            Map.of(
                "run-events",
                2,
                "run-predictions",
                2,
                "run-dlq",
                1,
                "run-drift",
                1,
                "run-labels",
                2,
                "run-performance",
                1,
                "run-training",
                1));
    Path model = dir.resolve("model");
    TestModels.logistic().save(model);
    Path config =
        Files.writeString(
            dir.resolve("scorer.properties"),
            String.join(
                    "\n",
                    "bootstrap.servers=" + stack.kafka().bootstrapServers(),
                    "schema.registry.url=" + stack.registry().url(),
                    "model.dir=" + model,
                    "application.id=run-it",
                    "topic.events=run-events",
                    "topic.predictions=run-predictions",
                    "topic.dlq=run-dlq",
                    "topic.drift=run-drift",
                    "topic.labels=run-labels",
                    "topic.performance=run-performance",
                    "topic.training=run-training",
                    "http.port=0",
                    "grpc.port=0",
                    "management.port=0",
                    "state.dir=" + dir.resolve("state"))
                + "\n");
    Path log = dir.resolve("run.log");
    Process scorer =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-jar",
                Path.of("target", "scorer.jar").toAbsolutePath().toString(),
                "run",
                "--config",
                config.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      int schemaId =
          new SchemaRegistryClient(RegistrySettings.of(stack.registry().url()))
              .register("run-events-value", Contracts.paymentEvent());
      WireFormatEncoder encoder = new WireFormatEncoder(Contracts.paymentEvent(), schemaId);
      PaymentGenerator payments = new PaymentGenerator(Contracts.paymentEvent(), 12);
      Properties props = new Properties();
      props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
      try (KafkaProducer<byte[], byte[]> producer =
          new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
        for (int i = 0; i < 50; i++) {
          producer.send(
              new ProducerRecord<>(
                  "run-events",
                  ("r" + i).getBytes(StandardCharsets.UTF_8),
                  encoder.encode(payments.next(System.currentTimeMillis()).record())));
        }
      }
      try (OutputCollector predictions =
          new OutputCollector(stack.kafka().bootstrapServers(), List.of("run-predictions"))) {
        assertThat(
                predictions.pollUntil(
                    () -> predictions.records().size() >= 50, Duration.ofSeconds(90), r -> {}))
            .as(Files.readString(log))
            .isTrue();
      }
      assertThat(scorer.isAlive()).isTrue();

      scorer.destroy();
      assertThat(scorer.waitFor(60, TimeUnit.SECONDS))
          .as("stops within a minute of SIGTERM")
          .isTrue();
      String output = Files.readString(log);
      assertThat(output)
          .contains("stopping scorer")
          .contains("PENDING_SHUTDOWN -> NOT_RUNNING")
          .doesNotContain("Exception in thread");
    } finally {
      scorer.destroyForcibly();
    }
  }
}

package dev.scorestream.testkit;

import static org.awaitility.Awaitility.await;

import dev.scorestream.app.ScorerApp;
import dev.scorestream.config.ScorerConfig;
import dev.scorestream.embedded.EmbeddedKafka;
import dev.scorestream.model.TestModels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The scorer running against the shared test broker on its own topics ({@code <prefix>events},
 * {@code <prefix>events.predictions}, {@code <prefix>events.dlq}), serving {@link TestModels#logistic()}.
 */
public final class RunningPipeline implements AutoCloseable {

  public final String events;
  public final String predictions;
  public final String deadLetters;
  public final String drift;
  public final String labels;
  public final String performance;
  public final String training;
  private final EmbeddedKafka kafka;
  private final ScorerApp app;

  private RunningPipeline(EmbeddedKafka kafka, String prefix, ScorerApp app) {
    this.kafka = kafka;
    this.events = prefix + "events";
    this.predictions = prefix + "events.predictions";
    this.deadLetters = prefix + "events.dlq";
    this.drift = prefix + "events.drift";
    this.labels = prefix + "events.labels";
    this.performance = prefix + "events.performance";
    this.training = prefix + "events.training";
    this.app = app;
  }

  /**
   * @param extra further config, e.g. a shorter outage wait
   */
  public static RunningPipeline start(EmbeddedKafka kafka, String registryUrl, String prefix, Path dir,
      Map<String, Object> extra) {
    return start(kafka, registryUrl, prefix, dir, extra, 4);
  }

  /** As above, with {@code partitions} partitions for the input topic. */
  public static RunningPipeline start(EmbeddedKafka kafka, String registryUrl, String prefix, Path dir,
      Map<String, Object> extra, int partitions) {
    kafka.createTopics(Map.of(prefix + "events", partitions, prefix + "events.predictions", 4, prefix + "events.dlq", 2,
        prefix + "events.drift", 1, prefix + "events.labels", 4, prefix + "events.performance", 1,
        prefix + "events.training", 2));
    Path model = dir.resolve("model");
    try {
      TestModels.logistic().save(model);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, Object> values = new HashMap<>(Map.of(
        ScorerConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
        ScorerConfig.REGISTRY_URL, registryUrl,
        ScorerConfig.MODEL_DIR, model.toString(),
        ScorerConfig.APPLICATION_ID, prefix + "scorer",
        ScorerConfig.TOPIC_EVENTS, prefix + "events",
        ScorerConfig.TOPIC_PREDICTIONS, prefix + "events.predictions",
        ScorerConfig.TOPIC_DLQ, prefix + "events.dlq",
        ScorerConfig.STATE_DIR, dir.resolve("state").toString(),
        ScorerConfig.HTTP_PORT, 0));
    values.putAll(Map.of(
        ScorerConfig.TOPIC_DRIFT, prefix + "events.drift",
        ScorerConfig.TOPIC_LABELS, prefix + "events.labels",
        ScorerConfig.TOPIC_PERFORMANCE, prefix + "events.performance",
        ScorerConfig.TOPIC_TRAINING, prefix + "events.training"));
    values.putAll(extra);
    ScorerApp app = ScorerApp.start(ScorerConfig.of(values), Clock.systemUTC());
    await().atMost(Duration.ofSeconds(60)).until(() -> app.streams().state() == KafkaStreams.State.RUNNING);
    return new RunningPipeline(kafka, prefix, app);
  }

  public ScorerApp app() {
    return app;
  }

  /** Sends values (key per record) to the input topic and waits until the broker has them all. */
  public void produce(List<ProducerRecord<byte[], byte[]>> records) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      records.forEach(producer::send);
      producer.flush();
    }
  }

  @Override
  public void close() {
    app.close();
  }
}

package dev.scorestream.chaos;

import dev.scorestream.codec.WireFormatEncoder;
import dev.scorestream.demo.SampleModel;
import dev.scorestream.payments.PaymentGenerator;
import dev.scorestream.registry.RegistrySettings;
import dev.scorestream.registry.SchemaRegistryClient;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.testkit.BrokerProcess;
import dev.scorestream.testkit.EmbeddedRegistry;
import dev.scorestream.testkit.FreePort;
import dev.scorestream.testkit.TopicCounts;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Crash recovery at production scale: one scorer (the production {@code scorer.jar}, default
 * configuration with feedback on) fills its feedback store with {@code snapshots} predictions
 * awaiting labels, is killed with SIGKILL (or stopped with SIGTERM), and starts again on the same
 * state directory. Reports how long the restart took to the first new prediction and how many
 * records its stores restored from their changelogs, against how many the feedback store's
 * changelog holds.
 */
public final class RecoveryRun {

  /**
   * @param snapshots events to score before the crash (each leaves a snapshot in the store)
   * @param partitions partitions of the input (and so of the feedback store)
   * @param scorerSettings further scorer settings (e.g. transactional stores off, to compare)
   */
  public record Options(
      int snapshots,
      int partitions,
      Stop stop,
      Path work,
      Path scorerJar,
      Map<String, String> scorerSettings,
      PrintStream out) {}

  /** How the scorer goes down before the restart. */
  public enum Stop {
    /** SIGKILL: a crash, an OOM kill, a lost node. */
    KILL,
    /** SIGTERM: a clean shutdown, as in a rolling restart or an upgrade. */
    TERM
  }

  /**
   * @param storeRecords records in the feedback store's changelog before the crash: chunks, each
   *     holding the snapshots of one commit (or part of one)
   * @param restored records restored into every store after the restart (Streams restore listener)
   * @param restoredFeedback of those, into the feedback store
   * @param toReady from the restart to {@code /health/pipeline} (pipeline healthy)
   * @param toFirstPrediction from the restart to the prediction of an event produced right after it
   * @param wiped whether Kafka Streams found a store corrupted and rebuilt it from scratch
   */
  public record Report(
      long storeRecords,
      long restored,
      long restoredFeedback,
      Duration toReady,
      Duration toFirstPrediction,
      boolean wiped) {}

  static final String EVENTS = "recovery-events";
  static final Pattern RESTORED =
      Pattern.compile("scorer_state_restored_records_total\\{store=\"([^\"]+)\"[^}]*} ([0-9.E+]+)");

  private final Options options;

  public RecoveryRun(Options options) {
    this.options = options;
  }

  public Report run() throws IOException {
    return ProcessStack.run(options.work(), this::run);
  }

  private Report run(BrokerProcess broker, EmbeddedRegistry registry) throws IOException {
    createTopics(broker);
    SchemaRegistryClient client = new SchemaRegistryClient(RegistrySettings.of(registry.url()));
    WireFormatEncoder encoder =
        new WireFormatEncoder(
            Contracts.paymentEvent(), client.register(EVENTS + "-value", Contracts.paymentEvent()));
    Path model = options.work().resolve("model");
    SampleModel.train(model, 5_000, 3, "recovery-v1", line -> {});
    int managementPort = FreePort.pick();
    Path dir = options.work().resolve("scorer");
    Files.createDirectories(dir);
    Path config = config(dir, broker.bootstrapServers(), registry.url(), model, managementPort);

    ScorerProcess scorer =
        new ScorerProcess(
            "scorer", options.scorerJar(), config, dir.resolve("scorer.log"), managementPort);
    try (scorer;
        Admin admin =
            Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
        KafkaProducer<byte[], byte[]> producer = producer(broker.bootstrapServers())) {
      scorer.start(Duration.ofMinutes(3));
      say("scorer ready; producing %,d events", options.snapshots());
      PaymentGenerator payments = new PaymentGenerator(Contracts.paymentEvent(), 17);
      LongFunction<byte[]> eventAt = time -> encoder.encode(payments.next(time).record());
      long storeRecords = fillFeedbackStore(admin, producer, eventAt);
      stop(scorer);
      long restart = System.nanoTime();
      Duration ready;
      Duration firstPrediction;
      try (KafkaConsumer<byte[], byte[]> predictions = tail(broker.bootstrapServers())) {
        byte[] marker = "after-restart".getBytes(StandardCharsets.UTF_8);
        ready = scorer.start(Duration.ofMinutes(30));
        producer.send(
            new ProducerRecord<>(EVENTS, marker, eventAt.apply(System.currentTimeMillis())));
        producer.flush();
        firstPrediction = awaitPrediction(predictions, marker, restart);
      }
      Map<String, Double> restored = restored(managementPort);
      long total = restored.values().stream().mapToLong(Double::longValue).sum();
      long feedback = restored.getOrDefault("feedback-snapshots", 0.0).longValue();
      say(
          "restart: ready in %d ms, first new prediction after %d ms; restored %,d records (%,d"
              + " chunks into the feedback store, of %,d in its changelog)",
          ready.toMillis(), firstPrediction.toMillis(), total, feedback, storeRecords);
      // Kafka Streams' own words when it wipes a store it cannot trust.
      boolean wiped =
          Files.readString(dir.resolve("scorer.log"))
              .contains("are corrupted and hence need to be re-initialized");
      return new Report(storeRecords, total, feedback, ready, firstPrediction, wiped);
    } catch (Exception e) {
      if (e instanceof IOException io) {
        throw io;
      }
      throw new IllegalStateException(e);
    }
  }

  /**
   * The input and the scorer's keyed outputs with the partitions asked for; its reports with one.
   */
  private void createTopics(BrokerProcess broker) {
    Map<String, Integer> topics = new LinkedHashMap<>();
    for (String suffix : List.of("", ".predictions", ".dlq", ".labels", ".training")) {
      topics.put(EVENTS + suffix, options.partitions());
    }
    topics.put(EVENTS + ".drift", 1);
    topics.put(EVENTS + ".performance", 1);
    broker.createTopics(topics, Map.of());
  }

  /**
   * Produces {@code snapshots} events and waits until the scorer has scored them and their
   * snapshots are in the feedback store; returns how many records the store's changelog holds.
   */
  private long fillFeedbackStore(
      Admin admin, KafkaProducer<byte[], byte[]> producer, LongFunction<byte[]> eventAt)
      throws Exception {
    long now = System.currentTimeMillis();
    for (int i = 0; i < options.snapshots(); i++) {
      byte[] key = ("r-" + i).getBytes(StandardCharsets.UTF_8);
      producer.send(new ProducerRecord<>(EVENTS, key, eventAt.apply(now)));
    }
    producer.flush();
    long started = System.nanoTime();
    awaitNoLag(admin, "recovery-scorer", EVENTS, Duration.ofMinutes(30));
    // The snapshots reach the store through a repartition topic: wait for that too.
    awaitNoLag(
        admin,
        "recovery-scorer",
        "recovery-scorer-feedback-predictions-repartition",
        Duration.ofMinutes(30));
    say("scored %,d events in %.1f s", options.snapshots(), (System.nanoTime() - started) / 1e9);
    long storeRecords =
        TopicCounts.sum(
            TopicCounts.endOffsets(admin, "recovery-scorer-feedback-snapshots-changelog").values());
    say(
        "feedback store changelog: %,d chunk records; %s",
        storeRecords, options.stop() == Stop.KILL ? "kill -9" : "SIGTERM");
    return storeRecords;
  }

  private void stop(ScorerProcess scorer) {
    if (options.stop() == Stop.KILL) {
      scorer.kill();
    } else {
      scorer.terminate();
    }
  }

  private Path config(
      Path dir, String bootstrap, String registryUrl, Path model, int managementPort)
      throws IOException {
    Map<String, String> config = new LinkedHashMap<>();
    config.put("application.id", "recovery-scorer");
    config.put("bootstrap.servers", bootstrap);
    config.put("schema.registry.url", registryUrl);
    config.put("model.dir", model.toString());
    config.put("topic.events", EVENTS);
    config.put("topic.predictions", EVENTS + ".predictions");
    config.put("topic.dlq", EVENTS + ".dlq");
    config.put("topic.drift", EVENTS + ".drift");
    config.put("topic.labels", EVENTS + ".labels");
    config.put("topic.performance", EVENTS + ".performance");
    config.put("topic.training", EVENTS + ".training");
    config.put("state.dir", dir.resolve("state").toString());
    config.put("instance.id", "recovery-1");
    // health and metrics; the suite scores through Kafka only
    config.put("management.port", Integer.toString(managementPort));
    config.put("http.port", "-1");
    config.put("grpc.port", "-1");
    config.putAll(options.scorerSettings());
    Path path = ProcessStack.writeConfig(dir.resolve("scorer.properties"), config);
    return path;
  }

  private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, 262_144);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static void awaitNoLag(Admin admin, String group, String topic, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (TopicCounts.lag(admin, group, topic) > 0) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(group + " still lags on " + topic + " after " + timeout);
      }
      TimeUnit.MILLISECONDS.sleep(500);
    }
  }

  /** A read_committed consumer positioned at the end of the predictions topic. */
  private static KafkaConsumer<byte[], byte[]> tail(String bootstrap) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> partitions =
        consumer.partitionsFor(EVENTS + ".predictions").stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position); // resolve the end now, before the marker is produced
    return consumer;
  }

  private static Duration awaitPrediction(
      KafkaConsumer<byte[], byte[]> predictions, byte[] key, long since) {
    long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
    while (System.nanoTime() < deadline) {
      for (ConsumerRecord<byte[], byte[]> record : predictions.poll(Duration.ofMillis(100))) {
        if (Arrays.equals(record.key(), key)) {
          return Duration.ofNanos(System.nanoTime() - since);
        }
      }
    }
    throw new IllegalStateException("no prediction for the event produced after the restart");
  }

  /** Restored records per store, from the scorer's {@code /metrics}. */
  static Map<String, Double> restored(int managementPort) throws IOException, InterruptedException {
    String metrics =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + managementPort + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    Map<String, Double> restored = new LinkedHashMap<>();
    Matcher matcher = RESTORED.matcher(metrics);
    while (matcher.find()) {
      restored.merge(matcher.group(1), Double.parseDouble(matcher.group(2)), Double::sum);
    }
    return restored;
  }

  private void say(String format, Object... args) {
    options.out().printf("[recovery] " + format + "%n", args);
  }
}

package dev.scorestream.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scorestream.app.ScorerApp;
import dev.scorestream.codec.DecodeResult;
import dev.scorestream.codec.WireFormatDecoder;
import dev.scorestream.codec.WireFormatEncoder;
import dev.scorestream.config.ScorerConfig;
import dev.scorestream.enrichment.Enricher;
import dev.scorestream.enrichment.EnrichmentSpec;
import dev.scorestream.enrichment.InMemoryContext;
import dev.scorestream.features.FeatureExtractor;
import dev.scorestream.model.Evaluation;
import dev.scorestream.model.ModelArtifact;
import dev.scorestream.payments.PaymentGenerator;
import dev.scorestream.registry.SchemaRegistryClient;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.schemas.LabelledRecord;
import dev.scorestream.testkit.EmbeddedKafka;
import dev.scorestream.testkit.OutputCollector;
import dev.scorestream.training.ModelTrainer;
import dev.scorestream.training.TrainerKind;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * {@code scorer demo --enrichment}: does context help? Payments of customers of different risk (a
 * {@code customers} reference table says which), with card-testing bursts (a stolen card tried with
 * a run of payments seconds apart), keyed by customer. Two models learn from the same earlier
 * payments: one from the payment's own fields, one from the payment enriched with its customer's
 * row and its customer's recent activity, computed by the stream's own code. Both then score the
 * later payments in the stream (two pipelines on the same topic), and the demo compares held-out
 * and live accuracy and log loss.
 */
final class EnrichmentScenario {

  static final String CUSTOMERS_TOPIC = "customers";
  static final int CUSTOMERS = 2_000;
  static final double HIGH_RISK_SHARE = 0.15;
  static final double BURST_START = 0.01;

  /** What a customers row looks like to its producer. */
  static final Schema CUSTOMER =
      SchemaBuilder.record("Customer")
          .namespace("crm")
          .fields()
          .requiredString("segment")
          .requiredInt("chargebacks_90d")
          .endRecord();

  static final String SPEC =
      """
      {"references": [
        {"table": "customers", "key": "customer_id",
         "fields": [
           {"name": "segment", "type": "string", "default": "unknown"},
           {"name": "chargebacks_90d", "type": "int", "default": 0}]}],
       "entity": {"name": "customer", "key": "customer_id", "keyed_input": true,
         "windows": ["1m", "1h"], "grace": "1m",
         "features": ["count", "sum(amount)", "max(amount)", "since_previous"]}}
      """;

  /** Accuracy and log loss of one model, held out and live. */
  record Scores(double heldOutAccuracy, double heldOutLogLoss, double accuracy, double logLoss) {}

  record Result(Scores without, Scores with, long live, List<String> problems) {}

  /** One payment with its true label and record timestamp. */
  private record Payment(GenericRecord record, String label, long time) {}

  private final PrintStream out;
  private final SchemaRegistryClient registry;
  private final EmbeddedKafka kafka;
  private final String registryUrl;
  private final Path work;
  private int bursts;

  EnrichmentScenario(
      PrintStream out,
      SchemaRegistryClient registry,
      EmbeddedKafka kafka,
      String registryUrl,
      Path work) {
    this.out = out;
    this.registry = registry;
    this.kafka = kafka;
    this.registryUrl = registryUrl;
    this.work = work;
  }

  Result run(int events, long seed, int readerId, KafkaProducer<byte[], byte[]> producer) {
    Schema reader = Contracts.paymentEvent();
    Path specFile = work.resolve("enrichment.json");
    EnrichmentSpec spec = writeSpec(specFile, reader);
    Random random = new Random(seed);
    Customers customers = customers(random);
    List<Payment> payments = generate(events, seed, random, customers.highRisk());
    int training = payments.size() * 2 / 3;
    out.printf(
        "Enrichment scenario: %,d payments of %,d customers (%.0f%% high risk in table %s),"
            + " %,d card-testing bursts; the first %,d train, the last %,d are scored live%n",
        payments.size(),
        CUSTOMERS,
        HIGH_RISK_SHARE * 100,
        CUSTOMERS_TOPIC,
        bursts,
        training,
        payments.size() - training);
    out.println(
        "Context: customers (segment, chargebacks_90d) + the customer's payments in the last"
            + " 1m/1h (count, sum and max amount) and seconds since the previous one");

    List<Payment> trainingPayments = payments.subList(0, training);
    List<LabelledRecord> enrichedRows = enriched(spec, customers.rows(), trainingPayments);
    Path plainModel = work.resolve("model-without-context");
    Path contextModel = work.resolve("model-with-context");
    Evaluation plain =
        train(
            FeatureExtractor.forSchema(reader),
            labelled(trainingPayments),
            "without-context",
            seed,
            plainModel);
    Evaluation rich =
        train(
            FeatureExtractor.forSchema(spec.enrichedSchema()),
            enrichedRows,
            "with-context",
            seed,
            contextModel);

    kafka.createTopics(Map.of(CUSTOMERS_TOPIC, 1), Map.of("cleanup.policy", "compact"));
    kafka.createTopics(
        Map.of("plain.predictions", 4, "plain.dlq", 1, "context.predictions", 4, "context.dlq", 1));
    publish(producer, customers.rows(), payments, readerId);
    Map<String, String> truth = labelsByEventId(payments.subList(training, payments.size()));

    List<String> problems = new ArrayList<>();
    List<ConsumerRecord<byte[], byte[]>> predictions =
        scoreInStream(plainModel, contextModel, specFile, 2L * payments.size(), problems);
    double[] plainLive = liveScores(predictions, "plain.predictions", truth);
    double[] richLive = liveScores(predictions, "context.predictions", truth);
    Scores without = new Scores(plain.accuracy(), plain.logLoss(), plainLive[0], plainLive[1]);
    Scores with = new Scores(rich.accuracy(), rich.logLoss(), richLive[0], richLive[1]);
    compare(without, with, problems);
    return new Result(without, with, truth.size(), problems);
  }

  /** Writes the spec where the pipeline with context reads it, and parses it for the training. */
  private static EnrichmentSpec writeSpec(Path file, Schema reader) {
    try {
      Files.writeString(file, SPEC);
      return EnrichmentSpec.parse(new ObjectMapper().readTree(SPEC), reader);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The {@code customers} table: each row as its producer encodes it, and who is high risk. */
  private record Customers(Map<String, byte[]> rows, Map<String, Boolean> highRisk) {}

  private Customers customers(Random random) {
    Map<String, byte[]> rows = new HashMap<>();
    Map<String, Boolean> highRisk = new HashMap<>();
    WireFormatEncoder encoder =
        new WireFormatEncoder(CUSTOMER, registry.register(CUSTOMERS_TOPIC + "-value", CUSTOMER));
    for (int c = 0; c < CUSTOMERS; c++) {
      boolean high = random.nextDouble() < HIGH_RISK_SHARE;
      GenericRecord row = new GenericData.Record(CUSTOMER);
      row.put("segment", high ? "high_risk" : "standard");
      row.put("chargebacks_90d", high ? 1 + random.nextInt(5) : random.nextInt(2));
      rows.put(customer(c), encoder.encode(row));
      highRisk.put(customer(c), high);
    }
    return new Customers(rows, highRisk);
  }

  private static List<LabelledRecord> labelled(List<Payment> payments) {
    List<LabelledRecord> rows = new ArrayList<>();
    for (Payment payment : payments) {
      rows.add(new LabelledRecord(payment.record(), payment.label()));
    }
    return rows;
  }

  /**
   * The features a model with context learns from: the stream's own code over the customers table
   * and the payments' history, kept in memory.
   */
  private List<LabelledRecord> enriched(
      EnrichmentSpec spec, Map<String, byte[]> customerRows, List<Payment> payments) {
    Enricher enricher =
        new Enricher(
            spec, Contracts.paymentEvent().getFields().size(), registry, Enricher.Listener.NONE);
    InMemoryContext context = new InMemoryContext();
    customerRows.forEach((id, row) -> context.put("customers", id, row));
    List<LabelledRecord> rows = new ArrayList<>();
    for (Payment payment : payments) {
      GenericRecord enriched =
          ((Enricher.Enriched) enricher.enrich(payment.record(), payment.time(), context)).record();
      rows.add(new LabelledRecord(enriched, payment.label()));
    }
    return rows;
  }

  /** The customers table, then every payment keyed by its customer. */
  private static void publish(
      KafkaProducer<byte[], byte[]> producer,
      Map<String, byte[]> customerRows,
      List<Payment> payments,
      int readerId) {
    customerRows.forEach(
        (id, row) ->
            producer.send(
                new ProducerRecord<>(CUSTOMERS_TOPIC, id.getBytes(StandardCharsets.UTF_8), row)));
    WireFormatEncoder encoder = new WireFormatEncoder(Contracts.paymentEvent(), readerId);
    for (Payment payment : payments) {
      producer.send(
          new ProducerRecord<>(
              DemoRunner.EVENTS,
              null,
              payment.time(),
              payment.record().get("customer_id").toString().getBytes(StandardCharsets.UTF_8),
              encoder.encode(payment.record())));
    }
    producer.flush();
  }

  private static Map<String, String> labelsByEventId(List<Payment> payments) {
    Map<String, String> labels = new HashMap<>();
    for (Payment payment : payments) {
      labels.put(payment.record().get("event_id").toString(), payment.label());
    }
    return labels;
  }

  /**
   * Runs the pipelines without and with context over the payments until both have scored every one
   * (or three minutes have passed) and returns their predictions.
   */
  private List<ConsumerRecord<byte[], byte[]>> scoreInStream(
      Path plainModel, Path contextModel, Path specFile, long expected, List<String> problems) {
    try (ScorerApp withoutContext = start("plain", plainModel, null);
        ScorerApp withContext = start("context", contextModel, specFile);
        OutputCollector predictions =
            new OutputCollector(
                kafka.bootstrapServers(), List.of("plain.predictions", "context.predictions"))) {
      boolean complete =
          predictions.pollUntil(
              () -> predictions.records().size() >= expected, Duration.ofMinutes(3), r -> {});
      if (!complete) {
        problems.add(
            "timed out: " + predictions.records().size() + " of " + expected + " predictions");
      }
      return predictions.records();
    }
  }

  /** Prints both models' scores and adds a problem where the context did not help. */
  private void compare(Scores without, Scores with, List<String> problems) {
    out.println();
    out.printf("%-18s %21s %21s%n", "", "held out", "live (stream)");
    out.printf(
        "%-18s %10s %10s %10s %10s%n", "model", "accuracy", "log_loss", "accuracy", "log_loss");
    print("without context", without);
    print("with context", with);
    out.println();
    if (!(with.accuracy() > without.accuracy() && with.logLoss() < without.logLoss())) {
      problems.add("the context features did not help live");
    }
    if (!(with.heldOutAccuracy() > without.heldOutAccuracy()
        && with.heldOutLogLoss() < without.heldOutLogLoss())) {
      problems.add("the context features did not help on the held-out payments");
    }
    problems.forEach(problem -> out.println("PROBLEM: " + problem));
    out.printf(
        "enrichment lift: accuracy %.4f -> %.4f, log_loss %.4f -> %.4f%n",
        without.accuracy(), with.accuracy(), without.logLoss(), with.logLoss());
    out.flush();
  }

  /**
   * Time-ordered payments, one every two seconds on average. A customer is drawn for each; a
   * hundredth of the time a card is stolen instead, and tested with four to seven small payments
   * five to fifteen seconds apart (all fraud). Payments of high-risk customers are fraud more
   * often.
   */
  private List<Payment> generate(
      int events, long seed, Random random, Map<String, Boolean> highRisk) {
    PaymentGenerator generator = new PaymentGenerator(Contracts.paymentEvent(), seed + 1);
    List<Payment> payments = new ArrayList<>(events + 8);
    long start = System.currentTimeMillis() - Duration.ofHours(events / 1_000L + 2).toMillis();
    long time = start;
    while (payments.size() < events) {
      time += 1 + random.nextInt(4_000);
      String customer = customer(random.nextInt(CUSTOMERS));
      if (random.nextDouble() < BURST_START) {
        bursts++;
        int tries = 4 + random.nextInt(4);
        long at = time;
        for (int k = 0; k < tries && payments.size() < events; k++) {
          LabelledRecord base = generator.next(at);
          GenericRecord record = base.record();
          record.put("customer_id", customer);
          record.put("amount", Math.round((0.5 + random.nextDouble() * 4.5) * 100) / 100.0);
          payments.add(new Payment(record, PaymentGenerator.FRAUD, at));
          at += 5_000 + random.nextInt(10_000);
        }
        continue;
      }
      LabelledRecord base = generator.next(time);
      base.record().put("customer_id", customer);
      String label = base.label();
      if (highRisk.get(customer) && random.nextDouble() < 0.25) {
        label = PaymentGenerator.FRAUD;
      }
      payments.add(new Payment(base.record(), label, time));
    }
    payments.sort(Comparator.comparingLong(Payment::time));
    return payments;
  }

  private Evaluation train(
      FeatureExtractor extractor, List<LabelledRecord> rows, String version, long seed, Path to) {
    ModelArtifact artifact =
        new ModelTrainer(extractor, Clock.systemUTC())
            .train(
                rows,
                new ModelTrainer.Options(
                    "fraud", version, TrainerKind.LOGISTIC, 0.2, seed, "label"),
                line -> {});
    try {
      artifact.save(to);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write model " + version + " to " + to, e);
    }
    return artifact.metadata().evaluation();
  }

  private ScorerApp start(String name, Path model, Path spec) {
    Map<String, Object> values = new HashMap<>();
    values.put(ScorerConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    values.put(ScorerConfig.REGISTRY_URL, registryUrl);
    values.put(ScorerConfig.MODEL_DIR, model.toString());
    values.put(ScorerConfig.APPLICATION_ID, "scorestream-demo-" + name);
    values.put(ScorerConfig.STATE_DIR, work.resolve("state-" + name).toString());
    values.put(ScorerConfig.TOPIC_PREDICTIONS, name + ".predictions");
    values.put(ScorerConfig.TOPIC_DLQ, name + ".dlq");
    values.put(ScorerConfig.HTTP_PORT, -1);
    values.put(ScorerConfig.MANAGEMENT_PORT, -1);
    values.put(ScorerConfig.GRPC_PORT, -1);
    values.put(ScorerConfig.DRIFT_ENABLED, false);
    values.put(ScorerConfig.FEEDBACK_ENABLED, false);
    if (spec != null) {
      values.put(ScorerConfig.ENRICHMENT_SPEC_PATH, spec.toString());
    }
    return ScorerApp.start(ScorerConfig.of(values), Clock.systemUTC());
  }

  /** Accuracy and log loss of the predictions on {@code topic} for the live payments. */
  private static double[] liveScores(
      List<ConsumerRecord<byte[], byte[]>> records, String topic, Map<String, String> truth) {
    WireFormatDecoder decoder =
        new WireFormatDecoder(Contracts.prediction(), id -> Contracts.prediction());
    long n = 0;
    long correct = 0;
    double loss = 0;
    for (ConsumerRecord<byte[], byte[]> record : records) {
      if (!record.topic().equals(topic)) {
        continue;
      }
      GenericRecord prediction = ((DecodeResult.Decoded) decoder.decode(record.value())).record();
      String label = truth.get(prediction.get("event_id").toString());
      if (label == null) {
        continue; // a training-period payment: it fed the histories, it is not scored here
      }
      n++;
      if (prediction.get("predicted_label").toString().equals(label)) {
        correct++;
      }
      Double p = null;
      for (Map.Entry<?, ?> score : ((Map<?, ?>) prediction.get("scores")).entrySet()) {
        if (score.getKey().toString().equals(label)) {
          p = (Double) score.getValue();
        }
      }
      loss -= Math.log(Math.max(1e-15, p == null ? 0 : p));
    }
    return n == 0
        ? new double[] {Double.NaN, Double.NaN}
        : new double[] {(double) correct / n, loss / n};
  }

  private void print(String name, Scores scores) {
    out.printf(
        "%-18s %10.4f %10.4f %10.4f %10.4f%n",
        name,
        scores.heldOutAccuracy(),
        scores.heldOutLogLoss(),
        scores.accuracy(),
        scores.logLoss());
  }

  private static String customer(int c) {
    return "C" + (100_000 + c);
  }
}

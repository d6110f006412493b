package dev.scorestream.cli;

import dev.scorestream.codec.WireFormatEncoder;
import dev.scorestream.payments.LabelledCsv;
import dev.scorestream.payments.PaymentGenerator;
import dev.scorestream.payments.SampleEvents;
import dev.scorestream.registry.SchemaRegistryClient;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.schemas.LabelledRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code scorer sample csv|produce}: generated card payments on the bundled {@code PaymentEvent}
 * schema, with a known ground truth, for a first try without data of one's own.
 */
@Command(
    name = "sample",
    mixinStandardHelpOptions = true,
    description =
        "Generated card payments on the bundled PaymentEvent schema, with a known ground truth:"
            + " a labelled CSV to train on (csv), or events on a topic to score (produce).",
    subcommands = {SampleCommand.Csv.class, SampleCommand.Produce.class})
final class SampleCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "missing subcommand: csv or produce");
  }

  /**
   * {@code scorer sample csv}: labelled payments as the CSV {@code train} and {@code export} read.
   */
  @Command(
      name = "csv",
      mixinStandardHelpOptions = true,
      description =
          "Write N labelled payments (one a minute, ending now) as a CSV file with a header: the"
              + " PaymentEvent fields, then label (FRAUD or LEGIT). scorer train --input FILE and"
              + " scorer export --from FILE read it as it is.")
  static final class Csv implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(
        names = {"--out", "-o"},
        required = true,
        paramLabel = "FILE",
        description = ".csv file to write (must not exist).")
    Path out;

    @Option(names = "--rows", required = true, paramLabel = "N", description = "Rows to write.")
    int rows;

    @Option(
        names = "--seed",
        defaultValue = "42",
        paramLabel = "S",
        description = "The same seed gives the same payments (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws IOException {
      if (rows < 1) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--rows must be at least 1, got " + rows);
      }
      if (!out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv")) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--out " + out + ": the file name must end with .csv");
      }
      if (Files.exists(out)) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--out " + out + " already exists; choose a new file");
      }
      Schema schema = Contracts.paymentEvent();
      PaymentGenerator generator = new PaymentGenerator(schema, seed);
      long start = System.currentTimeMillis() - rows * 60_000L;
      Iterable<LabelledRecord> payments =
          () ->
              new Iterator<>() {
                int written;

                @Override
                public boolean hasNext() {
                  return written < rows;
                }

                @Override
                public LabelledRecord next() {
                  return generator.next(start + written++ * 60_000L);
                }
              };
      LabelledCsv.write(out, schema, payments);
      spec.commandLine()
          .getOut()
          .printf("wrote %,d labelled payments to %s (seed %d)%n", rows, out, seed);
      return 0;
    }
  }

  /** {@code scorer sample produce}: payment events, some malformed, at a rate. */
  @Command(
      name = "produce",
      mixinStandardHelpOptions = true,
      description =
          "Send N payment events to a topic in the Confluent wire format, at R events a second:"
              + " the PaymentEvent schema registered under <topic>-value, valid events and, at"
              + " --malformed-fraction, malformed ones the pipeline dead-letters (rule violations,"
              + " truncated Avro, random bytes, JSON). Keyed by event id.")
  static final class Produce implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(names = "--topic", required = true, paramLabel = "TOPIC", description = "The topic.")
    String topic;

    @Option(names = "--events", required = true, paramLabel = "N", description = "Events to send.")
    long events;

    @Option(
        names = "--rate",
        required = true,
        paramLabel = "R",
        description = "Events a second, at most.")
    double rate;

    @Option(
        names = "--malformed-fraction",
        defaultValue = "0.05",
        paramLabel = "F",
        description = "Share of malformed events, 0 to 1 (default ${DEFAULT-VALUE}).")
    double malformedFraction;

    @Option(
        names = "--seed",
        defaultValue = "42",
        paramLabel = "S",
        description = "The same seed gives the same events (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(
        names = "--labels-topic",
        paramLabel = "TOPIC",
        description =
            "Also send each valid payment's true label to this topic (LabelFeedback, registered"
                + " under <topic>-value, keyed by event id), for drift, live accuracy and training"
                + " examples.")
    String labelsTopic;

    @Mixin KafkaClientOptions kafka;

    @Mixin RegistryOptions registry;

    @Override
    public Integer call() throws Exception {
      checkArguments();
      Properties props = kafka.properties();
      SchemaRegistryClient client = new SchemaRegistryClient(registry.settings());
      int schemaId = client.register(topic + "-value", Contracts.paymentEvent());
      SampleEvents samples =
          new SampleEvents(Contracts.paymentEvent(), schemaId, malformedFraction, seed);
      WireFormatEncoder labels =
          labelsTopic == null
              ? null
              : new WireFormatEncoder(
                  Contracts.labelFeedback(),
                  client.register(labelsTopic + "-value", Contracts.labelFeedback()));
      props.put(ProducerConfig.ACKS_CONFIG, "all");
      AtomicReference<Exception> failed = new AtomicReference<>();
      Callback onFailure =
          (metadata, error) -> {
            if (error != null) {
              failed.compareAndSet(null, error);
            }
          };
      long malformed = 0;
      long begin = System.nanoTime();
      try (KafkaProducer<byte[], byte[]> producer =
          new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
        for (long i = 0; i < events && failed.get() == null; i++) {
          pace(begin, i);
          long now = System.currentTimeMillis();
          SampleEvents.Event event = samples.next(now);
          malformed += event.malformation().isPresent() ? 1 : 0;
          producer.send(new ProducerRecord<>(topic, event.key(), event.value()), onFailure);
          if (labels != null && event.malformation().isEmpty()) {
            producer.send(
                new ProducerRecord<>(labelsTopic, event.key(), labels.encode(label(event, now))),
                onFailure);
          }
        }
        producer.flush();
      }
      if (failed.get() != null) {
        throw new IllegalStateException("cannot send the sample events", failed.get());
      }
      Duration elapsed = Duration.ofNanos(System.nanoTime() - begin);
      spec.commandLine()
          .getOut()
          .printf(
              "sent %,d events to %s (%,d malformed, schema id %d)%s in %.1f s%n",
              events,
              topic,
              malformed,
              schemaId,
              labels == null
                  ? ""
                  : String.format(" and %,d labels to %s", events - malformed, labelsTopic),
              elapsed.toMillis() / 1000.0);
      return 0;
    }

    /** The event's true label, learned at {@code now}. */
    private static GenericRecord label(SampleEvents.Event event, long now) {
      GenericRecord feedback = new GenericData.Record(Contracts.labelFeedback());
      feedback.put("event_id", new String(event.key(), StandardCharsets.UTF_8));
      feedback.put("label", event.label());
      feedback.put("label_time", now);
      return feedback;
    }

    private void checkArguments() {
      if (events < 1) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--events must be at least 1, got " + events);
      }
      if (!(rate > 0)) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--rate must be above 0, got " + rate);
      }
      if (!(malformedFraction >= 0 && malformedFraction <= 1)) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "--malformed-fraction must be between 0 and 1, got " + malformedFraction);
      }
    }

    /** Waits until event {@code index} is due at {@code --rate}. */
    private void pace(long begin, long index) throws InterruptedException {
      long due = begin + (long) (index * 1e9 / rate);
      long wait = due - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
    }
  }
}

package dev.scorestream.bench;

import dev.scorestream.codec.WireFormatEncoder;
import dev.scorestream.demo.SampleModel;
import dev.scorestream.model.ModelArtifact;
import dev.scorestream.payments.PaymentGenerator;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.schemas.LabelledRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * The benchmark's model and records: generated card payments, 5% of them malformed, and for a share
 * of the valid ones the label that arrives later.
 */
final class Workload {

  /**
   * One input record: key, wire-format value, whether the pipeline must dead-letter it, and for
   * valid ones the true label.
   */
  record Event(byte[] key, byte[] value, boolean malformed, String truth, byte[] customer)
      implements BenchKafka.Keyed {

    /** The same event keyed by its customer instead of its id. */
    BenchKafka.Keyed byCustomer() {
      return new Event(customer, value, malformed, truth, customer);
    }
  }

  /** A label for the event at {@code eventIndex} of the data: key (the event id) and wire value. */
  record Label(int eventIndex, byte[] key, byte[] value) implements BenchKafka.Keyed {}

  static final double MALFORMED_SHARE = 0.05;

  /** Every 10th valid event gets its label: the share of events whose truth is learned later. */
  static final int LABEL_EVERY = 10;

  private Workload() {}

  /** The demo's model: logistic regression on 20,000 generated payments. */
  static ModelArtifact trainModel(Path target) {
    return SampleModel.train(target, 20_000, 42, "bench", line -> {});
  }

  /**
   * {@code count} events; every 20th is malformed, in turn random bytes (not wire format), a rule
   * violation (negative amount) and an unregistered schema id.
   */
  static List<Event> events(int count, int readerId, long seed) {
    Schema reader = Contracts.paymentEvent();
    PaymentGenerator generator = new PaymentGenerator(reader, seed);
    WireFormatEncoder encoder = new WireFormatEncoder(reader, readerId);
    WireFormatEncoder unregistered = new WireFormatEncoder(reader, readerId + 100_000);
    Random random = new Random(seed);
    List<Event> events = new ArrayList<>(count);
    long now = System.currentTimeMillis();
    for (int i = 0; i < count; i++) {
      LabelledRecord labelled = generator.next(now + i);
      GenericRecord record = labelled.record();
      byte[] key = record.get("event_id").toString().getBytes(StandardCharsets.UTF_8);
      byte[] customer = record.get("customer_id").toString().getBytes(StandardCharsets.UTF_8);
      if (i % 20 != 19) {
        events.add(new Event(key, encoder.encode(record), false, labelled.label(), customer));
        continue;
      }
      byte[] value =
          switch ((i / 20) % 3) {
            case 0 -> {
              byte[] bytes = new byte[120];
              random.nextBytes(bytes);
              bytes[0] = 7;
              yield bytes;
            }
            case 1 -> {
              record.put("amount", -1.0);
              yield encoder.encode(record);
            }
            default -> unregistered.encode(record);
          };
      events.add(new Event(key, value, true, null, customer));
    }
    return events;
  }

  /**
   * The labels for every {@value #LABEL_EVERY}th valid event, in event order, keyed by event id,
   * encoded as {@code LabelFeedback} with {@code labelId}.
   */
  static List<Label> labels(List<Event> events, int labelId) {
    WireFormatEncoder encoder = new WireFormatEncoder(Contracts.labelFeedback(), labelId);
    List<Label> labels = new ArrayList<>();
    long now = System.currentTimeMillis();
    int valid = 0;
    for (int i = 0; i < events.size(); i++) {
      Event event = events.get(i);
      if (event.malformed() || valid++ % LABEL_EVERY != 0) {
        continue;
      }
      GenericRecord label = new GenericData.Record(Contracts.labelFeedback());
      label.put("event_id", new String(event.key(), StandardCharsets.UTF_8));
      label.put("label", event.truth());
      label.put("label_time", now + i);
      labels.add(new Label(i, event.key(), encoder.encode(label)));
    }
    return labels;
  }
}

package dev.scorestream.bench;

import dev.scorestream.codec.WireFormatEncoder;
import dev.scorestream.payments.PaymentGenerator;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.schemas.LabelledRecord;
import java.nio.charset.StandardCharsets;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Valid payments made as they are sent, each with a fresh event id, and the label of every {@value
 * Workload#LABEL_EVERY}th: traffic for paced runs of any length without repeating an id.
 */
final class LiveTraffic {

  /**
   * An event to send now and, when it gets one, its label to send later (keyed by {@code key}, the
   * event id).
   */
  record Payment(byte[] key, byte[] customer, byte[] value, byte[] label) {

    /** The event's key on the input: its customer for a variant keyed by customer. */
    byte[] inputKey(Variant variant) {
      return variant != null && variant.keyedByCustomer ? customer : key;
    }
  }

  private final PaymentGenerator generator;
  private final WireFormatEncoder events;
  private final WireFormatEncoder labels;
  private long sent;

  LiveTraffic(int readerId, int labelId, long seed) {
    this.generator = new PaymentGenerator(Contracts.paymentEvent(), seed);
    this.events = new WireFormatEncoder(Contracts.paymentEvent(), readerId);
    this.labels = new WireFormatEncoder(Contracts.labelFeedback(), labelId);
  }

  Payment next(long now) {
    LabelledRecord labelled = generator.next(now);
    String eventId = labelled.record().get("event_id").toString();
    byte[] key = eventId.getBytes(StandardCharsets.UTF_8);
    byte[] label = null;
    if (sent++ % Workload.LABEL_EVERY == 0) {
      GenericRecord feedback = new GenericData.Record(Contracts.labelFeedback());
      feedback.put("event_id", eventId);
      feedback.put("label", labelled.label());
      feedback.put("label_time", now);
      label = labels.encode(feedback);
    }
    byte[] customer =
        labelled.record().get("customer_id").toString().getBytes(StandardCharsets.UTF_8);
    return new Payment(key, customer, events.encode(labelled.record()), label);
  }
}

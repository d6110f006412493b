package dev.scorestream.payments;

import dev.scorestream.codec.WireFormatEncoder;
import dev.scorestream.schemas.LabelledRecord;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * Payment events as a producer writes them, in the wire format under a registered schema id: valid
 * ones and, at a given share, malformed ones of every {@link Malformation}. Keyed by event id.
 * Deterministic per seed.
 */
public final class SampleEvents {

  /**
   * One event to send.
   *
   * @param key the event id, UTF-8
   * @param value the wire-format bytes
   * @param label the payment's true label
   * @param malformation how it is malformed, empty when it is valid
   */
  public record Event(
      byte[] key, byte[] value, String label, Optional<Malformation> malformation) {}

  private final PaymentGenerator payments;
  private final WireFormatEncoder encoder;
  private final double malformedShare;
  private final Random random;

  /**
   * @param schema the schema the payments are written with
   * @param schemaId its id in the registry
   * @param malformedShare the share of malformed events, 0 to 1
   * @param seed the same seed gives the same events
   */
  public SampleEvents(Schema schema, int schemaId, double malformedShare, long seed) {
    if (malformedShare < 0 || malformedShare > 1) {
      throw new IllegalArgumentException(
          "the share of malformed events must be between 0 and 1, got " + malformedShare);
    }
    this.payments = new PaymentGenerator(schema, seed);
    this.encoder = new WireFormatEncoder(schema, schemaId);
    this.malformedShare = malformedShare;
    this.random = new Random(seed ^ 0x5DEECE66DL);
  }

  /** The next event, with event time {@code timestamp}. */
  public Event next(long timestamp) {
    LabelledRecord payment = payments.next(timestamp);
    GenericRecord record = payment.record();
    byte[] key = record.get("event_id").toString().getBytes(StandardCharsets.UTF_8);
    if (random.nextDouble() < malformedShare) {
      Malformation malformation =
          Malformation.values()[random.nextInt(Malformation.values().length)];
      return new Event(
          key,
          malformation.write(record, encoder, random),
          payment.label(),
          Optional.of(malformation));
    }
    return new Event(key, encoder.encode(record), payment.label(), Optional.empty());
  }
}

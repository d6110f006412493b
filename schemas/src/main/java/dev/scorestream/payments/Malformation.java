package dev.scorestream.payments;

import dev.scorestream.codec.WireFormatEncoder;
import dev.scorestream.schemas.Reason;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.apache.avro.generic.GenericRecord;

/**
 * A way a payment event can be malformed, each written from a valid payment and the reader schema's
 * encoder, and each dead-lettered by the pipeline with a known reason: a value outside the rules, a
 * null required field, a NaN amount, a truncated body, random bytes, JSON sent by mistake.
 */
public enum Malformation {
  RULE_VIOLATION(Reason.RULE_VIOLATION),
  NULL_REQUIRED_FIELD(Reason.RULE_VIOLATION),
  NAN_AMOUNT(Reason.RULE_VIOLATION),
  TRUNCATED(Reason.UNDECODABLE),
  RANDOM_BYTES(Reason.NOT_WIRE_FORMAT),
  JSON_BY_MISTAKE(Reason.NOT_WIRE_FORMAT);

  private final Reason expected;

  Malformation(Reason expected) {
    this.expected = expected;
  }

  /** The dead-letter reason the pipeline gives an event malformed this way. */
  public Reason expected() {
    return expected;
  }

  /**
   * The bytes of {@code payment} (a valid record of the encoder's schema, which this may change)
   * malformed this way; {@code random} picks the details.
   */
  public byte[] write(GenericRecord payment, WireFormatEncoder encoder, Random random) {
    return switch (this) {
      case RULE_VIOLATION -> {
        switch (random.nextInt(4)) {
          case 0 -> payment.put("amount", 150_000.0 + random.nextInt(100_000));
          case 1 -> payment.put("hour_of_day", 24 + random.nextInt(10));
          case 2 -> payment.put("currency", "BTC");
          default -> payment.put("merchant_category", "casino");
        }
        yield encoder.encode(payment);
      }
      case NULL_REQUIRED_FIELD -> {
        payment.put("customer_id", null);
        yield encoder.encode(payment);
      }
      case NAN_AMOUNT -> {
        payment.put("amount", Double.NaN);
        yield encoder.encode(payment);
      }
      case TRUNCATED -> {
        byte[] full = encoder.encode(payment);
        yield Arrays.copyOf(full, 5 + random.nextInt(full.length - 6));
      }
      case RANDOM_BYTES -> {
        byte[] bytes = new byte[8 + random.nextInt(120)];
        random.nextBytes(bytes);
        bytes[0] = (byte) (1 + random.nextInt(255));
        yield bytes;
      }
      case JSON_BY_MISTAKE ->
          ("{\"event_id\":\""
                  + payment.get("event_id")
                  + "\",\"amount\":"
                  + payment.get("amount")
                  + ",\"currency\":\""
                  + payment.get("currency")
                  + "\"}")
              .getBytes(StandardCharsets.UTF_8);
    };
  }
}

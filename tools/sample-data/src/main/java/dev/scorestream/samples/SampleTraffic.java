package dev.scorestream.samples;

import dev.scorestream.codec.WireFormatEncoder;
import dev.scorestream.payments.Malformation;
import dev.scorestream.payments.PaymentGenerator;
import dev.scorestream.registry.SchemaRegistryClient;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.schemas.Reason;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * The demo's messy traffic: mostly valid payments (some written with an evolved schema, some
 * needing sanitation), plus every kind of bad input the pipeline must dead-letter. Each event knows
 * its expected outcome, so a run can be checked record by record.
 */
public final class SampleTraffic {

  /** What kind of input an event is. */
  public enum Kind {
    VALID(null, 0.66),
    VALID_NEEDS_SANITATION(null, 0.04),
    VALID_EVOLVED_SCHEMA(null, 0.12),
    RULE_VIOLATION(Reason.RULE_VIOLATION, 0.04),
    NULL_REQUIRED_FIELD(Reason.RULE_VIOLATION, 0.02),
    NAN_AMOUNT(Reason.RULE_VIOLATION, 0.02),
    UNKNOWN_ENUM_SYMBOL(Reason.INCOMPATIBLE_SCHEMA, 0.02),
    TRUNCATED(Reason.UNDECODABLE, 0.02),
    RANDOM_BYTES(Reason.NOT_WIRE_FORMAT, 0.02),
    UNREGISTERED_SCHEMA_ID(Reason.UNKNOWN_SCHEMA_ID, 0.02),
    JSON_BY_MISTAKE(Reason.NOT_WIRE_FORMAT, 0.02);

    private final Reason expected;
    private final double share;

    Kind(Reason expected, double share) {
      this.expected = expected;
      this.share = share;
    }

    /** The dead-letter reason this kind must produce, empty when it must become a prediction. */
    public Optional<Reason> expected() {
      return Optional.ofNullable(expected);
    }
  }

  /** One event to produce. */
  public record Event(int index, Kind kind, byte[] key, byte[] value, long timestamp) {}

  /**
   * Schema ids registered for the demo.
   *
   * @param reader id of the reader schema itself
   * @param evolved id of the evolved compatible writer schema
   * @param walletChannel id of the writer schema with the unknown enum symbol
   * @param unregistered an id the registry does not know
   */
  public record SchemaIds(int reader, int evolved, int walletChannel, int unregistered) {}

  /**
   * Registers the sample writer schemas under {@code <topic>-value}; one more id is left
   * unregistered.
   */
  public static SampleTraffic.SchemaIds registerWriterSchemas(
      SchemaRegistryClient registry, String topic) {
    String subject = topic + "-value";
    int reader = registry.register(subject, Contracts.paymentEvent());
    int evolved = registry.register(subject, SampleSchemas.evolved());
    int wallet = registry.register(subject, SampleSchemas.walletChannel());
    int unregistered = Math.max(reader, Math.max(evolved, wallet)) + 1000;
    return new SampleTraffic.SchemaIds(reader, evolved, wallet, unregistered);
  }

  private final Schema reader;
  private final Schema evolved = SampleSchemas.evolved();
  private final Schema wallet = SampleSchemas.walletChannel();
  private final SchemaIds ids;
  private final PaymentGenerator payments;
  private final Random random;
  private final WireFormatEncoder readerEncoder;
  private final WireFormatEncoder evolvedEncoder;
  private final WireFormatEncoder walletEncoder;
  private final WireFormatEncoder unregisteredEncoder;

  public SampleTraffic(Schema reader, SchemaIds ids, long seed) {
    this.reader = reader;
    this.ids = ids;
    this.payments = new PaymentGenerator(reader, seed);
    this.random = new Random(seed ^ 0x5DEECE66DL);
    this.readerEncoder = new WireFormatEncoder(reader, ids.reader());
    this.evolvedEncoder = new WireFormatEncoder(evolved, ids.evolved());
    this.walletEncoder = new WireFormatEncoder(wallet, ids.walletChannel());
    this.unregisteredEncoder = new WireFormatEncoder(reader, ids.unregistered());
  }

  /** {@code count} events with timestamps starting at {@code startMillis}, 10 ms apart. */
  public List<Event> events(int count, long startMillis) {
    List<Event> events = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      events.add(next(i, startMillis + i * 10L));
    }
    return events;
  }

  public Event next(int index, long timestamp) {
    Kind kind = pickKind();
    byte[] key = ("payment-" + index).getBytes(StandardCharsets.UTF_8);
    return new Event(index, kind, key, value(kind, timestamp), timestamp);
  }

  private Kind pickKind() {
    double u = random.nextDouble();
    double acc = 0;
    for (Kind kind : Kind.values()) {
      acc += kind.share;
      if (u < acc) {
        return kind;
      }
    }
    return Kind.VALID;
  }

  private byte[] value(Kind kind, long timestamp) {
    GenericRecord payment = payments.next(timestamp).record();
    return switch (kind) {
      case VALID -> readerEncoder.encode(payment);
      case VALID_NEEDS_SANITATION -> {
        payment.put(
            "currency", "  " + payment.get("currency").toString().toLowerCase(Locale.ROOT) + " ");
        payment.put(
            "merchant_category",
            payment.get("merchant_category").toString().toUpperCase(Locale.ROOT));
        payment.put("account_age_days", -5);
        yield readerEncoder.encode(payment);
      }
      case VALID_EVOLVED_SCHEMA ->
          evolvedEncoder.encode(rewrite(payment, evolved, "device-" + random.nextInt(1000)));
      case UNKNOWN_ENUM_SYMBOL -> {
        GenericRecord written = rewrite(payment, wallet, null);
        written.put(
            "channel", new GenericData.EnumSymbol(wallet.getField("channel").schema(), "WALLET"));
        yield walletEncoder.encode(written);
      }
      case UNREGISTERED_SCHEMA_ID -> unregisteredEncoder.encode(payment);
      // the malformations of the reader schema's own encoder
      default -> Malformation.valueOf(kind.name()).write(payment, readerEncoder, random);
    };
  }

  /**
   * Copies {@code payment} field by field into a record of {@code schema}; extra fields get {@code
   * extra}.
   */
  private GenericRecord rewrite(GenericRecord payment, Schema schema, String extra) {
    GenericRecord written = new GenericData.Record(schema);
    for (Schema.Field field : schema.getFields()) {
      Schema.Field source = reader.getField(field.name());
      Object value = source == null ? extra : payment.get(source.pos());
      if (value instanceof GenericData.EnumSymbol symbol) {
        value = new GenericData.EnumSymbol(field.schema(), symbol.toString());
      }
      written.put(field.pos(), value);
    }
    return written;
  }
}

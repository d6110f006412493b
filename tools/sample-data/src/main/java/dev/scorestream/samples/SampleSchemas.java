package dev.scorestream.samples;

import dev.scorestream.schemas.Contracts;
import org.apache.avro.Schema;

/** Writer schemas the demo's producers use besides the reader schema itself. */
public final class SampleSchemas {

  private SampleSchemas() {}

  /** Evolved but compatible: reordered fields and an optional {@code device_id}. */
  public static Schema evolved() {
    return Contracts.fromClasspath("/samples/PaymentEvent-v2.avsc");
  }

  /** Adds the channel symbol {@code WALLET}, unknown to the reader schema. */
  public static Schema walletChannel() {
    return Contracts.fromClasspath("/samples/PaymentEvent-wallet.avsc");
  }

  /**
   * The reader schema ready for two producer changes: {@code card_present} has a default (false),
   * so a writer may drop it, and {@code account_age_days} has the alias {@code account_age}, so a
   * writer may rename it. Same fields, rules and features as the bundled reader.
   */
  public static Schema tolerantReader() {
    return Contracts.fromClasspath("/samples/PaymentEvent-tolerant.avsc");
  }

  /** {@code schema} without the field {@code name}: what a producer that dropped it writes. */
  public static Schema without(Schema schema, String name) {
    if (schema.getField(name) == null) {
      throw new IllegalArgumentException(schema.getFullName() + " has no field " + name);
    }
    return ProducerSchemas.withFields(
        schema, fields -> fields.removeIf(field -> field.name().equals(name)));
  }
}

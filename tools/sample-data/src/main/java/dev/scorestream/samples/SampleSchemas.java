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
}

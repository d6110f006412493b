package dev.scorestream.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.apache.avro.Schema;

/** Writer schemas the demo's producers use besides the reader schema itself. */
public final class DemoSchemas {

  private DemoSchemas() {
  }

  /** Evolved but compatible: reordered fields and an optional {@code device_id}. */
  public static Schema evolved() {
    return load("PaymentEvent-v2.avsc");
  }

  /** Adds the channel symbol {@code WALLET}, unknown to the reader schema. */
  public static Schema walletChannel() {
    return load("PaymentEvent-wallet.avsc");
  }

  private static Schema load(String file) {
    try (InputStream in = DemoSchemas.class.getResourceAsStream("/demo/" + file)) {
      if (in == null) {
        throw new IllegalStateException("missing resource demo/" + file);
      }
      return new Schema.Parser().parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package dev.scorestream.bench;

import dev.scorestream.codec.WireFormatEncoder;
import dev.scorestream.demo.SampleModel;
import dev.scorestream.model.ModelArtifact;
import dev.scorestream.samples.PaymentGenerator;
import dev.scorestream.schemas.Contracts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/** The benchmark's model and records: generated card payments, 5% of them malformed. */
final class Workload {

  /** One input record: key, wire-format value, and whether the pipeline must dead-letter it. */
  record Event(byte[] key, byte[] value, boolean malformed) {}

  static final double MALFORMED_SHARE = 0.05;

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
      GenericRecord record = generator.next(now + i).record();
      byte[] key = record.get("event_id").toString().getBytes(StandardCharsets.UTF_8);
      if (i % 20 != 19) {
        events.add(new Event(key, encoder.encode(record), false));
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
      events.add(new Event(key, value, true));
    }
    return events;
  }
}

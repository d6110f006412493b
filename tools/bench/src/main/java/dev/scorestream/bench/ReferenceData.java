package dev.scorestream.bench;

import static dev.scorestream.bench.BenchContext.say;

import dev.scorestream.codec.WireFormatEncoder;
import dev.scorestream.registry.SchemaRegistryClient;
import dev.scorestream.testkit.EmbeddedKafka;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * The reference table of the {@link Variant#REFERENCE} row: a compacted {@code bench-customers}
 * topic with one row per customer of the generated events (segment and chargebacks), and the
 * enrichment specs that join it onto each event by {@code customer_id}, the second with the
 * customer's windowed features ({@link Variant#CONTEXT}).
 */
final class ReferenceData {

  static final String TOPIC = "bench-customers";

  static final Schema CUSTOMER =
      SchemaBuilder.record("Customer")
          .namespace("bench")
          .fields()
          .requiredString("segment")
          .requiredInt("chargebacks_90d")
          .endRecord();

  static final String SPEC =
      """
      {"references": [
        {"table": "customers", "topic": "%s", "key": "customer_id",
         "fields": [
           {"name": "segment", "type": "string", "default": "unknown"},
           {"name": "chargebacks_90d", "type": "int", "default": 0}]}
      ]}
      """;

  /**
   * The spec of {@link Variant#CONTEXT}: the same lookup, and three aggregates of the customer's
   * earlier events: their count, amount sum and distinct merchant categories over the last hour;
   * with {@code keyed_input} for the events keyed by customer, without it for those keyed by event
   * id (repartitioned by customer).
   */
  static final String CONTEXT_SPEC =
      """
      {"references": [
        {"table": "customers", "topic": "%s", "key": "customer_id",
         "fields": [
           {"name": "segment", "type": "string", "default": "unknown"},
           {"name": "chargebacks_90d", "type": "int", "default": 0}]}],
       "entity": {"name": "customer", "key": "customer_id", "keyed_input": %s,
         "windows": ["1h"],
         "features": ["count", "sum(amount)", "distinct(merchant_category)"]}}
      """;

  /** The file names of {@link #CONTEXT_SPEC}, keyed input or not, next to the reference spec. */
  static final String CONTEXT_FILE = "context.json";

  static final String CONTEXT_KEYED_FILE = "context-keyed.json";

  private ReferenceData() {}

  /** The spec file, after the table's rows are on their topic; null when no variant needs them. */
  static Path prepare(
      List<Variant> variants,
      EmbeddedKafka kafka,
      BenchKafka broker,
      SchemaRegistryClient registry,
      List<Workload.Event> data,
      Path work)
      throws IOException {
    if (variants.stream().noneMatch(v -> v.reference)) {
      return null;
    }
    kafka.createTopics(Map.of(TOPIC, 1), Map.of("cleanup.policy", "compact"));
    WireFormatEncoder encoder =
        new WireFormatEncoder(CUSTOMER, registry.register(TOPIC + "-value", CUSTOMER));
    Set<String> customers = new LinkedHashSet<>();
    data.forEach(event -> customers.add(new String(event.customer(), StandardCharsets.UTF_8)));
    List<Workload.Event> rows = new ArrayList<>(customers.size());
    int i = 0;
    for (String customer : customers) {
      GenericRecord row = new GenericData.Record(CUSTOMER);
      row.put("segment", List.of("standard", "premium", "risky").get(i % 3));
      row.put("chargebacks_90d", i % 5);
      byte[] key = customer.getBytes(StandardCharsets.UTF_8);
      rows.add(new Workload.Event(key, encoder.encode(row), false, null, key));
      i++;
    }
    broker.produce(TOPIC, rows);
    say("reference table %s: %,d customer rows", TOPIC, rows.size());
    Files.writeString(work.resolve(CONTEXT_FILE), CONTEXT_SPEC.formatted(TOPIC, false));
    Files.writeString(work.resolve(CONTEXT_KEYED_FILE), CONTEXT_SPEC.formatted(TOPIC, true));
    return Files.writeString(work.resolve("enrichment.json"), SPEC.formatted(TOPIC));
  }
}

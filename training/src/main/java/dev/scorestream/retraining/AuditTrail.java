package dev.scorestream.retraining;

import dev.scorestream.codec.DecodeResult;
import dev.scorestream.codec.WireFormatDecoder;
import dev.scorestream.codec.WireFormatEncoder;
import dev.scorestream.registry.SchemaLookup;
import dev.scorestream.registry.SchemaRegistryClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code model-events} topic: every decision of the loop, in order, one partition, keyed by
 * model name, in the Confluent wire format with the registered {@code ModelEvent} schema. What the
 * controller folds after a restart, and what {@code scorer models history} prints.
 */
public final class AuditTrail {

  private static final Logger LOG = LoggerFactory.getLogger(AuditTrail.class);

  private final String topic;
  private final SchemaLookup registry;
  private final int schemaId;

  /**
   * @param schemaId the id {@code ModelEvent.avsc} is registered under for {@code <topic>-value}
   *     (only needed to write)
   */
  private AuditTrail(String topic, SchemaLookup registry, int schemaId) {
    this.topic = topic;
    this.registry = registry;
    this.schemaId = schemaId;
  }

  /** The trail on {@code topic}, to read only (it writes nothing, so registers nothing). */
  public static AuditTrail forReading(String topic, SchemaLookup registry) {
    return new AuditTrail(topic, registry, -1);
  }

  /**
   * The trail on {@code topic}, its value schema registered (idempotent) under the topic's subject.
   */
  public static AuditTrail registered(String topic, SchemaRegistryClient registry) {
    return new AuditTrail(
        topic, registry, registry.register(topic + "-value", ModelEvents.schema()));
  }

  public String topic() {
    return topic;
  }

  /** One decision as the record to write: keyed by its model, in the wire format. */
  ProducerRecord<byte[], byte[]> record(ModelEvent event) {
    return new ProducerRecord<>(
        topic,
        0,
        event.at().toEpochMilli(),
        event.modelName().getBytes(StandardCharsets.UTF_8),
        new WireFormatEncoder(ModelEvents.schema(), schemaId).encode(ModelEvents.toAvro(event)));
  }

  /**
   * Every decision about {@code model} (every model when null) committed so far, oldest first.
   * Records that do not decode are skipped with a warning: the trail is read by people too.
   */
  public List<ModelEvent> read(Properties clientProperties, String model) {
    try (TopicRanges ranges = new TopicRanges(clientProperties)) {
      return read(ranges, ranges.upToNow(topic, null), model);
    }
  }

  /** The decisions about {@code model} (every model when null) in {@code offsets}, in order. */
  List<ModelEvent> read(TopicRanges ranges, List<ModelEvent.OffsetRange> offsets, String model) {
    WireFormatDecoder decoder = new WireFormatDecoder(ModelEvents.schema(), registry);
    List<ModelEvent> events = new ArrayList<>();
    ranges.read(
        topic,
        offsets,
        record -> {
          DecodeResult result = decoder.decode(record.value());
          if (result instanceof DecodeResult.Decoded decoded) {
            ModelEvent event = ModelEvents.fromAvro(decoded.record());
            if (model == null || model.equals(event.modelName())) {
              events.add(event);
            }
          } else {
            LOG.warn(
                "{} offset {} is not a model event: {}",
                topic,
                record.offset(),
                ((DecodeResult.Failed) result).message());
          }
        });
    return events;
  }
}

package dev.scorestream.topology;

import dev.scorestream.codec.DecodeResult;
import dev.scorestream.codec.WireFormatDecoder;
import dev.scorestream.enrichment.Enricher;
import dev.scorestream.enrichment.EnrichmentSpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;

/**
 * Brings each entity's events to one task when the events topic is not keyed by the entity: {@link
 * Keyer} keys every record by its entity (the key field's text) before a repartition topic, and
 * {@link Restorer} after it gives the record back its own key, headers and source coordinates, so
 * everything downstream (dead letters, predictions, the production exception handler) sees the
 * record as it was on the events topic. The coordinates and original key travel in two headers that
 * never leave the pipeline.
 */
final class EntityRepartition {

  /** The source topic, partition and offset of a repartitioned record. */
  static final String SOURCE_HEADER = "scorer.internal.source";

  /** The source key of a repartitioned record (absent when it had none). */
  static final String KEY_HEADER = "scorer.internal.key";

  private EntityRepartition() {}

  /**
   * A decoder that reads only the entity's key field: the reader schema cut down to that field, so
   * Avro skips the rest of each event rather than building it. Everything else is decoded once,
   * after the repartition.
   *
   * @param full a decoder of the whole reader schema, whose registry it shares
   */
  static WireFormatDecoder keyDecoder(WireFormatDecoder full, EnrichmentSpec.Entity entity) {
    Schema reader = full.readerSchema();
    Schema.Field key = reader.getField(entity.key());
    Schema projection =
        Schema.createRecord(
            reader.getName(),
            null,
            reader.getNamespace(),
            false,
            List.of(new Schema.Field(key, key.schema())));
    return full.withReaderSchema(projection);
  }

  /**
   * Keys each event by its entity. A record that does not decode, or has no entity, keeps its key
   * and is dead-lettered or scored with empty features after the repartition, like any other.
   */
  static final class Keyer implements Processor<Bytes, byte[], Bytes, byte[]> {

    private final WireFormatDecoder decoder;
    private final EnrichmentSpec.Entity entity;
    private final RegistryWait registryWait;
    private ProcessorContext<Bytes, byte[]> context;

    Keyer(WireFormatDecoder decoder, EnrichmentSpec.Entity entity, RegistryWait registryWait) {
      this.decoder = decoder;
      this.entity = entity;
      this.registryWait = registryWait;
    }

    @Override
    public void init(ProcessorContext<Bytes, byte[]> context) {
      this.context = context;
    }

    @Override
    public void process(Record<Bytes, byte[]> record) {
      Bytes key = record.key();
      DecodeResult decoded =
          registryWait.call(
              () -> decoder.decode(record.value()),
              () -> context.recordMetadata().map(EntityRepartition::describe).orElse("?"));
      if (decoded instanceof DecodeResult.Decoded ok) {
        Object value = ok.record().get(entity.key());
        if (value != null) {
          key = Bytes.wrap(Enricher.key(value));
        }
      }
      Headers headers = record.headers();
      RecordMetadata source = context.recordMetadata().orElseThrow();
      byte[] topic = source.topic().getBytes(StandardCharsets.UTF_8);
      headers.add(
          SOURCE_HEADER,
          ByteBuffer.allocate(12 + topic.length)
              .putInt(source.partition())
              .putLong(source.offset())
              .put(topic)
              .array());
      if (record.key() != null) {
        headers.add(KEY_HEADER, record.key().get());
      }
      context.forward(record.withKey(key).withHeaders(headers));
    }
  }

  /** Gives a repartitioned record back its source key, headers and coordinates. */
  static final class Restorer implements Processor<Bytes, byte[], Bytes, byte[]> {

    private ProcessorContext<Bytes, byte[]> context;
    private InternalProcessorContext<Bytes, byte[]> internal;

    @Override
    @SuppressWarnings("unchecked")
    public void init(ProcessorContext<Bytes, byte[]> context) {
      if (!(context instanceof InternalProcessorContext<?, ?> kafkas)) {
        throw new IllegalStateException(
            "restoring record coordinates needs Kafka Streams' own processor context, not "
                + context.getClass().getName());
      }
      this.context = context;
      this.internal = (InternalProcessorContext<Bytes, byte[]>) kafkas;
    }

    @Override
    public void process(Record<Bytes, byte[]> record) {
      Headers headers = record.headers();
      Header source = headers.lastHeader(SOURCE_HEADER);
      if (source == null) {
        context.forward(record); // not written by the keyer: nothing to restore
        return;
      }
      Header keyHeader = headers.lastHeader(KEY_HEADER);
      headers.remove(SOURCE_HEADER);
      headers.remove(KEY_HEADER);
      Bytes key = keyHeader == null ? null : Bytes.wrap(keyHeader.value());
      ByteBuffer coordinates = ByteBuffer.wrap(source.value());
      int partition = coordinates.getInt();
      long offset = coordinates.getLong();
      String topic =
          new String(source.value(), 12, source.value().length - 12, StandardCharsets.UTF_8);
      ProcessorRecordContext previous = internal.recordContext();
      internal.setRecordContext(
          new ProcessorRecordContext(
              record.timestamp(),
              offset,
              partition,
              topic,
              headers,
              key == null ? null : key.get(),
              record.value()));
      try {
        context.forward(record.withKey(key).withHeaders(headers));
      } finally {
        internal.setRecordContext(previous);
      }
    }
  }

  private static String describe(RecordMetadata metadata) {
    return metadata.topic() + "-" + metadata.partition() + "@" + metadata.offset();
  }
}

package dev.scorestream.topology;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scorestream.codec.WireFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A second child of an input topic's source (events or labels, as bytes): forwards a {@link
 * Sighting} for the first record of each writer schema id this task sees, and nothing for every
 * other record. The work per record is a read of the 4-byte id and a binary search over the few ids
 * seen; nothing is decoded. After a restart or a rebalance the sightings repeat, which the
 * schema-change task absorbs.
 *
 * <p>Out: {@code "<role>/<schema id>"} (String) to the sighting's JSON (bytes).
 */
final class SchemaSightingProcessor implements Processor<Bytes, byte[], String, byte[]> {

  /**
   * Ids a task remembers at most: bytes that merely start with the magic byte carry random ids, and
   * a flood of them must not grow this set (the registry poll still finds real new versions).
   */
  static final int MAX_IDS = 256;

  private static final Logger LOG = LoggerFactory.getLogger(SchemaSightingProcessor.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The first record of a writer schema id on one task.
   *
   * @param role which input: {@code events} or {@code labels}
   * @param where {@code topic-partition@offset} of the record
   * @param timestamp the record's timestamp
   */
  record Sighting(String role, int schemaId, String where, long timestamp) {

    byte[] encode() {
      try {
        return JSON.writeValueAsBytes(this);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot write a schema sighting", e);
      }
    }

    static Sighting decode(byte[] bytes) {
      try {
        return JSON.readValue(bytes, Sighting.class);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read a schema sighting", e);
      }
    }
  }

  private final String role;
  private int[] seen = new int[0];
  private boolean full;
  private ProcessorContext<String, byte[]> context;

  SchemaSightingProcessor(String role) {
    this.role = role;
  }

  @Override
  public void init(ProcessorContext<String, byte[]> context) {
    this.context = context;
  }

  @Override
  public void process(Record<Bytes, byte[]> record) {
    byte[] value = record.value();
    if (!WireFormat.hasHeader(value)) {
      return; // the scorer dead-letters it as NOT_WIRE_FORMAT
    }
    int schemaId = WireFormat.schemaId(value);
    int at = Arrays.binarySearch(seen, schemaId);
    if (at >= 0) {
      return;
    }
    if (seen.length >= MAX_IDS) {
      if (!full) {
        full = true;
        LOG.warn(
            "{} writer schema ids seen on one task of {}; ids not seen yet are left to the registry"
                + " poll",
            MAX_IDS,
            role);
      }
      return;
    }
    int insert = -at - 1;
    int[] grown = new int[seen.length + 1];
    System.arraycopy(seen, 0, grown, 0, insert);
    grown[insert] = schemaId;
    System.arraycopy(seen, insert, grown, insert + 1, seen.length - insert);
    seen = grown;
    String where =
        context
            .recordMetadata()
            .map(m -> m.topic() + "-" + m.partition() + "@" + m.offset())
            .orElse(null);
    context.forward(
        new Record<>(
            role + "/" + schemaId,
            new Sighting(role, schemaId, where, record.timestamp()).encode(),
            record.timestamp()));
  }
}

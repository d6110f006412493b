package dev.scorestream.topology;

import dev.scorestream.enrichment.Enricher;
import dev.scorestream.enrichment.EnrichmentSpec;
import dev.scorestream.enrichment.EntityHistory;
import java.time.Duration;
import java.util.Arrays;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a scoring task does for an entity's histories beside scoring: deleting those of quiet
 * entities, and, when the spec says the events topic is keyed by the entity, noticing records keyed
 * otherwise.
 */
final class EntityUpkeep {

  private static final Logger LOG = LoggerFactory.getLogger(EntityUpkeep.class);

  private final EnrichmentSpec.Entity entity;
  private final OutcomeListener listener;
  private boolean miskeyedLogged;

  EntityUpkeep(EnrichmentSpec.Entity entity, OutcomeListener listener) {
    this.entity = entity;
    this.listener = listener;
  }

  /**
   * The spec says the events topic is keyed by the entity: a record keyed otherwise is counted (and
   * logged once), since its entity's other events may be elsewhere.
   */
  void checkKey(FixedKeyRecord<Bytes, byte[]> record, GenericRecord event) {
    if (!entity.keyedInput()) {
      return;
    }
    Object key = event.get(entity.key());
    if (key == null
        || (record.key() != null && Arrays.equals(record.key().get(), Enricher.key(key)))) {
      return;
    }
    listener.entity(entity.name(), EntityHistory.Recorded.MISKEYED);
    if (!miskeyedLogged) {
      miskeyedLogged = true;
      LOG.warn(
          "the enrichment spec says the events are keyed by {}, but a record with {} '{}' has"
              + " key {}: key the topic by {} (its text), or set keyed_input to false",
          entity.key(),
          entity.key(),
          key,
          record.key() == null ? "null" : "'" + record.key() + "'",
          entity.key());
    }
  }

  /**
   * Every so often (stream time: a quarter of the longest window, at most an hour), deletes the
   * histories of entities with no event within the horizon.
   */
  void scheduleCleanUp(FixedKeyProcessorContext<?, ?> context) {
    KeyValueStore<Bytes, byte[]> histories = context.getStateStore(entity.store());
    Duration every = entity.longest().dividedBy(4);
    if (every.compareTo(Duration.ofHours(1)) > 0) {
      every = Duration.ofHours(1);
    }
    if (every.toMillis() < 1000) {
      every = Duration.ofSeconds(1);
    }
    context.schedule(
        every,
        PunctuationType.STREAM_TIME,
        streamTime -> {
          int deleted = ContextStores.cleanUp(histories, entity, streamTime);
          if (deleted > 0) {
            LOG.debug("deleted {} stale histories of {}", deleted, entity.name());
          }
        });
  }
}

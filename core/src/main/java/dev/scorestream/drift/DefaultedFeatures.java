package dev.scorestream.drift;

import dev.scorestream.evolution.DefaultedFields;
import dev.scorestream.features.FeatureExtractor.FeatureField;
import dev.scorestream.registry.RegistryUnavailableException;
import dev.scorestream.registry.SchemaLookup;
import dev.scorestream.registry.SchemaNotFoundException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * Which features every event of a writer schema carries as the reader schema's default, because the
 * writer lacks their field: a constant of the writer schema (Avro's resolution, {@link
 * DefaultedFields}), worked out once per schema id. Drift counts those values as missing, not as
 * observations, so a feature that silently became its default shows as a missing-rate change.
 *
 * <p>Thread-safe; the per-event cost is an int comparison while the writer schema stays the same.
 */
public final class DefaultedFeatures {

  /** No feature defaulted (or the writer schema could not be looked up). */
  private static final boolean[] NONE = new boolean[0];

  /** A writer schema id and its mask, replaced whole. */
  private record Last(int schemaId, boolean[] mask) {}

  private final List<FeatureField> fields;
  private final Schema reader;
  private final SchemaLookup writers;
  private final Map<Integer, boolean[]> masks = new ConcurrentHashMap<>();
  private volatile Last last = new Last(-1, NONE);

  /**
   * @param fields the features drift follows, in their order
   * @param reader the schema events are decoded onto (reader fields keep their names when enriched)
   * @param writers writer schemas by id (the decoder's registry: already cached for decoded events)
   */
  public DefaultedFeatures(List<FeatureField> fields, Schema reader, SchemaLookup writers) {
    this.fields = List.copyOf(fields);
    this.reader = reader;
    this.writers = writers;
  }

  /** The features defaulted under writer schema {@code schemaId}, by index; null for none. */
  public boolean[] of(int schemaId) {
    Last seen = last;
    if (seen.schemaId() != schemaId) {
      boolean[] mask = masks.get(schemaId);
      if (mask == null) {
        mask = compute(schemaId);
        if (mask == null) {
          return null;
        }
      }
      seen = new Last(schemaId, mask);
      last = seen;
    }
    return seen.mask().length == 0 ? null : seen.mask();
  }

  /** The mask, stored; null when the writer schema cannot be looked up now. */
  private boolean[] compute(int schemaId) {
    Schema writer;
    try {
      writer = writers.schemaById(schemaId);
    } catch (SchemaNotFoundException | RegistryUnavailableException e) {
      // The event decoded, so its writer schema was known a moment ago (an evicted cache entry and
      // a
      // registry outage at once): the next event of this id tries again.
      return null;
    }
    Set<String> defaulted = new HashSet<>(DefaultedFields.of(writer, reader));
    boolean[] mask = new boolean[fields.size()];
    boolean any = false;
    for (int i = 0; i < mask.length; i++) {
      mask[i] = defaulted.contains(fields.get(i).name());
      any |= mask[i];
    }
    boolean[] result = any ? mask : NONE;
    masks.put(schemaId, result);
    return result;
  }
}

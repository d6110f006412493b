package dev.scorestream.enrichment;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Reference rows and entity histories held in this process, for what runs outside the stream with
 * the stream's code: the backfill of {@code scorer features}, training sets built from history, and
 * tests. Events looked up here join their entity's history, as in the stream. Not thread-safe.
 */
public final class InMemoryContext implements Enricher.Lookup {

  private final Map<String, Map<String, byte[]>> rows = new HashMap<>();
  private final Map<String, Map<String, byte[]>> histories = new HashMap<>();

  /** Sets (or, for null, deletes) the row of {@code key} in {@code table}. */
  public void put(String table, String key, byte[] row) {
    Map<String, byte[]> tableRows = rows.computeIfAbsent(table, t -> new HashMap<>());
    if (row == null) {
      tableRows.remove(key);
    } else {
      tableRows.put(key, row);
    }
  }

  /** How many entities have a history. */
  public int entities() {
    return histories.values().stream().mapToInt(Map::size).sum();
  }

  @Override
  public byte[] get(EnrichmentSpec.Reference reference, byte[] key) {
    return rows.getOrDefault(reference.table(), Map.of())
        .get(new String(key, StandardCharsets.UTF_8));
  }

  @Override
  public byte[] history(EnrichmentSpec.Entity entity, byte[] key) {
    return histories
        .getOrDefault(entity.name(), Map.of())
        .get(new String(key, StandardCharsets.UTF_8));
  }

  @Override
  public boolean records() {
    return true;
  }

  @Override
  public void remember(EnrichmentSpec.Entity entity, byte[] key, byte[] history) {
    histories
        .computeIfAbsent(entity.name(), e -> new HashMap<>())
        .put(new String(key, StandardCharsets.UTF_8), history);
  }
}

package dev.scorestream.registry;

import java.util.List;
import org.apache.avro.Schema;

/**
 * Where one writer schema stands among the versions of a subject: its version there and the version
 * registered before it, the "previous writer" a new schema is compared with.
 *
 * @param version its version under the subject, or null when the subject does not hold it (a
 *     producer using another subject name strategy)
 * @param previous the version before it, or null for the subject's first (or when {@code version}
 *     is null)
 */
public record WriterHistory(int schemaId, Schema writer, Integer version, SubjectVersion previous) {

  /**
   * Looks {@code schemaId} up under {@code subject}, oldest version first, so no version after it
   * is fetched (every answer but the list of versions is cached by the client, and a fetched
   * version's schema joins the id cache the decoder reads).
   *
   * @throws SchemaNotFoundException the registry does not know the id
   * @throws RegistryUnavailableException the registry gave no answer
   */
  public static WriterHistory of(SchemaRegistryClient registry, String subject, int schemaId)
      throws SchemaNotFoundException {
    Schema writer = registry.schemaById(schemaId);
    List<Integer> versions = registry.versions(subject);
    for (int i = 0; i < versions.size(); i++) {
      SubjectVersion candidate = registry.version(subject, versions.get(i));
      if (candidate.id() == schemaId) {
        SubjectVersion previous = i == 0 ? null : registry.version(subject, versions.get(i - 1));
        return new WriterHistory(schemaId, writer, candidate.version(), previous);
      }
    }
    return new WriterHistory(schemaId, writer, null, null);
  }
}

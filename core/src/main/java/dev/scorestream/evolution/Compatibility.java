package dev.scorestream.evolution;

import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

/**
 * How a new writer schema relates to the pipeline's reader schema and to the subject's previous
 * writer.
 *
 * @param decodability what the decoder does with the writer's events
 * @param avro Avro's verdict on reading the writer as the reader ({@code SchemaCompatibility}); it
 *     is stricter than {@link #decodability}: an enum symbol the reader lacks makes it {@code
 *     INCOMPATIBLE} although only events with that symbol fail
 * @param incompatibilities Avro's reasons, one line each: {@code TYPE_MISMATCH at /fields/2/type:
 *     ...}
 * @param withReader the reader as the older schema, the writer as the newer: {@code FORWARD} means
 *     the reader reads the writer's events
 * @param withPrevious the previous writer as the older schema, empty for a subject's first version
 */
public record Compatibility(
    Decodability decodability,
    SchemaCompatibilityType avro,
    List<String> incompatibilities,
    Level withReader,
    Optional<Level> withPrevious) {

  /**
   * The registry's compatibility levels between an older and a newer schema: {@code BACKWARD} the
   * newer reads data of the older, {@code FORWARD} the older reads data of the newer, {@code FULL}
   * both.
   */
  public enum Level {
    FULL,
    BACKWARD,
    FORWARD,
    NONE;

    public static Level between(Schema older, Schema newer) {
      boolean backward = reads(newer, older);
      boolean forward = reads(older, newer);
      if (backward && forward) {
        return FULL;
      }
      return backward ? BACKWARD : forward ? FORWARD : NONE;
    }

    private static boolean reads(Schema reader, Schema writer) {
      return SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getType()
          == SchemaCompatibilityType.COMPATIBLE;
    }
  }

  public Compatibility {
    incompatibilities = List.copyOf(incompatibilities);
  }

  /** Compares {@code writer} with {@code reader} and, when there is one, {@code previous}. */
  public static Compatibility of(Schema reader, Optional<Schema> previous, Schema writer) {
    SchemaCompatibility.SchemaCompatibilityResult result =
        SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getResult();
    List<String> reasons =
        result.getIncompatibilities().stream()
            .map(i -> i.getType() + " at " + i.getLocation() + ": " + i.getMessage())
            .toList();
    return new Compatibility(
        Decodability.of(writer, reader),
        result.getCompatibility(),
        reasons,
        Level.between(reader, writer),
        previous.map(older -> Level.between(older, writer)));
  }
}

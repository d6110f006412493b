package dev.scorestream.cli;

import dev.scorestream.enrichment.EnrichmentSpec;
import dev.scorestream.schemas.Contracts;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.avro.Schema;
import picocli.CommandLine.Option;

/**
 * {@code --schema AVSC}: the reader schema a command works with; the bundled PaymentEvent by
 * default.
 */
final class ReaderSchemaOption {

  @Option(
      names = "--schema",
      paramLabel = "AVSC",
      description = "Reader schema (.avsc); default: the bundled PaymentEvent.")
  Path schema;

  @Option(
      names = "--enrichment",
      paramLabel = "SPEC",
      description =
          "The pipeline's enrichment spec (JSON, enrichment.spec.path): records then carry its"
              + " reference tables' fields, as the stream's training examples do.")
  Path enrichment;

  /** The schema of the records the command reads: the reader schema, enriched when asked. */
  Schema reader() {
    return enrichment(plain()).enrichedSchema();
  }

  /** The reader schema itself, what events are decoded onto. */
  Schema plain() {
    return schema == null ? Contracts.paymentEvent() : Contracts.fromFile(schema);
  }

  /** The enrichment spec over {@code reader}, or none. */
  EnrichmentSpec enrichment(Schema reader) {
    if (enrichment == null) {
      return EnrichmentSpec.none(reader);
    }
    try {
      return EnrichmentSpec.read(enrichment, reader);
    } catch (IOException e) {
      throw new IllegalArgumentException("--enrichment " + enrichment + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--enrichment " + e.getMessage(), e);
    }
  }
}

package dev.scorestream.cli;

import dev.scorestream.schemas.Contracts;
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

  Schema reader() {
    return schema == null ? Contracts.paymentEvent() : Contracts.fromFile(schema);
  }
}

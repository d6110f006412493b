package dev.scorestream.cli;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.scorestream.enrichment.EnrichmentSpec;
import dev.scorestream.registry.SchemaRegistryClient;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.training.FeatureBackfill;
import dev.scorestream.validation.RecordValidator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.avro.Schema;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code scorer features}: the enriched events of a topic's history, recomputed with the stream's
 * code, as an Avro file that {@code scorer train} and {@code scorer export} read.
 */
@Command(
    name = "features",
    mixinStandardHelpOptions = true,
    description =
        "Recompute the enriched events (reference rows and entity features) of an events topic's"
            + " history with the stream's own code, and write them as an .avro file. With"
            + " --labels, only labelled events are written, with a label field, ready for"
            + " `scorer train --input FILE --enrichment SPEC`.")
public final class FeaturesCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--from-topic",
      required = true,
      paramLabel = "TOPIC",
      description = "The events topic (wire-format Avro), read from its beginning.")
  String topic;

  @Option(
      names = "--until",
      paramLabel = "INSTANT",
      description =
          "Only events with a timestamp before this ISO-8601 instant (default: now); the topic is"
              + " read to its end offsets when the command starts.")
  Instant until;

  @Option(
      names = {"--out", "-o"},
      required = true,
      paramLabel = "FILE",
      description = ".avro file to write (must not exist).")
  Path out;

  @Option(
      names = "--labels",
      paramLabel = "CSV",
      description =
          "Labels from elsewhere (a CSV file with columns event_id and label): only events with a"
              + " label are written, with field 'label'.")
  Path labels;

  @Option(
      names = "--event-id-field",
      defaultValue = "event_id",
      paramLabel = "FIELD",
      description =
          "With --labels: the reader-schema field of the event id (default ${DEFAULT-VALUE}).")
  String eventIdField;

  @Mixin KafkaClientOptions kafka;

  @Mixin RegistryOptions registry;

  @Mixin ReaderSchemaOption readerSchema;

  @Override
  public Integer call() throws IOException {
    PrintWriter console = spec.commandLine().getOut();
    checkArguments();
    Schema reader =
        readerSchema.schema == null
            ? Contracts.paymentEvent()
            : Contracts.fromFile(readerSchema.schema);
    EnrichmentSpec enrichment;
    try {
      enrichment = EnrichmentSpec.read(readerSchema.enrichment, reader);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--enrichment " + e.getMessage());
    }
    Map<String, String> labelled = labels == null ? null : readLabels(labels);
    if (labelled != null && reader.getField(eventIdField) == null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--event-id-field: the reader schema "
              + reader.getFullName()
              + " has no field '"
              + eventIdField
              + "'");
    }
    long[] unlabelled = {0};
    FeatureBackfill.Summary summary = backfill(reader, enrichment, labelled, unlabelled);
    report(console, summary);
    console.printf(
        "wrote %,d events to %s%s%n",
        summary.enriched() - unlabelled[0],
        out,
        labelled == null ? "" : " (" + unlabelled[0] + " without a label left out)");
    return 0;
  }

  private void checkArguments() {
    if (!kafka.given() || !registry.given()) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "features needs --bootstrap-server and --registry");
    }
    if (readerSchema.enrichment == null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "features needs --enrichment SPEC: the spec the pipeline runs with");
    }
    if (Files.exists(out)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--out " + out + " already exists; choose a new file");
    }
  }

  /**
   * Replays the topic into {@code --out}; with labels, only the labelled events, each with its
   * label ({@code unlabelled[0]} counts the others).
   */
  private FeatureBackfill.Summary backfill(
      Schema reader, EnrichmentSpec enrichment, Map<String, String> labelled, long[] unlabelled)
      throws IOException {
    Schema enriched = enrichment.enrichedSchema();
    Schema written = labelled == null ? enriched : withLabel(enriched);
    FeatureBackfill.Summary summary;
    try (DataFileWriter<GenericRecord> file =
        new DataFileWriter<GenericRecord>(new GenericDatumWriter<>(written))
            .setCodec(CodecFactory.deflateCodec(6))) {
      file.create(written, out.toFile());
      summary =
          new FeatureBackfill(
                  kafka.properties(),
                  new SchemaRegistryClient(registry.settings()),
                  reader,
                  RecordValidator.forSchema(reader),
                  enrichment)
              .run(
                  topic,
                  until == null ? Instant.now() : until,
                  (record, timestamp) -> {
                    GenericRecord row = record;
                    if (labelled != null) {
                      Object id = record.get(eventIdField);
                      String label = id == null ? null : labelled.get(id.toString());
                      if (label == null) {
                        unlabelled[0]++;
                        return;
                      }
                      GenericData.Record withLabel = new GenericData.Record(written);
                      for (int i = 0; i < enriched.getFields().size(); i++) {
                        withLabel.put(i, record.get(i));
                      }
                      withLabel.put(enriched.getFields().size(), label);
                      row = withLabel;
                    }
                    try {
                      file.append(row);
                    } catch (IOException e) {
                      throw new java.io.UncheckedIOException(e);
                    }
                  });
    } catch (IllegalArgumentException | IllegalStateException e) {
      Files.deleteIfExists(out);
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    return summary;
  }

  private void report(PrintWriter console, FeatureBackfill.Summary summary) {
    console.printf(
        "read %,d events from %s: %,d enriched, %,d at or after --until, skipped %,d%s%n",
        summary.read(),
        topic,
        summary.enriched(),
        summary.afterUntil(),
        summary.skippedBy().values().stream().mapToLong(Long::longValue).sum(),
        summary.skippedBy().isEmpty() ? "" : " " + summary.skippedBy());
    summary
        .referenceRows()
        .forEach((table, rows) -> console.printf("reference table %s: %,d rows%n", table, rows));
    if (!summary.histories().isEmpty()) {
      console.printf(
          "entity histories: %,d entities, events %s%n", summary.entities(), summary.histories());
    }
  }

  /** The enriched schema with a string field {@code label} at the end. */
  static Schema withLabel(Schema enriched) {
    List<Schema.Field> fields = new ArrayList<>();
    enriched.getFields().forEach(f -> fields.add(new Schema.Field(f, f.schema())));
    fields.add(
        new Schema.Field("label", Schema.create(Schema.Type.STRING), "The event's label.", null));
    return Schema.createRecord(
        enriched.getName(), enriched.getDoc(), enriched.getNamespace(), false, fields);
  }

  /**
   * {@code event_id,label} rows after a header naming those columns (others are ignored), read with
   * the CSV reader {@code scorer train} uses, so quoted cells work the same.
   */
  private Map<String, String> readLabels(Path file) throws IOException {
    Map<String, String> byId = new HashMap<>();
    try (Reader in = Files.newBufferedReader(file);
        MappingIterator<Map<String, String>> rows =
            new CsvMapper()
                .readerForMapOf(String.class)
                .with(CsvSchema.emptySchema().withHeader())
                .readValues(in)) {
      int line = 1; // the header
      while (rows.hasNext()) {
        Map<String, String> row = rows.next();
        line++;
        String id = row.get("event_id");
        String label = row.get("label");
        if (id == null || label == null) {
          throw new CommandLine.ParameterException(
              spec.commandLine(),
              "--labels "
                  + file
                  + " line "
                  + line
                  + ": expected columns event_id and label, got "
                  + row.keySet());
        }
        byId.put(id.strip(), label.strip());
      }
    }
    if (byId.isEmpty()) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--labels " + file + " holds no event_id,label rows");
    }
    return byId;
  }
}

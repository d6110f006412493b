package dev.scorestream.cli;

import dev.scorestream.app.ScorerApp;
import dev.scorestream.enrichment.EnrichmentSpec;
import dev.scorestream.evolution.SchemaChangeAnalysis;
import dev.scorestream.evolution.SchemaChangeRecords;
import dev.scorestream.evolution.SchemaChangeReport;
import dev.scorestream.evolution.ServingModel;
import dev.scorestream.model.ModelArtifact;
import dev.scorestream.registry.SchemaNotFoundException;
import dev.scorestream.registry.SchemaRegistryClient;
import dev.scorestream.registry.SubjectVersion;
import dev.scorestream.registry.WriterHistory;
import dev.scorestream.schemas.Contracts;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code scorer schemas diff --subject S --from ID --to ID}: the analysis the pipeline would report
 * for a writer schema, on demand, without a running pipeline.
 */
@Command(
    name = "diff",
    mixinStandardHelpOptions = true,
    description =
        "Analyse writer schema --to against the reader schema and against --from (default: the"
            + " version before it under --subject), with what it does to --model and --challenger:"
            + " what the pipeline would report, without a running pipeline. Exits 3 when a model is"
            + " affected, so a CI step can stop a producer's change.")
final class SchemaDiffCommand implements Callable<Integer> {

  /** The exit code when a model is affected. */
  static final int MODEL_AFFECTED = 3;

  @Spec CommandSpec spec;

  @Mixin RegistryOptions registry;

  @Mixin ReaderSchemaOption readerSchema;

  @Mixin ServingModelOptions models;

  @Mixin SubjectOption subject;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "ID",
      description = "The new writer schema's id.")
  int to;

  @Option(
      names = "--from",
      paramLabel = "ID",
      description = "The previous writer schema's id; default: the version before --to.")
  Integer from;

  @Option(names = "--json", description = "Print the SchemaChange record as JSON instead.")
  boolean json;

  @Override
  public Integer call() throws SchemaNotFoundException {
    SchemaRegistryClient client = new SchemaRegistryClient(registry.settings());
    Schema reader = readerSchema.plain();
    EnrichmentSpec enrichment = readerSchema.enrichment(reader);
    Analysis analysis =
        Analysis.of(client, subject.subject, to, from, reader, models.load(enrichment));
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(analysis.record());
    } else {
      new SchemaChangePrinter(out).print(analysis.record(), null);
      out.println(analysis.report().summary());
    }
    return analysis.report().modelAffected() ? MODEL_AFFECTED : 0;
  }

  /** One writer schema analysed as the pipeline analyses it, and its SchemaChange record. */
  record Analysis(
      WriterHistory history,
      Optional<Schema> previous,
      SchemaChangeReport report,
      GenericRecord record) {

    /**
     * @param from the previous writer's id, or null for the version before {@code to}
     */
    static Analysis of(
        SchemaRegistryClient client,
        String subject,
        int to,
        Integer from,
        Schema reader,
        List<ServingModel> models)
        throws SchemaNotFoundException {
      WriterHistory history = WriterHistory.of(client, subject, to);
      Integer previousId =
          from != null
              ? from
              : Optional.ofNullable(history.previous()).map(SubjectVersion::id).orElse(null);
      Optional<Schema> previous =
          previousId == null ? Optional.empty() : Optional.of(client.schemaById(previousId));
      SchemaChangeReport report =
          SchemaChangeAnalysis.analyze(reader, previous, history.writer(), models);
      SchemaChangeRecords.Detection detection =
          new SchemaChangeRecords.Detection(
              subject,
              to,
              history.version(),
              previousId,
              "-",
              SchemaChangeRecords.Source.REGISTRY_POLL,
              Instant.now(),
              null,
              "scorer schemas",
              ScorerApp.appVersion(),
              ModelArtifact.fingerprint(reader));
      return new Analysis(
          history,
          previous,
          report,
          SchemaChangeRecords.of(Contracts.schemaChange(), detection, report));
    }
  }
}

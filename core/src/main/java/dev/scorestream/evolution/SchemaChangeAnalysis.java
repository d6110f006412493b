package dev.scorestream.evolution;

import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;

/**
 * The one entry point: analyses a new writer schema against the pipeline's reader schema and the
 * subject's previous writer, for the models serving. The topology (first event with a new schema
 * id), the registry poller and {@code scorer schemas diff} all call this, so they agree. Pure: no
 * registry, no Kafka; the caller fetches the schemas.
 */
public final class SchemaChangeAnalysis {

  private SchemaChangeAnalysis() {}

  public static SchemaChangeReport analyze(
      Schema reader, Optional<Schema> previous, Schema writer, List<ServingModel> models) {
    ImpactAnalysis.Resolution now = resolution(writer, reader);
    ImpactAnalysis.Resolution before =
        previous.map(p -> resolution(p, reader)).orElse(ImpactAnalysis.Resolution.NONE);
    return new SchemaChangeReport(
        Compatibility.of(reader, previous, writer),
        now.changes(),
        previous.map(p -> SchemaDiff.sincePrevious(p, writer)).orElse(List.of()),
        DefaultedFields.of(writer, reader),
        models.stream().map(model -> ImpactAnalysis.of(model, now, before)).toList());
  }

  private static ImpactAnalysis.Resolution resolution(Schema writer, Schema reader) {
    return new ImpactAnalysis.Resolution(
        SchemaDiff.againstReader(writer, reader), Decodability.of(writer, reader));
  }
}

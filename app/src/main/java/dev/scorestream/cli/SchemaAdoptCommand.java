package dev.scorestream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scorestream.enrichment.EnrichmentSpec;
import dev.scorestream.evolution.AvroSamples;
import dev.scorestream.evolution.Compatibility;
import dev.scorestream.evolution.Decodability;
import dev.scorestream.evolution.DefaultedFields;
import dev.scorestream.evolution.ReaderProposal;
import dev.scorestream.features.FeatureExtractor;
import dev.scorestream.features.FeatureSpec;
import dev.scorestream.model.ModelArtifact;
import dev.scorestream.registry.SchemaNotFoundException;
import dev.scorestream.registry.SchemaRegistryClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.avro.Schema;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code scorer schemas adopt --subject S --model DIR --out DIR}: the next reader schema (and the
 * feature-spec change) after a producer's schema change, as files for a person to review, checked
 * before they are written out as passing.
 */
@Command(
    name = "adopt",
    mixinStandardHelpOptions = true,
    description =
        "Propose the next reader schema for the newest writer schema of --subject (or --id): its new"
            + " fields added with defaults (not as features), its removals kept with defaults, its"
            + " renames as aliases, its enum symbols joined. Writes reader.avsc, ADOPT.md (the"
            + " analysis, every change and why) and, for a model with a feature spec,"
            + " features.json for the next model, into --out; then checks that the serving model"
            + " loads against the proposal and that records of the previous and the new writer"
            + " decode with it. Exits 1 when a check fails.")
final class SchemaAdoptCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin RegistryOptions registry;

  @Mixin ReaderSchemaOption readerSchema;

  @Mixin ServingModelOptions models;

  @Mixin SubjectOption subject;

  @Option(
      names = "--id",
      paramLabel = "ID",
      description = "The writer schema to adopt; default: the subject's newest version.")
  Integer id;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "Directory for reader.avsc, ADOPT.md and features.json (created).")
  Path out;

  @Option(
      names = "--samples",
      defaultValue = "200",
      paramLabel = "N",
      description =
          "Random records of each writer schema decoded with the proposal (default ${DEFAULT-VALUE}).")
  int samples;

  /** One check of the proposal. */
  record Check(boolean passed, String what) {}

  @Override
  public Integer call() throws SchemaNotFoundException, IOException {
    if (models.model == null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "Missing required option: '--model=DIR' (the serving model)");
    }
    if (samples < 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--samples must be at least 1, got " + samples);
    }
    SchemaRegistryClient client = new SchemaRegistryClient(registry.settings());
    int writerId = id != null ? id : newest(client);
    Schema reader = readerSchema.plain();
    EnrichmentSpec enrichment = readerSchema.enrichment(reader);
    SchemaDiffCommand.Analysis analysis =
        SchemaDiffCommand.Analysis.of(
            client, subject.subject, writerId, null, reader, models.load(enrichment));
    ReaderProposal proposal = ReaderProposal.of(reader, analysis.history().writer());
    Files.createDirectories(out);
    Files.writeString(out.resolve("reader.avsc"), proposal.reader().toString(true) + "\n");
    List<Check> checks = new ArrayList<>();
    Schema enriched = readerSchema.enrichment(proposal.reader()).enrichedSchema();
    Optional<ObjectNode> features = featureSpec(proposal, analysis, enriched, checks);
    if (features.isPresent()) {
      Files.writeString(
          out.resolve("features.json"),
          new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(features.get())
              + "\n");
    }
    checks.addAll(decodeChecks(reader, proposal.reader(), analysis));
    Files.writeString(
        out.resolve("ADOPT.md"),
        AdoptReport.markdown(
            subject.subject, writerId, analysis, proposal, features.isPresent(), checks));
    PrintWriter printed = spec.commandLine().getOut();
    new SchemaChangePrinter(printed).print(analysis.record(), null);
    proposal.notes().forEach(note -> printed.println("proposed: " + note));
    checks.forEach(c -> printed.println((c.passed() ? "PASS " : "FAIL ") + c.what()));
    printed.printf(
        "wrote %s (reader.avsc, ADOPT.md%s)%n", out, features.isPresent() ? ", features.json" : "");
    return checks.stream().allMatch(Check::passed) ? 0 : 1;
  }

  private int newest(SchemaRegistryClient client) throws SchemaNotFoundException {
    List<Integer> versions = client.versions(subject.subject);
    if (versions.isEmpty()) {
      throw new IllegalArgumentException(
          "subject " + subject.subject + " has no versions in the registry");
    }
    return client.version(subject.subject, versions.get(versions.size() - 1)).id();
  }

  /**
   * Loads the serving model against the proposal (its feature spec included): the check that the
   * proposal can serve it. For a model with a feature spec, the spec of the next model: the same
   * columns without those the new writer leaves at their default.
   */
  private Optional<ObjectNode> featureSpec(
      ReaderProposal proposal,
      SchemaDiffCommand.Analysis analysis,
      Schema enriched,
      List<Check> checks) {
    ModelArtifact artifact;
    try {
      artifact = ModelArtifact.load(models.model, FeatureExtractor.forSchema(enriched));
      checks.add(
          new Check(true, "the serving model " + models.model + " loads against the proposal"));
    } catch (RuntimeException e) {
      checks.add(
          new Check(
              false, "the serving model does not load against the proposal: " + e.getMessage()));
      return Optional.empty();
    }
    if (artifact.spec() == null) {
      return Optional.empty();
    }
    List<String> defaulted = DefaultedFields.of(analysis.history().writer(), proposal.reader());
    ObjectNode next = (ObjectNode) artifact.spec().json().deepCopy();
    ArrayNode columns = next.putArray("columns");
    artifact
        .spec()
        .json()
        .path("columns")
        .forEach(
            column -> {
              if (!defaulted.contains(column.path("field").asText())) {
                columns.add(column);
              }
            });
    try {
      FeatureSpec.parse(next, enriched);
      checks.add(new Check(true, "features.json (the next model's spec) reads the proposal"));
    } catch (IllegalArgumentException e) {
      checks.add(new Check(false, "features.json does not read the proposal: " + e.getMessage()));
    }
    return Optional.of(next);
  }

  /** Both writers' records decode with the proposal, and the proposal reads the old reader's. */
  private List<Check> decodeChecks(
      Schema reader, Schema proposed, SchemaDiffCommand.Analysis analysis) {
    List<Check> checks = new ArrayList<>();
    List<Schema> writers = new ArrayList<>();
    analysis.previous().ifPresent(writers::add);
    writers.add(analysis.history().writer());
    for (int i = 0; i < writers.size(); i++) {
      String which = i == writers.size() - 1 ? "new writer" : "previous writer";
      Decodability decodability = Decodability.of(writers.get(i), proposed);
      Optional<String> failure = AvroSamples.decodeAs(writers.get(i), proposed, samples, i + 1);
      checks.add(
          new Check(
              decodability == Decodability.ALL_EVENTS && failure.isEmpty(),
              "the "
                  + which
                  + "'s events decode ("
                  + decodability
                  + ", "
                  + samples
                  + " random records"
                  + failure.map(f -> ": " + f).orElse("")
                  + ")"));
    }
    Compatibility.Level level = Compatibility.Level.between(reader, proposed);
    checks.add(
        new Check(
            level == Compatibility.Level.BACKWARD || level == Compatibility.Level.FULL,
            "the proposal reads data written with the current reader (" + level + ")"));
    return checks;
  }
}

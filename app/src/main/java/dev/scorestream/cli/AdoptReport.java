package dev.scorestream.cli;

import dev.scorestream.evolution.ReaderProposal;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/** ADOPT.md: what {@code scorer schemas adopt} proposes and found, for the reviewer. */
final class AdoptReport {

  private AdoptReport() {}

  static String markdown(
      String subject,
      int writerId,
      SchemaDiffCommand.Analysis analysis,
      ReaderProposal proposal,
      boolean featureSpec,
      List<SchemaAdoptCommand.Check> checks) {
    StringBuilder md = new StringBuilder();
    md.append("# Adopting writer schema ")
        .append(writerId)
        .append(" of ")
        .append(subject)
        .append("\n\n")
        .append("Proposed by `scorer schemas adopt`. Nothing is applied: review, then set")
        .append(" `reader.schema.path` to `reader.avsc` and restart the scorers one by one.\n\n")
        .append("## What the change does today\n\n")
        .append("`")
        .append(analysis.report().summary())
        .append("`\n\n");
    List<?> models = (List<?>) analysis.record().get("models");
    for (Object item : models) {
      GenericRecord model = (GenericRecord) item;
      md.append("- ").append(model.get("model")).append(' ').append(model.get("version"));
      md.append(" (").append(model.get("role")).append("): ");
      md.append(Boolean.TRUE.equals(model.get("affected")) ? "affected" : "not affected");
      md.append('\n');
    }
    md.append("\n## Reader schema changes (reader.avsc)\n\n");
    if (proposal.notes().isEmpty()) {
      md.append("None: the current reader already reads this writer.\n");
    }
    proposal.notes().forEach(note -> md.append("- ").append(note).append('\n'));
    md.append("\n## Feature change\n\n");
    md.append(featureChange(proposal.reader(), analysis, featureSpec));
    md.append("\n## Checks\n\n");
    checks.forEach(
        check ->
            md.append("- ")
                .append(check.passed() ? "PASS " : "FAIL ")
                .append(check.what())
                .append('\n'));
    return md.toString();
  }

  private static String featureChange(
      Schema proposed, SchemaDiffCommand.Analysis analysis, boolean featureSpec) {
    StringBuilder md = new StringBuilder();
    List<String> added =
        ((List<?>) analysis.record().get("against_reader"))
            .stream()
                .map(GenericRecord.class::cast)
                .filter(change -> "ADDED_IGNORED".equals(change.get("kind").toString()))
                .map(change -> change.get("field").toString())
                .filter(field -> proposed.getField(field) != null)
                .toList();
    List<?> defaulted = (List<?>) analysis.record().get("defaulted_fields");
    md.append("The serving model keeps its features: it loads against the proposal unchanged.\n");
    if (!defaulted.isEmpty()) {
      md.append("- At their default in every new event, so no signal for a model: ")
          .append(defaulted)
          .append(". Retrain without them, or have the producer send them again.\n");
    }
    if (!added.isEmpty()) {
      md.append("- Marked `\"feature\": false` in reader.avsc (not model inputs yet): ")
          .append(added)
          .append(". Set `\"feature\": true` to train the next model with them.\n");
    }
    if (featureSpec) {
      md.append("- features.json is the next model's feature spec: the serving spec without")
          .append(" the columns of defaulted fields. The serving model keeps its own.\n");
    }
    return md.toString();
  }
}

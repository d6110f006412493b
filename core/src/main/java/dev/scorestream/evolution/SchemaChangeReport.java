package dev.scorestream.evolution;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The analysis of one new writer schema: what the {@code SchemaChange} record on the {@code
 * schema-changes} topic carries, without the subject and schema id the caller knows.
 *
 * @param againstReader how the writer reads as the pipeline's reader schema
 * @param sincePrevious what changed since the subject's previous writer; empty without one
 * @param defaultedFields reader fields every event of this writer carries as their default
 * @param models the champion's impact, then the challenger's
 */
public record SchemaChangeReport(
    Compatibility compatibility,
    List<FieldChange> againstReader,
    List<FieldChange> sincePrevious,
    List<String> defaultedFields,
    List<ModelImpact> models) {

  /** How loudly the change is logged and alerted on. */
  public enum Severity {
    INFO,
    WARN
  }

  public SchemaChangeReport {
    againstReader = List.copyOf(againstReader);
    sincePrevious = List.copyOf(sincePrevious);
    defaultedFields = List.copyOf(defaultedFields);
    models = List.copyOf(models);
  }

  /** True when a serving model has a feature worse off than under the previous writer. */
  public boolean modelAffected() {
    return models.stream().anyMatch(ModelImpact::affected);
  }

  /** WARN when a model is affected or events will be dead-lettered, else INFO. */
  public Severity severity() {
    return modelAffected() || compatibility.decodability() != Decodability.ALL_EVENTS
        ? Severity.WARN
        : Severity.INFO;
  }

  /**
   * One line for the log and the demo: {@code decodes SOME_EVENTS, FORWARD with reader, FULL with
   * previous; 2 changes since previous, 1 against reader; fraud 3f2a affected: amount
   * ALWAYS_DEFAULT}. A model that loses more than {@value #LISTED} features is summed up.
   */
  public String summary() {
    StringBuilder line =
        new StringBuilder("decodes ")
            .append(compatibility.decodability())
            .append(", ")
            .append(compatibility.withReader())
            .append(" with reader");
    compatibility
        .withPrevious()
        .ifPresent(level -> line.append(", ").append(level).append(" with previous"));
    line.append("; ").append(changes(sincePrevious.size())).append(" since previous, ");
    line.append(againstReader.size()).append(" against reader");
    for (ModelImpact model : models) {
      if (model.affected()) {
        line.append("; ")
            .append(model.model())
            .append(' ')
            .append(model.version())
            .append(" affected: ")
            .append(degraded(model));
      }
    }
    return line.toString();
  }

  /** Features listed one by one in {@link #summary()}; beyond, they are counted. */
  static final int LISTED = 8;

  private String degraded(ModelImpact model) {
    List<FeatureImpact> degraded = model.degraded();
    if (compatibility.decodability() == Decodability.NO_EVENTS) {
      return "all " + degraded.size() + " features DEAD_LETTERED (no event decodes)";
    }
    String listed =
        degraded.stream()
            .limit(LISTED)
            .map(f -> f.feature() + " " + f.consequence())
            .collect(Collectors.joining(", "));
    return degraded.size() <= LISTED
        ? listed
        : listed + " and " + (degraded.size() - LISTED) + " more";
  }

  private static String changes(int count) {
    return count == 1 ? "1 change" : count + " changes";
  }
}

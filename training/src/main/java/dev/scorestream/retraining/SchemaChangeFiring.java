package dev.scorestream.retraining;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.generic.GenericRecord;

/**
 * What the retraining loop needs of one {@code schema-changes} report (docs/schema-changes.md): the
 * subject and schema id, and for each serving model the scorers analysed, whether the new writer
 * leaves one of its features worse off, and which.
 *
 * @param subject the registry subject that got a new writer schema
 * @param schemaId the new writer schema's id
 * @param impacts one per model the report names (champion, challenger, the label join)
 */
record SchemaChangeFiring(String subject, int schemaId, List<Impact> impacts) {

  /**
   * What the change does to one model.
   *
   * @param version the model version
   * @param role CHAMPION, CHALLENGER or FEEDBACK
   * @param affected a feature is worse off than under the previous writer
   * @param worse the features worse off, as {@code feature=CONSEQUENCE}
   */
  record Impact(String version, String role, boolean affected, List<String> worse) {}

  SchemaChangeFiring {
    impacts = List.copyOf(impacts);
  }

  /** The report a {@code SchemaChange} record holds. */
  static SchemaChangeFiring of(GenericRecord change) {
    List<Impact> impacts = new ArrayList<>();
    for (Object item : (List<?>) change.get("models")) {
      GenericRecord model = (GenericRecord) item;
      List<String> worse = new ArrayList<>();
      for (Object f : (List<?>) model.get("features")) {
        GenericRecord feature = (GenericRecord) f;
        String consequence = feature.get("consequence").toString();
        if (!consequence.equals(feature.get("previously").toString())
            && !consequence.equals("UNAFFECTED")) {
          worse.add(feature.get("feature") + "=" + consequence);
        }
      }
      impacts.add(
          new Impact(
              model.get("version").toString(),
              model.get("role").toString(),
              (Boolean) model.get("affected"),
              worse));
    }
    return new SchemaChangeFiring(
        change.get("subject").toString(), (Integer) change.get("schema_id"), impacts);
  }

  /**
   * The trigger's firing when this change affects {@code championVersion} as the champion, keyed
   * {@code schema:<subject>:<id>} so that one change fires once; none otherwise (a change that only
   * touches a challenger or the label join does not retrain the champion).
   */
  List<TriggerEvaluator.Firing> firingFor(String championVersion) {
    for (Impact impact : impacts) {
      if (impact.affected()
          && impact.role().equals("CHAMPION")
          && impact.version().equals(championVersion)) {
        return List.of(
            new TriggerEvaluator.Firing(
                ModelEvent.CauseKind.SCHEMA_CHANGE,
                "schema:" + subject + ":" + schemaId,
                "writer schema "
                    + schemaId
                    + " of "
                    + subject
                    + " leaves features of "
                    + championVersion
                    + " worse off: "
                    + (impact.worse().isEmpty()
                        ? "see the report"
                        : String.join(", ", impact.worse()))));
      }
    }
    return List.of();
  }
}

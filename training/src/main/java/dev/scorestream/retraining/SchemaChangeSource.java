package dev.scorestream.retraining;

import java.time.Instant;
import java.util.List;

/**
 * Schema changes that affect the serving model, as trigger firings: the hook through which the
 * {@code schema-changes} reports (docs/schema-changes.md) start a retraining when the policy says
 * {@code triggers.schemaChange.enabled}. Each firing's key is {@code schema:<subject>:<id>}, so a
 * change fires once.
 */
@FunctionalInterface
public interface SchemaChangeSource {

  /** The model-affecting changes reported since {@code since}. */
  List<TriggerEvaluator.Firing> since(Instant since);

  /** No schema changes: the trigger never fires. */
  SchemaChangeSource NONE = since -> List.of();
}

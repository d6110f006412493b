package dev.scorestream.topology;

import dev.scorestream.evolution.SchemaChangeRecords;
import dev.scorestream.evolution.SchemaChangeReport;

/**
 * Told what the schema-change task does, for metrics: called on the stream thread of the one
 * instance running that task; must be cheap and thread-safe.
 */
public interface SchemaChangeListener {

  /** Does nothing. */
  SchemaChangeListener NONE = new SchemaChangeListener() {};

  /** A new writer schema was analysed and reported, once per change. */
  default void reported(SchemaChangeReport report, SchemaChangeRecords.Detection detection) {}

  /** Schema changes found and waiting for the registry's answer before they are reported. */
  default void pending(int changes) {}
}

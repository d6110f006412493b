/**
 * Wiring and lifecycle: turns a {@link dev.scorestream.config.ScorerConfig} into a running Kafka
 * Streams application (registry client, model, topology) and shuts it down cleanly. All I/O lives
 * here, not in the topology.
 */
package dev.scorestream.app;

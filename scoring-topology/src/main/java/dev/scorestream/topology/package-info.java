/**
 * The Kafka Streams topology: bytes in, each record decoded, sanitized, checked and scored into an
 * {@link dev.scorestream.serving.Outcome}; scored outcomes go to the predictions topic, rejected
 * ones to the dead-letter topic with the original bytes and the dead-letter headers. Drift,
 * feedback and schema changes hang off the same streams: each new writer schema is reported once to
 * the {@code schema-changes} topic by a single task ({@link
 * dev.scorestream.topology.SchemaChangeTopology}). Building it does no I/O.
 */
package dev.scorestream.topology;

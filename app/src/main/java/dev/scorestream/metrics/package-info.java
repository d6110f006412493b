/**
 * Micrometer metrics of the pipeline (dot.lowercase names, low-cardinality tags), bound to a
 * Prometheus registry for {@code /metrics}: outcomes, dead letters by reason, scoring and
 * end-to-end latency, the serving model, challenger agreement, registry calls, readiness, plus
 * Kafka Streams, JVM and process binders.
 */
package dev.scorestream.metrics;

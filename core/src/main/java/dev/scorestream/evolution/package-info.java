/**
 * What a new writer schema does to the pipeline and its models, worked out without Kafka: the
 * compatibility of the writer with the reader schema and with the subject's previous writer (Avro's
 * own resolution), the field-by-field differences, and for each serving model the features a
 * difference touches and what becomes of them.
 *
 * <p>Everything here is a pure function of schemas and of a {@link
 * dev.scorestream.evolution.ModelInputs} view of a model, so the topology (first event with a new
 * schema id), the registry poller and {@code scorer schemas diff} all give the same answer. Nothing
 * here talks to the registry or to Kafka.
 */
package dev.scorestream.evolution;

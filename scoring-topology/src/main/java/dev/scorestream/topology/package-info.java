/**
 * The Kafka Streams topology: bytes in, each record decoded, sanitized, checked and scored into an
 * {@link dev.scorestream.serving.Outcome}; scored outcomes go to the predictions topic, rejected
 * ones to the dead-letter topic with the original bytes and the dead-letter headers. Building it
 * does no I/O.
 */
package dev.scorestream.topology;

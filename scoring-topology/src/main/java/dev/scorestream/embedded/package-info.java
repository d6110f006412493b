/**
 * Real components for the demo and the integration tests, started in-process or as child processes on
 * 127.0.0.1: a single-node KRaft Kafka broker ({@link dev.scorestream.embedded.EmbeddedKafka}) and an
 * in-memory Apicurio registry speaking the Confluent API ({@link dev.scorestream.embedded.EmbeddedRegistry}).
 */
package dev.scorestream.embedded;

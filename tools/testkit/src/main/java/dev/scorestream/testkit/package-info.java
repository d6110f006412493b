/**
 * Real components for tests, the demo and the benchmark, started in-process or as child processes
 * on 127.0.0.1: a single-node KRaft Kafka broker ({@link dev.scorestream.testkit.EmbeddedKafka}),
 * an in-memory Apicurio registry speaking the Confluent API ({@link
 * dev.scorestream.testkit.EmbeddedRegistry}), both together ({@link
 * dev.scorestream.testkit.EmbeddedStack}) and shared by a JUnit extension ({@link
 * dev.scorestream.testkit.RealComponents}); readers of what the pipeline wrote ({@link
 * dev.scorestream.testkit.OutputCollector}, {@link dev.scorestream.testkit.TopicCounts}). Depends
 * on no scorestream module; no production artifact depends on it.
 */
package dev.scorestream.testkit;

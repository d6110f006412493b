/**
 * Context for an event before it is scored: rows of reference tables looked up by the event's keys,
 * and per-entity windowed features computed point in time from the entity's history. The logic is
 * Kafka-free; the topology keeps the tables and histories in state stores and {@code scorer
 * features} replays the same code over a topic.
 */
package dev.scorestream.enrichment;

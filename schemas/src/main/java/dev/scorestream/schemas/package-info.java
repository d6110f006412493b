/**
 * The contracts: the Avro schemas shipped in this module ({@code src/main/avro}) and how to load
 * them, and the dead-letter reason codes ({@link dev.scorestream.schemas.Reason}), which the
 * Kafka-free core decides and the dead-letter module writes.
 */
package dev.scorestream.schemas;

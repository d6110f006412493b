/**
 * A small client for the Confluent Schema Registry REST API (also served by Apicurio's {@code
 * /apis/ccompat/v7}, Karapace and Redpanda): schema by id with a cache, a subject's versions and
 * where a writer stands among them ({@link dev.scorestream.registry.WriterHistory}), register and
 * compatibility calls, timeouts, bounded retries with backoff, basic auth and TLS.
 *
 * <p>Failures are split by what they mean for a record: {@link
 * dev.scorestream.registry.SchemaNotFoundException} is a definite answer (the id does not exist),
 * {@link dev.scorestream.registry.RegistryUnavailableException} is an outage and must never make a
 * record a dead letter.
 */
package dev.scorestream.registry;

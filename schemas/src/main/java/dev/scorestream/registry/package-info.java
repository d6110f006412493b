/**
 * A small client for the Confluent Schema Registry REST API (also served by Apicurio's {@code
 * /apis/ccompat/v7}, Karapace and Redpanda): schema by id with a cache, a subject's versions and
 * where a writer stands among them ({@link dev.scorestream.registry.WriterHistory}), register and
 * compatibility calls, timeouts, bounded retries with backoff, basic auth or a bearer token read
 * from a rotating file ({@link dev.scorestream.registry.RegistrySettings}), TLS with a truststore
 * and a client certificate ({@link dev.scorestream.registry.RegistryTls}), and a cap on response
 * sizes.
 *
 * <p>Failures are split by what they mean for a record: {@link
 * dev.scorestream.registry.SchemaNotFoundException} is a definite answer (the id does not exist),
 * {@link dev.scorestream.registry.RegistryUnavailableException} is an outage (including refused
 * credentials, a failed TLS handshake and an oversized response) and must never make a record a
 * dead letter.
 */
package dev.scorestream.registry;

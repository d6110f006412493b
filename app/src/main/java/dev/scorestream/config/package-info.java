/**
 * Configuration: one properties file plus environment overrides ({@code SCORER_*} for our keys,
 * {@code SCORER_KAFKA_*} for Kafka client properties), declared with Kafka's {@code ConfigDef} so a
 * bad value stops start-up with a message naming the key.
 */
package dev.scorestream.config;

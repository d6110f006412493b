/**
 * JSON scoring for people and services that do not speak Kafka: {@code POST /v1/score}, {@code GET
 * /v1/model} and {@code scorer score}, through the same sanitation, rules, feature extraction and
 * model as the stream.
 */
package dev.scorestream.http;

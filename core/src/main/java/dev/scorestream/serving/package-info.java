/**
 * The Kafka-free serving core, shared by the stream, REST scoring and {@code scorer score}: a
 * decoded record is sanitized, checked against its field rules, turned into features and scored by
 * the active model ({@link dev.scorestream.serving.EventScorer}, {@link
 * dev.scorestream.serving.ActiveModel}); the answer becomes a {@code Prediction} ({@link
 * dev.scorestream.serving.PredictionBuilder}) or a rejection with its dead-letter reason ({@link
 * dev.scorestream.serving.Outcome}). {@link dev.scorestream.serving.Health} is the pipeline's view
 * of its dependencies. Nothing here imports Kafka.
 */
package dev.scorestream.serving;

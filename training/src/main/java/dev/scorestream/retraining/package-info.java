/**
 * The closed loop: a retraining controller that watches live quality, drift, schema changes and a
 * schedule, trains a candidate from the training topic (out of time, with the champion's own data
 * and declared perturbations mixed in), gates it offline against the champion, proves it in shadow
 * on the same labelled events, promotes it through the models directory, and rolls it back if it
 * does worse live. Every decision is a {@link dev.scorestream.retraining.ModelEvent} on {@code
 * model-events}; one controller acts at a time, fenced through Kafka.
 */
package dev.scorestream.retraining;

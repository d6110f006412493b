/**
 * Drift math, kept apart from Kafka: mergeable moments (Welford updates, Chan et al. merges),
 * histograms over the training baseline's bins, population stability index and Jensen-Shannon
 * distance, and the OK/WARN/ALERT verdict. A value the reader schema's default filled in because
 * the writer lacks the field ({@link dev.scorestream.drift.DefaultedFeatures}) counts as missing
 * and as defaulted, not as an observation. Every accumulator merges, so partial aggregates from
 * many tasks combine into the same numbers one task would have computed.
 */
package dev.scorestream.drift;

package dev.scorestream.bench;

import java.util.Map;

/**
 * A configuration of the pipeline the benchmark measures. {@link #DEFAULT} is what a user gets:
 * drift and feedback on, labels flowing for a tenth of the events, the input keyed by event id. The
 * others change one thing, so its cost shows next to it.
 */
enum Variant {
  DEFAULT("default pipeline", Map.of(), true, false),
  CUSTOMER_KEYED("default pipeline, events keyed by customer", Map.of(), true, true),
  FEEDBACK_OFF("pipeline, feedback off", Map.of("feedback.enabled", "false"), false, false),
  DRIFT_OFF("pipeline, drift off", Map.of("drift.enabled", "false"), true, false);

  final String title;
  final Map<String, String> settings;
  final boolean labels;

  /**
   * The input keyed by customer id rather than event id: every prediction snapshot travels through
   * the repartition topic to the task its labels reach, instead of staying where it was scored.
   */
  final boolean keyedByCustomer;

  Variant(String title, Map<String, String> settings, boolean labels, boolean keyedByCustomer) {
    this.title = title;
    this.settings = settings;
    this.labels = labels;
    this.keyedByCustomer = keyedByCustomer;
  }
}

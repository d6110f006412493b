package dev.scorestream.retraining;

import dev.scorestream.drift.DriftStatus;
import java.time.Instant;
import java.util.Map;

/**
 * What the drift trigger needs of one {@code DriftReport}: the status of each feature field of one
 * model version in one event-time window.
 *
 * @param features status per field, by the report's feature name
 */
public record DriftWindow(
    Instant windowStart, String modelVersion, Map<String, DriftStatus> features) {

  public DriftWindow {
    features = Map.copyOf(features);
  }

  /** Whether {@code field} is at {@code status} or worse in this window. */
  public boolean atLeast(String field, DriftStatus status) {
    DriftStatus seen = features.get(field);
    return seen != null && seen.compareTo(status) >= 0;
  }
}

package dev.scorestream.topology;

import dev.scorestream.drift.DriftPartial;
import dev.scorestream.features.FeatureExtractor.FeatureField;
import dev.scorestream.serving.Outcome;
import java.time.Duration;
import java.util.List;

/**
 * Drift as {@link WindowedPartials}: scored events folded per event-time window and model version.
 */
final class DriftWindows extends WindowedPartials<Outcome.Scored, DriftPartial> {

  private final List<FeatureField> fields;

  DriftWindows(Duration size, Duration grace, List<FeatureField> fields) {
    super("drift", size, grace, DriftPartial.class);
    this.fields = fields;
  }

  @Override
  protected long time(Outcome.Scored value, long recordTimestamp) {
    return value.eventTime();
  }

  @Override
  protected String group(Outcome.Scored value) {
    return value.modelVersion();
  }

  @Override
  protected DriftPartial create(Outcome.Scored first) {
    return DriftPartial.empty(fields, first.model().artifact().baseline());
  }

  @Override
  protected void add(DriftPartial partial, Outcome.Scored value) {
    if (!partial.attached()) {
      partial.attach(fields, value.model().artifact().baseline()); // restored from the changelog
    }
    partial.add(value.event(), value.result());
  }

  @Override
  protected void merge(DriftPartial into, DriftPartial from) {
    into.merge(from);
  }

  @Override
  protected long count(DriftPartial partial) {
    return partial.events;
  }
}

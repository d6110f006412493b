package dev.scorestream.topology;

import dev.scorestream.codec.WireFormat;
import dev.scorestream.drift.DefaultedFeatures;
import dev.scorestream.drift.DriftPartial;
import dev.scorestream.features.FeatureExtractor.FeatureField;
import dev.scorestream.serving.Outcome;
import java.time.Duration;
import java.util.List;

/**
 * Drift as {@link WindowedPartials}: scored events folded per event-time window and model version.
 * A feature whose value the reader's default filled in (the event's writer schema lacks the field)
 * counts as missing and defaulted, read off the writer schema id in the event's bytes.
 */
final class DriftWindows extends WindowedPartials<Outcome.Scored, DriftPartial> {

  private final List<FeatureField> fields;
  private final DefaultedFeatures defaulted;

  /**
   * @param defaulted the features each writer schema defaults, or null to count every value
   */
  DriftWindows(
      Duration size, Duration grace, List<FeatureField> fields, DefaultedFeatures defaulted) {
    super("drift", size, grace, DriftPartial.class);
    this.fields = fields;
    this.defaulted = defaulted;
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
    partial.add(
        value.event(),
        value.result(),
        defaulted == null ? null : defaulted.of(WireFormat.schemaId(value.input())));
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

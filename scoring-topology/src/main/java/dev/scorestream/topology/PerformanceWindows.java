package dev.scorestream.topology;

import dev.scorestream.feedback.FeedbackResult;
import dev.scorestream.feedback.PerformancePartial;
import java.time.Duration;

/**
 * Live performance as {@link WindowedPartials}: join results folded per label-time window and model
 * version.
 */
final class PerformanceWindows extends WindowedPartials<FeedbackResult, PerformancePartial> {

  PerformanceWindows(Duration size, Duration grace) {
    super("performance", size, grace, PerformancePartial.class);
  }

  @Override
  protected long time(FeedbackResult value, long recordTimestamp) {
    return value.labelTime();
  }

  @Override
  protected String group(FeedbackResult value) {
    if (value instanceof FeedbackResult.Matched matched) {
      return matched.prediction().modelVersion();
    }
    return value instanceof FeedbackResult.Duplicate duplicate ? duplicate.modelVersion() : "";
  }

  @Override
  protected PerformancePartial create(FeedbackResult first) {
    return new PerformancePartial();
  }

  @Override
  protected void add(PerformancePartial partial, FeedbackResult value) {
    partial.add(value);
  }

  @Override
  protected void merge(PerformancePartial into, PerformancePartial from) {
    into.merge(from);
  }

  @Override
  protected long count(PerformancePartial partial) {
    return partial.labels;
  }
}

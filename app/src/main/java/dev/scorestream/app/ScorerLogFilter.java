package dev.scorestream.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxy;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import dev.scorestream.security.AuthorizationLogFilter;
import java.util.List;

/**
 * The scorer's rules for Kafka's log lines ({@link RecoveryLogFilter}, {@link
 * AuthorizationLogFilter}), applied on an appender to the WARN and ERROR events that reach it.
 *
 * <p>Installed as Logback turbo filters, the same rules would run on every level check of every
 * logger: Kafka's clients and Streams ask {@code isTraceEnabled()} and {@code isDebugEnabled()}
 * several times per record, and with a turbo filter each question walks the filter chain (about 9%
 * of the stream thread's samples in a profile of the default pipeline). An appender filter sees
 * only the events that passed the level check, a few per hour.
 */
public final class ScorerLogFilter extends Filter<ILoggingEvent> {

  private final List<TurboFilter> rules =
      List.of(new RecoveryLogFilter(), new AuthorizationLogFilter());

  @Override
  public FilterReply decide(ILoggingEvent event) {
    if (!event.getLevel().isGreaterOrEqual(Level.WARN)) {
      return FilterReply.NEUTRAL;
    }
    ch.qos.logback.classic.Logger logger =
        ((LoggerContext) getContext()).getLogger(event.getLoggerName());
    Throwable thrown =
        event.getThrowableProxy() instanceof ThrowableProxy proxy ? proxy.getThrowable() : null;
    for (TurboFilter rule : rules) {
      FilterReply reply =
          rule.decide(
              null, logger, event.getLevel(), event.getMessage(), event.getArgumentArray(), thrown);
      if (reply != FilterReply.NEUTRAL) {
        return reply;
      }
    }
    return FilterReply.NEUTRAL;
  }
}

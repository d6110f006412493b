package dev.scorestream.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxy;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import dev.scorestream.registry.RegistryUnavailableException;
import dev.scorestream.topology.OutputFailureHandler;

/**
 * Keeps recoveries the scorer handles from reaching the log as errors with stack traces. Kafka
 * Streams logs an ERROR, with the whole trace, whenever a stream thread dies, even when the
 * scorer's handler replaces it because the cause is expected: a registry outage that outlasted its
 * wait, or an output a topic refused for one record (written degraded on the retry). The scorer
 * logs one WARN line of its own for each; this drops Kafka's ERRORs about those two causes, and
 * nothing else.
 */
public final class RecoveryLogFilter extends Filter<ILoggingEvent> {

  /** What Kafka Streams says after a thread was replaced: the scorer's own line says why. */
  static final String REPLACING_THREAD =
      "Replacing thread in the streams uncaught exception handler";

  @Override
  public FilterReply decide(ILoggingEvent event) {
    if (!event.getLevel().isGreaterOrEqual(Level.ERROR)
        || !event.getLoggerName().startsWith("org.apache.kafka")) {
      return FilterReply.NEUTRAL;
    }
    Throwable thrown =
        event.getThrowableProxy() instanceof ThrowableProxy proxy ? proxy.getThrowable() : null;
    if (REPLACING_THREAD.equals(event.getMessage()) || expected(thrown)) {
      return FilterReply.DENY;
    }
    return FilterReply.NEUTRAL;
  }

  static boolean expected(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof RegistryUnavailableException
          || OutputFailureHandler.belongsToTheRecord(cause)) {
        return true;
      }
    }
    return false;
  }
}

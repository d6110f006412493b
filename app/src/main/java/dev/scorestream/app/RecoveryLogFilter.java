package dev.scorestream.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import dev.scorestream.registry.RegistryUnavailableException;
import dev.scorestream.topology.OutputFailureHandler;
import org.slf4j.Marker;

/**
 * Keeps recoveries the scorer handles from reaching the log as errors with stack traces. Kafka
 * Streams logs an ERROR, with the whole trace, whenever a stream thread dies, even when the
 * scorer's handler replaces it because the cause is expected: a registry outage that outlasted its
 * wait, or an output a topic refused for one record (written degraded on the retry). The scorer
 * logs one WARN line of its own for each; this drops Kafka's ERRORs about those two causes, and
 * nothing else.
 */
public final class RecoveryLogFilter extends TurboFilter {

  /** What Kafka Streams says after a thread was replaced: the scorer's own line says why. */
  static final String REPLACING_THREAD =
      "Replacing thread in the streams uncaught exception handler";

  @Override
  public FilterReply decide(
      Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (level == null
        || !level.isGreaterOrEqual(Level.ERROR)
        || !logger.getName().startsWith("org.apache.kafka")) {
      return FilterReply.NEUTRAL;
    }
    if (REPLACING_THREAD.equals(format) || expected(t) || expected(lastThrowable(params))) {
      return FilterReply.DENY;
    }
    return FilterReply.NEUTRAL;
  }

  /** slf4j's convention: a trailing Throwable argument is the event's exception. */
  private static Throwable lastThrowable(Object[] params) {
    return params != null && params.length > 0 && params[params.length - 1] instanceof Throwable t
        ? t
        : null;
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

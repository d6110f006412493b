package dev.scorestream.security;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.errors.AuthorizationException;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * Turns Kafka's logs of authorization failures the scorer explains itself into nothing, or one WARN
 * line:
 *
 * <ul>
 *   <li>Kafka Streams purges consumed records of its repartition topics (deleteRecords). Without
 *       DELETE on them every purge fails and its task manager logs an ERROR each time; instead the
 *       first one becomes one WARN naming the ACL, and the rest are dropped. The start-up check
 *       catches it only when the repartition topics already exist (not on a first start).
 *   <li>A stream thread that dies of an authorization failure is logged by Kafka Streams with its
 *       stack trace; the scorer's uncaught-exception handler logs one {@code missing ACL: ...} line
 *       ({@link AuthorizationFailures}), so Kafka's ERROR is dropped.
 * </ul>
 */
public final class AuthorizationLogFilter extends TurboFilter {

  /** The task manager's message when the previous purge failed. */
  static final String PURGE_FAILED = "Previous delete-records request has failed";

  private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(AuthorizationLogFilter.class);

  private static final Pattern STREAM_THREAD =
      Pattern.compile(
          "(.+)-\\p{XDigit}{8}(?:-\\p{XDigit}{4}){3}-\\p{XDigit}{12}" + "-StreamThread-\\d+");

  private final AtomicBoolean purgeReported = new AtomicBoolean();

  @Override
  public FilterReply decide(
      Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (level == null
        || !level.isGreaterOrEqual(Level.WARN)
        || !logger.getName().startsWith("org.apache.kafka.streams")) {
      return FilterReply.NEUTRAL;
    }
    boolean denied = denied(t) || denied(lastThrowable(params));
    if (!denied) {
      return FilterReply.NEUTRAL;
    }
    if (format != null && format.startsWith(PURGE_FAILED)) {
      if (purgeReported.compareAndSet(false, true)) {
        LOG.warn(
            "missing ACL: DELETE on Topic prefix '{}' (Kafka Streams cannot purge consumed records"
                + " of its repartition topics, which grow until it is granted; logged once)",
            internalTopicPrefix(Thread.currentThread().getName()));
      }
      return FilterReply.DENY;
    }
    return level.isGreaterOrEqual(Level.ERROR) ? FilterReply.DENY : FilterReply.NEUTRAL;
  }

  /**
   * The internal-topic prefix, {@code <application.id>-}, from the name of the stream thread that
   * purges ({@code <application.id>-<process uuid>-StreamThread-<n>}, unless {@code client.id} is
   * set); {@code <application.id>-} itself when the name does not tell.
   */
  static String internalTopicPrefix(String threadName) {
    Matcher matcher = STREAM_THREAD.matcher(threadName);
    return matcher.matches() ? matcher.group(1) + "-" : "<application.id>-";
  }

  /** slf4j's convention: a trailing Throwable argument is the event's exception. */
  private static Throwable lastThrowable(Object[] params) {
    return params != null && params.length > 0 && params[params.length - 1] instanceof Throwable t
        ? t
        : null;
  }

  private static boolean denied(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof AuthorizationException) {
        return true;
      }
    }
    return false;
  }
}

package dev.scorestream.security;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxy;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.errors.AuthorizationException;
import org.slf4j.LoggerFactory;

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
public final class AuthorizationLogFilter extends Filter<ILoggingEvent> {

  /** The task manager's message when the previous purge failed. */
  static final String PURGE_FAILED = "Previous delete-records request has failed";

  private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(AuthorizationLogFilter.class);

  private static final Pattern STREAM_THREAD =
      Pattern.compile(
          "(.+)-\\p{XDigit}{8}(?:-\\p{XDigit}{4}){3}-\\p{XDigit}{12}" + "-StreamThread-\\d+");

  private final AtomicBoolean purgeReported = new AtomicBoolean();

  @Override
  public FilterReply decide(ILoggingEvent event) {
    Level level = event.getLevel();
    if (!level.isGreaterOrEqual(Level.WARN)
        || !event.getLoggerName().startsWith("org.apache.kafka.streams")
        || !(event.getThrowableProxy() instanceof ThrowableProxy thrown)
        || !denied(thrown.getThrowable())) {
      return FilterReply.NEUTRAL;
    }
    String format = event.getMessage();
    if (format != null && format.startsWith(PURGE_FAILED)) {
      if (purgeReported.compareAndSet(false, true)) {
        // An appender drops what its own filter logs on the same thread (Logback's re-entrance
        // guard): the one warning goes out from a thread of its own.
        String prefix = internalTopicPrefix(event.getThreadName());
        Thread report =
            new Thread(
                () ->
                    LOG.warn(
                        "missing ACL: DELETE on Topic prefix '{}' (Kafka Streams cannot purge"
                            + " consumed records of its repartition topics, which grow until it is"
                            + " granted; logged once)",
                        prefix),
                "missing-acl-report");
        report.setDaemon(true);
        report.start();
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

  private static boolean denied(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof AuthorizationException) {
        return true;
      }
    }
    return false;
  }
}

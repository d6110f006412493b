package dev.scorestream.security;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import ch.qos.logback.core.spi.FilterReply;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.streams.errors.StreamsException;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class AuthorizationFailuresTest {

  @Test
  void shouldNameTheTransactionalIdPrefixKafkaDoesNot() {
    Throwable error =
        new StreamsException(
            new KafkaException(
                new TransactionalIdAuthorizationException(
                    "Transactional Id authorization failed.")));

    assertThat(AuthorizationFailures.describe(error, "fraud"))
        .hasValueSatisfying(
            line ->
                assertThat(line)
                    .startsWith("missing ACL: WRITE on TransactionalId prefix 'fraud-'")
                    .doesNotContain("\n"));
  }

  @Test
  void shouldNameTheGroupAndTheTopics() {
    assertThat(
            AuthorizationFailures.describe(
                new StreamsException(GroupAuthorizationException.forGroupId("fraud")), "fraud"))
        .hasValueSatisfying(
            line -> assertThat(line).startsWith("missing ACL: READ on Group 'fraud'"));
    assertThat(
            AuthorizationFailures.describe(
                new TopicAuthorizationException(Set.of("events.labels", "events")), "fraud"))
        .hasValueSatisfying(
            line -> assertThat(line).startsWith("missing ACL: Topic [events, events.labels]"));
  }

  @Test
  void shouldNameTheInputsWhenCommittingConsumedOffsetsIsRefused() {
    Throwable error =
        new StreamsException(
            "Error encountered trying to add offsets to a transaction",
            new KafkaException(
                "Unexpected error in TxnOffsetCommitResponse: Topic authorization failed."));

    assertThat(AuthorizationFailures.describe(error, "fraud", List.of("events.labels", "events")))
        .hasValueSatisfying(
            line ->
                assertThat(line)
                    .startsWith("missing ACL: Topic [events, events.labels] refused this principal")
                    .contains("need READ")
                    .doesNotContain("\n"));
    assertThat(
            AuthorizationFailures.describe(
                new StreamsException(new KafkaException("Unexpected error in AddOffsets")), "a"))
        .isEmpty();
  }

  @Test
  void shouldLeaveOtherFailuresAlone() {
    assertThat(AuthorizationFailures.describe(new StreamsException(new TimeoutException()), "a"))
        .isEmpty();
  }

  @Test
  void shouldTellTheInternalTopicPrefixFromTheStreamThreadName() {
    assertThat(
            AuthorizationLogFilter.internalTopicPrefix(
                "fraud-scorer-ce6375da-9970-4bee-943a-ccd93f0acee7-StreamThread-1"))
        .isEqualTo("fraud-scorer-");
    assertThat(AuthorizationLogFilter.internalTopicPrefix("main")).isEqualTo("<application.id>-");
  }

  @Test
  void shouldTurnEveryFailedPurgeIntoOneWarning() {
    AuthorizationLogFilter filter = new AuthorizationLogFilter();
    ch.qos.logback.classic.Logger own =
        (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(AuthorizationLogFilter.class);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    own.addAppender(logged);
    ch.qos.logback.classic.Logger taskManager =
        new LoggerContext().getLogger("org.apache.kafka.streams.processor.internals.TaskManager");
    Object[] params = {new TopicAuthorizationException("Topic authorization failed.")};
    String format = AuthorizationLogFilter.PURGE_FAILED + ": {}. Try sending the new request now";

    assertThat(filter.decide(event(taskManager, Level.ERROR, format, params)))
        .isEqualTo(FilterReply.DENY);
    assertThat(filter.decide(event(taskManager, Level.ERROR, format, params)))
        .isEqualTo(FilterReply.DENY);
    assertThat(
            filter.decide(
                event(
                    taskManager,
                    Level.ERROR,
                    "something else",
                    new Object[] {new TimeoutException()})))
        .isEqualTo(FilterReply.NEUTRAL);
    // The warning comes from a thread of its own: an appender drops what its filter logs.
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !logged.list.isEmpty());
    own.detachAppender(logged);
    assertThat(logged.list)
        .singleElement()
        .satisfies(
            event -> {
              assertThat(event.getLevel()).isEqualTo(Level.WARN);
              assertThat(event.getFormattedMessage())
                  .startsWith("missing ACL: DELETE on Topic prefix '<application.id>-'");
            });
  }

  /** An event as Logback makes it: a trailing Throwable argument becomes the event's exception. */
  static ILoggingEvent event(
      ch.qos.logback.classic.Logger logger, Level level, String format, Object[] params) {
    return new LoggingEvent(
        ch.qos.logback.classic.Logger.class.getName(), logger, level, format, null, params);
  }
}

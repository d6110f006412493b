package dev.scorestream.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.read.ListAppender;
import dev.scorestream.registry.RegistryUnavailableException;
import dev.scorestream.security.AuthorizationLogFilter;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The scorer's rules for Kafka's log lines as the shipped configuration installs them: filters on
 * the appender.
 */
class KafkaLogFiltersTest {

  final LoggerContext context = new LoggerContext();
  final ListAppender<ILoggingEvent> appended = new ListAppender<>();

  @BeforeEach
  void configure() {
    appended.setContext(context);
    for (Filter<ILoggingEvent> filter :
        List.of(new RecoveryLogFilter(), new AuthorizationLogFilter())) {
      filter.setContext(context);
      filter.start();
      appended.addFilter(filter);
    }
    appended.start();
    context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appended);
    context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.INFO);
  }

  Logger streams() {
    return context.getLogger("org.apache.kafka.streams.processor.internals.TaskExecutor");
  }

  @Test
  void shouldDropKafkasErrorsAboutWhatTheScorerReportsItself() {
    streams()
        .error(
            "Failed to process stream task 0_0",
            new StreamsException("outage", new RegistryUnavailableException("down", null)));
    streams().error(RecoveryLogFilter.REPLACING_THREAD);
    streams()
        .error("stream thread died", new TopicAuthorizationException("Topic authorization failed"));

    assertThat(appended.list).isEmpty();
  }

  @Test
  void shouldKeepEverythingElse() {
    streams().error("Failed to process stream task 0_0", new StreamsException("disk full"));
    streams().info("State transition from RUNNING to REBALANCING");
    context.getLogger("dev.scorestream.app.ScorerApp").warn("registry down");

    assertThat(appended.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .containsExactly(
            "Failed to process stream task 0_0",
            "State transition from RUNNING to REBALANCING",
            "registry down");
  }

  @Test
  void shouldDropKafkasErrorsAboutRecoveriesTheScorerHandles() {
    streams()
        .error(
            "Failed to process stream task 0_0",
            new StreamsException(
                "outage", new RegistryUnavailableException("registry down", null)));
    streams()
        .error(
            "Error encountered sending record to topic {}",
            "events.dlq",
            new RecordTooLargeException("too large"));
    streams().error(RecoveryLogFilter.REPLACING_THREAD);

    assertThat(appended.list).isEmpty();
  }

  @Test
  void shouldKeepEveryOtherError() {
    streams().error("Failed to process stream task 0_0", new StreamsException("disk full"));
    streams().warn("registry down", new RegistryUnavailableException("registry down", null));
    context
        .getLogger("dev.scorestream.app.ScorerApp")
        .error("stream thread failed", new RegistryUnavailableException("registry down", null));

    assertThat(appended.list)
        .extracting(ILoggingEvent::getMessage)
        .containsExactly(
            "Failed to process stream task 0_0", "registry down", "stream thread failed");
  }

  /**
   * A turbo filter runs on every level check of every logger (several per record in Kafka's
   * clients): the shipped configurations filter on their appenders instead.
   */
  @Test
  void shouldShipNoTurboFilter() throws Exception {
    for (String resource : new String[] {"/logback.xml"}) {
      try (InputStream in = getClass().getResourceAsStream(resource)) {
        String xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        assertThat(xml)
            .doesNotContain("<turboFilter")
            .contains(RecoveryLogFilter.class.getName())
            .contains(AuthorizationLogFilter.class.getName());
      }
    }
  }
}
